"""How a case travels its chain: the step it goes to (skipping whoever cannot take it), the clock of each step,
who may see it, and who is told it moved."""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm

from roles import selectors as roles_selectors
from roles.models import Department, Post
from shopteam.notifications.services import Phrase, mark_read_about
from shopteam.people import moment_text
from shopteam.workcalendar.calc import ClockCalendar, WorkCalendar, calendar_for

from ..chains import ChainEntry
from ..models import Case, CaseEvent
from .notices import NEEDS_YOU, _names, _tell

VIEW = "escalation.view_case"


def _calendar(case: Case, post: Post | None = None) -> WorkCalendar | ClockCalendar:
    """The calendar a case's clock runs in at `post` (default: where it is now): the working hours of that
    post's department, or clock time for an urgent difficulty."""
    post = post if post is not None else case.current_post
    return calendar_for(post.department if post else None, urgent=case.urgent)


def _stop_clock(case: Case, now: datetime.datetime) -> int:
    if case.clock_started_at is not None:
        case.clock_minutes += _calendar(case).working_minutes_between(case.clock_started_at, now)
        case.clock_started_at = None
    return case.clock_minutes


def _hand_to(case: Case, users: list[User]) -> None:
    """The case now waits for `users`: they are its contacts and may see it from now on."""
    case.contacts.set(users)
    for user in users:
        assign_perm(VIEW, user, case)


def _skip(case: Case, *, index: int, post: Post | None, actor: User | None, note: str,
          kind: str = CaseEvent.Kind.SKIPPED) -> None:
    CaseEvent.objects.create(case=case, kind=kind, actor=actor, to_post=post, step=index, note=note)


def _route(case: Case, *, now: datetime.datetime, start: int, actor: User | None, why: Phrase,
           previous: Iterable[User | None] = ()) -> Case:
    """Send the case to the first step from `start` on that has someone to take it, skipping (and writing
    why) a step whose department has no leader post, the raiser's own post, and a vacant post.

    With nobody left in the chain the case goes to the admins. `why` says how the case came (a Phrase);
    `previous` are the people it was with, who are told it left them. Saves the case, writes the events
    and the notifications.
    """
    case.hop += 1
    case.handler = None
    case.clock_minutes = 0
    case.clock_started_at = now
    case.with_admins = False
    case.status = Case.Status.WAITING
    posts = Post.objects.select_related("department").in_bulk([e["post"] for e in case.chain if e.get("post")])
    for index in range(start, len(case.chain)):
        entry = case.chain[index]
        post = posts.get(entry.get("post"))
        if post is None:
            _skip(case, index=index, post=None, actor=actor, note=_(
                "%(department)s has no leader post, so nobody could be contacted there.")
                % {"department": _department_name(entry)})
            continue
        holders = roles_selectors.holders(post)
        if not post.is_manager_post and (post.pk == case.post_id or (holders and set(holders) <= {case.reporter})):
            _skip(case, index=index, post=post, actor=actor, note=_(
                "%(post)s is where the case was raised: it goes to the next contact instead.") % {"post": post})
            continue
        if not holders:
            _skip(case, index=index, post=post, actor=actor, kind=CaseEvent.Kind.SKIPPED_VACANT,
                  note=_("Nobody holds %(post)s today.") % {"post": post})
            continue
        case.step = index
        case.current_post = post
        case.deadline = _calendar(case, post).add_working_minutes(now, entry["minutes"])
        case.reached_manager = case.reached_manager or post.is_manager_post
        case.save()
        _hand_to(case, holders)
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.ROUTED, actor=actor, to_post=post, to_people=_names(holders), step=index
        )
        _moved(case, previous=previous, why=why, to=f"{post}（{_names(holders)}）")
        _tell(holders, "case.assigned", case, why=why, post=post, deadline=moment_text(case.deadline),
              description=case.description)
        return case
    admins = list(get_user_model().objects.filter(is_superuser=True, is_active=True))
    case.step = max(len(case.chain) - 1, 0)
    case.current_post = None
    case.with_admins = True
    case.reached_manager = True
    case.deadline = None
    case.save()
    _hand_to(case, admins)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.TO_ADMINS, actor=actor, to_people=_names(admins), step=case.step,
        note=_("Every contact, the shop manager included, is vacant."),
    )
    _moved(case, previous=previous, why=why, to=gettext_lazy("the admins"))
    _tell(admins, "case.to_admins", case, why=why, description=case.description)
    return case


def _department_name(entry: ChainEntry) -> Department | Promise | str:
    department_id = entry.get("department")
    department = Department.objects.filter(pk=department_id).first() if department_id is not None else None
    return department or _("A department")


def _moved(case: Case, *, previous: Iterable[User | None], why: Phrase, to: str | Promise) -> None:
    """Tell the people the case left, and its reporter, where it went and why; their "needs you" is over."""
    previous = [user for user in previous if user is not None]
    if previous:
        mark_read_about(previous, url=case.get_absolute_url(), events=NEEDS_YOU)
        _tell(previous, "case.left_you", case, why=why, to=to)
    if case.reporter is not None and case.hop > 1 and case.reporter not in previous:
        _tell([case.reporter], "case.moved", case, why=why, to=to)


def _end_step(case: Case, *, kind: str, actor: User | None, now: datetime.datetime, note: str) -> CaseEvent:
    """Close the current step's clock and write the event that says how it ended."""
    minutes = _stop_clock(case, now)
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, from_post=case.current_post, step=case.step,
        working_minutes=minutes, note=note,
    )
