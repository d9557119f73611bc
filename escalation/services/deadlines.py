"""The deadline jobs: a case whose step's deadline passed moves on, and its contacts are warned once before."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopteam.notifications.services import Phrase
from shopteam.people import moment_text

from .. import selectors
from ..models import Case, CaseEvent
from .notices import _tell
from .routing import _end_step, _route


def move_on_overdue_case(case_id: int, *, now: datetime.datetime | None = None) -> Case | None:
    """Move one case whose deadline has passed to its next step, writing which deadline failed.

    At the last step the case stays with the shop manager (overdue on the dashboard) and the breach is
    written once. Returns None when another run got there first or nothing is due.
    """
    now = now or timezone.now()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(skip_locked=True)
            .filter(pk=case_id, deadline__lte=now, status__in=[Case.Status.WAITING, Case.Status.IN_PROGRESS])
            .exclude(breached_hop=F("hop"))
            .first()
        )
        if case is None:
            return None
        note = _("The deadline of %(deadline)s for %(post)s passed (%(minutes)s working minutes).") % {
            "deadline": moment_text(case.deadline),
            "post": case.current_post or _("the admins"),
            "minutes": case.step_minutes,
        }
        if case.at_last_step or case.with_admins:
            case.breached_hop = case.hop
            case.save(update_fields=["breached_hop"])
            CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.DEADLINE_PASSED, step=case.step,
                                     from_post=case.current_post, note=note)
            _tell(case.contacts.all(), "case.overdue", case, note=note)
            return case
        previous = list(case.contacts.all())
        _end_step(case, kind=CaseEvent.Kind.DEADLINE_PASSED, actor=None, now=now, note=note)
        why = Phrase(gettext_lazy("The deadline of %(deadline)s at %(post)s passed."),
                     deadline=moment_text(case.deadline), post=case.current_post)
        return _route(case, now=now, start=case.step + 1, actor=None, why=why, previous=previous)


def move_on_overdue_cases(*, now: datetime.datetime | None = None) -> list[Case]:
    now = now or timezone.now()
    due = (
        Case.objects.filter(deadline__lte=now, status__in=[Case.Status.WAITING, Case.Status.IN_PROGRESS])
        .exclude(breached_hop=F("hop"))
        .values_list("pk", flat=True)
    )
    return [case for case in (move_on_overdue_case(pk, now=now) for pk in list(due)) if case is not None]


def warn_before_deadlines(*, now: datetime.datetime | None = None) -> list[Case]:
    """Tell the contacts once per hop that a deadline is near; a claim on warned_hop makes it once only.

    A deadline is near when it falls within ESCALATION_WARN_WORKING_MINUTES of now in the calendar the case's
    clock runs in: its department's hours, or clock time for an urgent case.
    """
    now = now or timezone.now()
    lead = settings.ESCALATION_WARN_WORKING_MINUTES
    near = selectors.deadline_within(now, lead)
    due = (
        Case.objects.filter(near, deadline__gt=now, status__in=[Case.Status.WAITING, Case.Status.IN_PROGRESS])
        .exclude(warned_hop=F("hop"))
        .values_list("pk", "hop")
    )
    warned = []
    for pk, hop in list(due):
        with transaction.atomic():
            if not Case.objects.filter(pk=pk, hop=hop).exclude(warned_hop=hop).update(warned_hop=hop):
                continue  # another run claimed it, or the case moved on meanwhile
            case = Case.objects.get(pk=pk)
            deadline = moment_text(case.deadline)
            CaseEvent.objects.create(
                case=case, kind=CaseEvent.Kind.WARNED, step=case.step, from_post=case.current_post,
                note=_("Deadline at %(deadline)s is less than %(minutes)s working minutes away.")
                % {"deadline": deadline, "minutes": lead},
            )
            _tell(case.contacts.all(), "case.deadline_near", case, deadline=deadline)
            warned.append(case)
    return warned
