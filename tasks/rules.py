"""What a person may do to a task now: one rule, asked by the task's page and the board's cards (which buttons to
show) and by tasks.services (what to refuse), so no template restates the board's state machine.

`refusal(task, user, action)` is the reason `action` is refused (None: allowed); `allowed_actions(task, user)`
the set allowed. `user` None is Shopteam itself. A page of many cards passes its `viewer` (selectors.Viewer),
which read the org chart once; escalating needs the task's `escalation` (services.escalation_state)."""
from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import TypedDict

from django.contrib.auth.models import User
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from roles.models import Post
from shopteam.errors import ServiceError

from . import selectors
from .models import Task

S = Task.Status
# The board's moves, in the order their buttons show: (action, the statuses it is taken from, where it leads).
TRANSITIONS = [
    ("start", (S.TODO,), S.DOING),
    ("back", (S.DOING,), S.TODO),
    ("done", (S.TODO, S.DOING), S.DONE),
    ("reopen", (S.DONE,), S.TODO),
]
MOVES = {name: (froms, target) for name, froms, target in TRANSITIONS}
ACTIONS = [*MOVES, "subtasks", "escalate", "edit", "comment"]


class EscalationState(TypedDict):
    """Where an open task stands on escalation (services.escalation_state)."""

    post: Post | None
    grace: int | None
    overdue_minutes: int
    available_at: datetime.datetime | None
    escalatable: bool
    escalated: bool
    automatic: bool


def require(refusal: str | Promise | None) -> None:
    if refusal:
        raise ServiceError(refusal)


def move_to(task: Task, status: str) -> str | None:
    """The move that takes `task` to `status` from where it is, or None."""
    for name, froms, target in TRANSITIONS:
        if target == status and task.status in froms:
            return name
    return None


def _works(task: Task, user: User | None, viewer: selectors.Viewer | None) -> bool:
    if user is None:
        return True
    return viewer.can_work(task) if viewer is not None else selectors.can_work(task, user)


def _manages(task: Task, user: User | None, viewer: selectors.Viewer | None) -> bool:
    if user is None:
        return True
    return viewer.manages(task) if viewer is not None else selectors.manages(task, user)


def refusal(task: Task, user: User | None, action: str, *, viewer: selectors.Viewer | None = None,
            escalation: EscalationState | None = None) -> str | None:
    """The owner and whoever manages the task move it along the board (to do → doing → done, done reopened to
    to do), tick its subtasks and escalate it once it is overdue past its grace; whoever manages it changes it;
    whoever sees it comments."""
    if action == "comment":
        return None
    if action == "edit":
        return None if _manages(task, user, viewer) else _(
            "Only the task's leader, whoever filed it and the shop manager can change it.")
    if action not in ACTIONS:
        return _("Choose a status: to do, doing or done.")
    if not _works(task, user, viewer):
        return _("Only the task's owner, their leader, whoever filed it and the shop manager can do that.")
    if action in MOVES:
        froms, target = MOVES[action]
        if task.status not in froms:
            return _("This task is %(status)s: it cannot go to %(target)s from there.") % {
                "status": task.get_status_display(), "target": S(target).label}
    if action == "escalate":
        if escalation is None or escalation["escalated"]:
            return _("This task has already been escalated.") if escalation else _("It cannot be escalated now.")
        if not escalation["escalatable"]:
            if escalation["post"] is None:
                return _("Its owner holds no post, so it cannot be escalated along the org chart.")
            return _("It can be escalated once it is overdue by its grace of %(minutes)s working minutes.") % {
                "minutes": escalation["grace"]}
    return None


def allowed_actions(task: Task, user: User | None, *, viewer: selectors.Viewer | None = None,
                    escalation: EscalationState | None = None) -> set[str]:
    """The actions `refusal` allows `user` on `task` now: what its page and card offer."""
    return {action for action in ACTIONS
            if refusal(task, user, action, viewer=viewer, escalation=escalation) is None}


def moves(actions: Collection[str]) -> list[tuple[str, str]]:
    """The board moves among `actions`, as (action, target status) in the order their buttons show."""
    return [(name, target) for name, _froms, target in TRANSITIONS if name in actions]


def move_refusal(task: Task, user: User | None, status: str) -> str | None:
    """Why moving `task` to `status` is refused (None: allowed). Moving it to where it already is changes nothing
    and is not refused for whoever may work on it (a second click of the same button)."""
    if status == task.status:
        return refusal(task, user, "subtasks")  # the same people
    name = move_to(task, status)
    if name is None:
        if not _works(task, user, None):
            return refusal(task, user, "subtasks")
        return _("This task is %(status)s: it cannot go to %(target)s from there.") % {
            "status": task.get_status_display(), "target": S(status).label}
    return refusal(task, user, name)
