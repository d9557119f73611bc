"""The daily stand-up's pages: today's form, the team's day, one stand-up and raising its blockers."""
import contextlib
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from escalation.selectors import cases_about
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import selectors, services
from ..forms import StandupForm
from ..models import Standup


def standup(request):
    """One short form for today's stand-up (a phone form); what I wrote the days before below it."""
    today = timezone.localdate()
    mine = selectors.standup_of(request.user, today)
    form = StandupForm(request.POST or None, instance=mine)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mine = services.write_standup(by=request.user, yesterday=data["yesterday"], today=data["today"],
                                          blockers=data["blockers"])
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Stand-up saved."))
            return redirect("tasks:standup")
    recent = Standup.objects.filter(person=request.user, date__lt=today).order_by("-date")[:5]
    return render(request, "tasks/standup.html", {
        "form": form, "standup": mine, "today": today, "recent": recent,
        "cases": list(cases_about(mine)) if mine else [],
        "reads_team": selectors.standup_team(request.user, day=today) is not None,
    })


def standup_team(request):
    """The whole team's stand-ups for a day, and who has not written one by 10:00 on a working day."""
    day = timezone.localdate()
    if request.GET.get("date"):
        with contextlib.suppress(ValueError):
            day = datetime.date.fromisoformat(request.GET["date"])
    rows = selectors.team_standups(request.user, day=day, calendars=services._Calendars())
    if rows is None:
        raise PermissionDenied
    return render(request, "tasks/standup_team.html", {
        "rows": rows, "day": day, "missing": [row for row in rows if row["missing"]],
        "previous": day - datetime.timedelta(days=1), "next": day + datetime.timedelta(days=1),
        "is_today": day == timezone.localdate(),
    })


def _readable_standup(request, pk):
    standup = Standup.objects.select_related("person").filter(pk=pk).first()
    if standup is None or not selectors.can_read_standup(standup, request.user):
        raise Http404
    return standup


def standup_detail(request, pk):
    standup = _readable_standup(request, pk)
    return render(request, "tasks/standup_detail.html", {"standup": standup, "cases": list(cases_about(standup))})


@post_only("tasks:standup_detail")
def raise_blocker(request, pk):
    standup = _readable_standup(request, pk)
    if standup.person_id != request.user.pk:
        raise PermissionDenied
    try:
        case = services.raise_blocker(standup, by=request.user)
    except ServiceError as error:
        show_errors(request, error)
        return redirect("tasks:standup")
    messages.success(request, _("Case #%(id)s raised and sent to %(post)s.") % {
        "id": case.pk, "post": case.current_post or _("the admins")})
    return redirect(case)
