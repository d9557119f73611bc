"""Who may see a task, who owns it and who may work on it, read at read time from today's assignments:
nothing is copied onto the task, so it follows the post when its holders change."""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from roles.selectors import (
    current_assignments,
    held_post_ids,
    holds,
    is_shop_manager,
    led_departments,
    member_departments,
)

from ..models import Task

BADGE_CAP = 99  # the badge says "99+" past this, so every page costs the same however many tasks there are


def owned_by(user: User, on: datetime.date | None = None) -> Q:
    """Tasks `user` owns: theirs by name, or owned by a post they hold today."""
    return Q(owner=user) | Q(post__in=held_post_ids(user, on))


def _visibility(user: User) -> Q | None:
    """The rule for the tasks `user` may see, as a Q (None: every task, for the shop manager)."""
    if is_shop_manager(user):
        return None
    rule = owned_by(user) | Q(created_by=user)
    departments = member_departments(user)
    if departments:
        rule |= Q(department__in=departments)
    return rule


def visible_tasks(user: User) -> QuerySet[Task]:
    """Their own tasks, their departments' tasks and the tasks they filed; the shop manager every task."""
    rule = _visibility(user)
    return Task.objects.all() if rule is None else Task.objects.filter(rule)


def owns(task: Task, user: User) -> bool:
    if task.owner_id is not None:
        return task.owner_id == user.pk
    return holds(user, task.post_id)


def manages(task: Task, user: User) -> bool:
    """Leaders manage their department's tasks, the shop manager every task, a person the tasks they filed."""
    return (
        task.created_by_id == user.pk
        or (task.department_id is not None and task.department_id in led_departments(user))
        or is_shop_manager(user)
    )


def can_work(task: Task, user: User) -> bool:
    """Move it on the board, tick its subtasks, escalate it: its owner, and whoever manages it."""
    return owns(task, user) or manages(task, user)


class Viewer:
    """What one person may do to any task, read once per page (three queries) instead of once per card."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.is_manager = is_shop_manager(user)
        self.held = set(held_post_ids(user).values_list("post_id", flat=True))
        self.led = led_departments(user)

    def owns(self, task: Task) -> bool:
        return task.owner_id == self.user.pk if task.owner_id is not None else task.post_id in self.held

    def manages(self, task: Task) -> bool:
        return self.is_manager or task.created_by_id == self.user.pk or (
            task.department_id is not None and task.department_id in self.led)

    def can_work(self, task: Task) -> bool:
        return self.owns(task) or self.manages(task)


def with_owners(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """The tasks with what a card shows: the owner or the post, and the department (holders: attach_holders)."""
    return tasks.select_related("owner", "post", "department")


def holders_by_post(on: datetime.date | None = None) -> dict[int, list[User]]:
    """{post id: the people holding it today}: one small query for a whole page, whatever its tasks."""
    holders: dict[int, list[User]] = {}
    for assignment in current_assignments(on):
        holders.setdefault(assignment.post_id, []).append(assignment.user)
    return holders


def attach_holders(tasks: Iterable[Task], holders: dict[int, list[User]] | None = None) -> Iterable[Task]:
    """Set `holders` on each task owned by a post: who owns it today, read now (nothing is copied onto tasks)."""
    holders = holders_by_post() if holders is None else holders
    for task in tasks:
        task.holders = holders.get(task.post_id, []) if task.post_id else []
    return tasks


def tasks_about(obj: models.Model) -> QuerySet[Task]:
    """The tasks filed about `obj` (a case, a stock alert, a supplier cycle…): the other side of task.subject."""
    return Task.objects.filter(subject_type=ContentType.objects.get_for_model(obj), subject_id=str(obj.pk))


def count_open_for(user: User) -> int:
    """Open tasks `user` owns, up to BADGE_CAP + 1: the badge costs the same however many tasks there are."""
    theirs = Task.objects.filter(owned_by(user), status__in=Task.OPEN).values("pk")[: BADGE_CAP + 1]
    return Task.objects.filter(pk__in=theirs).count()
