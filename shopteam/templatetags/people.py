"""Naming people in templates the way services name them (shopteam.people.display_name)."""
from django import template
from django.utils.translation import gettext as _

from shopteam.people import display_name

register = template.Library()


@register.filter
def person(user, nobody=""):
    """A person's name; for nobody, `nobody` (e.g. "Shopteam" for what the system did)."""
    return display_name(user) or nobody or _("Shopteam")
