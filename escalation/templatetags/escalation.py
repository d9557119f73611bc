"""Template helpers for case pages: durations in working time and the chain's posts."""
from django import template
from django.utils.translation import gettext as _

from roles.models import Department, Post
from roles.templatetags.orgchart import localized

register = template.Library()
register.filter("localized", localized)


@register.filter
def working_time(minutes):
    """120 -> '2 h 0 min' of working time; a working day is not 24 hours, so no days are shown."""
    if minutes is None:
        return "—"
    minutes = int(round(minutes))
    if minutes == 0:
        return _("under 1 min")
    hours, rest = divmod(minutes, 60)
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    return _("%(m)d min") % {"m": rest}


@register.filter
def chain_posts(case):
    """Each step's post, or for a step whose department had no leader post, that department."""
    posts = Post.objects.in_bulk([entry["post"] for entry in case.chain if entry.get("post")])
    departments = Department.objects.in_bulk([entry["department"] for entry in case.chain if entry.get("department")])
    steps = []
    for entry in case.chain:
        post = posts.get(entry.get("post"))
        department = departments.get(entry.get("department"))
        steps.append(post or (_("%(department)s (no leader post)") % {"department": department} if department else "?"))
    return steps


@register.filter
def percent(share):
    return "—" if share is None else f"{share:.0%}"
