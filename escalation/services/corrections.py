"""Cases follow who holds their post today, and an admin's corrections (send again, move on)."""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roles import selectors as roles_selectors
from roles.models import Post
from shopteam.errors import ServiceError
from shopteam.notifications.services import Phrase, mark_read_about
from shopteam.people import display_name, moment_text

from ..models import Case, CaseEvent
from .checks import _require_admin, _require_open
from .notices import NEEDS_YOU, _names, _tell
from .routing import _end_step, _hand_to, _route


def follow_post_holders(*, posts: Iterable[Post] | None = None) -> list[Case]:
    """Open cases follow who holds their post today: when the holders changed (a new person, a second
    holder, an assignment ended), the case goes to today's holders, with an event and a notification, and
    the people who no longer hold the post lose it. A post left vacant passes the case on to the next step.

    `posts` limits the work to cases at those posts (None: every open case). Safe to run twice or at the
    same time: each case is re-read under a lock and changes only if its contacts are not today's holders.
    Returns the cases that moved.
    """
    waiting = Case.objects.filter(status__in=Case.OPEN, with_admins=False, current_post__isnull=False)
    if posts is not None:
        waiting = waiting.filter(current_post__in=[p.pk for p in posts])
    moved = []
    for pk in list(waiting.values_list("pk", flat=True)):
        with transaction.atomic():
            case = Case.objects.select_for_update(skip_locked=True).filter(pk=pk, status__in=Case.OPEN).first()
            if case is not None and _follow_holders(case):
                moved.append(case)
    return moved


def _follow_holders(case: Case) -> bool:
    holders = roles_selectors.holders(case.current_post)
    contacts = list(case.contacts.all())
    if case.handler_id and case.handler in holders:
        return False  # the person working on it still holds the post: it stays theirs
    if set(contacts) == set(holders) and not case.handler_id:
        return False
    now = timezone.now()
    post = case.current_post
    why = Phrase(gettext_lazy("Who holds %(post)s changed."), post=post)
    if not holders:
        _end_step(case, kind=CaseEvent.Kind.POST_VACATED, actor=None, now=now,
                  note=_("Nobody holds %(post)s any more.") % {"post": post})
        start = len(case.chain) if case.at_last_step else case.step + 1
        _route(case, now=now, start=start, actor=None, why=why, previous=contacts)
        return True
    case.hop += 1
    case.handler = None
    if case.status == Case.Status.IN_PROGRESS:
        case.status = Case.Status.WAITING
    case.save()
    _hand_to(case, holders)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.HOLDERS_CHANGED, to_post=post, to_people=_names(holders), step=case.step,
        note=_("%(post)s is now held by %(people)s.") % {"post": post, "people": _names(holders)},
    )
    left = [user for user in contacts if user not in holders]
    if left:
        mark_read_about(left, url=case.get_absolute_url(), events=NEEDS_YOU)
        _tell(left, "case.left_you", case, why=why, to=f"{post}（{_names(holders)}）")
    _tell([user for user in holders if user not in contacts], "case.assigned", case, why=why, post=post,
          deadline=moment_text(case.deadline), description=case.description)
    return True


@transaction.atomic
def send_again(case: Case, *, by: User) -> Case:
    """An admin's correction: send an open case again to its current step (after an admin assigned someone
    to a post it skipped, or to bring a case that went to the admins back into the chain)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_admin(by)
    _require_open(case)
    start = 0 if case.with_admins else case.step
    previous = list(case.contacts.all())
    note = _("%(name)s sent the case again to its current step.") % {"name": display_name(by)}
    _end_step(case, kind=CaseEvent.Kind.CORRECTED, actor=by, now=timezone.now(), note=note)
    why = Phrase(gettext_lazy("%(name)s (an admin) sent it again."), name=display_name(by))
    return _route(case, now=timezone.now(), start=start, actor=by, why=why, previous=previous)


@transaction.atomic
def move_on_by_admin(case: Case, *, by: User) -> Case:
    """An admin's correction: move an open case to its next step, as if its deadline had passed."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_admin(by)
    _require_open(case)
    if case.at_last_step or case.with_admins:
        raise ServiceError(_("Case #%(id)s is at its last step: it cannot move on.") % {"id": case.pk})
    previous = list(case.contacts.all())
    now = timezone.now()
    note = _("%(name)s (an admin) moved the case on.") % {"name": display_name(by)}
    _end_step(case, kind=CaseEvent.Kind.CORRECTED, actor=by, now=now, note=note)
    why = Phrase(gettext_lazy("%(name)s (an admin) moved it on."), name=display_name(by))
    return _route(case, now=now, start=case.step + 1, actor=by, why=why, previous=previous)
