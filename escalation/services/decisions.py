"""What the people a case is with decide (accept, ask, pass on, resolve), what its reporter answers or reopens,
and comments. Each re-reads the case under a lock and refuses a decision about a state that has moved on."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopteam.notifications.services import Phrase, mark_read_about
from shopteam.people import display_name

from .. import rules, signals
from ..models import Case, CaseEvent
from .checks import _locked, _text
from .notices import NEEDS_YOU, _tell
from .routing import _calendar, _end_step, _route, _stop_clock


@transaction.atomic
def accept_case(case: Case, *, by: User, hop: int | None = None, note: str = "") -> Case:
    """Take the case on. A note written with it is kept on the accept. A case waiting for the reporter's
    answer can be accepted too: it stays waiting, and the answer brings it back to the one who accepted."""
    note = _text(note, required=None)
    case = _locked(case, hop)
    rules.require(case, by, "accept")
    if case.status == Case.Status.WAITING:
        case.status = Case.Status.IN_PROGRESS
    case.handler = by
    case.save(update_fields=["status", "handler"])
    others = [user for user in case.contacts.all() if user != by]
    case.contacts.set([by])
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ACCEPTED, actor=by, from_post=case.current_post,
                             step=case.step, note=note)
    mark_read_about(others, url=case.get_absolute_url(), events=NEEDS_YOU)
    _tell([case.reporter], "case.accepted", case, name=display_name(by), note=f"\n{note}" if note else "")
    return case


@transaction.atomic
def comment_on_case(case: Case, *, by: User, note: str) -> CaseEvent:
    note = _text(note, required=_("A comment cannot be empty."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    rules.require(case, by, "comment")
    event = CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.COMMENTED, actor=by, step=case.step, note=note)
    others = {case.reporter, *case.contacts.all()} - {by, None}
    _tell(others, "case.commented", case, name=display_name(by), note=note)
    return event


@transaction.atomic
def ask_reporter(case: Case, *, by: User, question: str, hop: int | None = None) -> Case:
    question = _text(question, required=_("Write what you need to know."))
    case = _locked(case, hop)
    rules.require(case, by, "ask")
    _stop_clock(case, timezone.now())
    case.status = Case.Status.NEEDS_INFO
    case.deadline = None
    case.save()
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.INFO_REQUESTED, actor=by, step=case.step, note=question)
    _tell([case.reporter], "case.info_requested", case, name=display_name(by), note=question)
    return case


@transaction.atomic
def answer_reporter_question(case: Case, *, by: User, answer: str) -> Case:
    answer = _text(answer, required=_("Write your answer."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    rules.require(case, by, "answer")
    now = timezone.now()
    case.status = Case.Status.IN_PROGRESS if case.handler_id else Case.Status.WAITING
    case.clock_started_at = now
    remaining = max((case.step_minutes or 0) - case.clock_minutes, 0)
    case.deadline = _calendar(case).add_working_minutes(now, remaining) if case.step_minutes is not None else None
    case.save()
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.INFO_GIVEN, actor=by, step=case.step, note=answer)
    _tell(case.contacts.all(), "case.info_given", case, name=display_name(by), note=answer)
    return case


@transaction.atomic
def pass_on(case: Case, *, by: User, reason: str, hop: int | None = None) -> Case:
    reason = _text(reason, required=_("Say why you pass the case on."))
    case = _locked(case, hop)
    rules.require(case, by, "pass")
    now = timezone.now()
    previous = list(case.contacts.all())
    _end_step(case, kind=CaseEvent.Kind.PASSED_ON, actor=by, now=now, note=reason)
    why = Phrase(gettext_lazy("%(name)s (%(post)s) passed it on: %(reason)s"),
                 name=display_name(by), post=case.current_post, reason=reason)
    return _route(case, now=now, start=case.step + 1, actor=by, why=why, previous=previous)


@transaction.atomic
def resolve_case(case: Case, *, by: User, resolution: str, hop: int | None = None) -> Case:
    resolution = _text(resolution, required=_("Write how it was solved."))
    case = _locked(case, hop)
    rules.require(case, by, "resolve")
    now = timezone.now()
    _end_step(case, kind=CaseEvent.Kind.RESOLVED, actor=by, now=now, note=resolution)
    minutes = (CaseEvent.objects.filter(case=case, kind__in=CaseEvent.STEP_ENDS, working_minutes__isnull=False)
               .values_list("working_minutes", flat=True))
    total = sum(step or 0 for step in minutes)
    case.status = Case.Status.RESOLVED
    case.handler = by
    case.resolution = resolution
    case.resolved_at = now
    case.resolved_step = case.step
    case.working_minutes = total
    case.deadline = None
    case.hop += 1
    case.save()
    others = [user for user in case.contacts.all() if user != by]
    case.contacts.clear()
    mark_read_about([*others, by], url=case.get_absolute_url(), events=NEEDS_YOU)
    _tell([case.reporter], "case.resolved", case, name=display_name(by), note=resolution)
    signals.case_resolved.send(sender=Case, case=case, by=by)
    return case


@transaction.atomic
def reopen_case(case: Case, *, by: User, reason: str) -> Case:
    """The reporter says it is not solved; a case Shopteam raised is reopened by the shop manager."""
    reason = _text(reason, required=_("Say why the case is not solved."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    rules.require(case, by, "reopen")
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REOPENED, actor=by, step=case.step, note=reason)
    start = case.resolved_step if case.resolved_step is not None else case.step
    case.resolved_at = None
    case.resolution = ""
    case.resolved_step = None
    case.working_minutes = None
    why = Phrase(gettext_lazy("%(name)s reopened it: %(reason)s"), name=display_name(by), reason=reason)
    return _route(case, now=timezone.now(), start=start, actor=by, why=why)
