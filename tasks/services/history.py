"""The steps every change to a task shares: the row lock, the checked text and the TaskEvent it leaves."""
from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from shopteam.errors import text_problems

from ..models import Task, TaskEvent


def checked(text: str, *, limit: int, required: str | None = None, errors: list[str]) -> str:
    """The trimmed text; what is wrong with it is added to `errors` (every problem is shown at once)."""
    text, problems = text_problems(text, limit=limit, required=required)
    errors.extend(problems)
    return text


def locked(task: Task) -> Task:
    return Task.objects.select_for_update(of=("self",)).select_related("post", "owner").get(pk=task.pk)


def write_event(task: Task, kind: str, *, by: User | None, field: str = "", old: Any = "", new: Any = "",
                note: str = "", at: datetime.datetime | None = None) -> TaskEvent:
    return TaskEvent.objects.create(task=task, kind=kind, actor=by, field=field, old=str(old)[:300],
                                    new=str(new)[:300], note=note, at=at or timezone.now())


def set_status(task: Task, status: str, *, by: User | None, now: datetime.datetime) -> str:
    old = task.status
    task.status = status
    if status == Task.Status.DOING and task.started_at is None:
        task.started_at = now
    if status == Task.Status.DONE:
        task.done_at, task.done_by = now, by
    else:
        task.done_at, task.done_by = None, None
    task.save(update_fields=["status", "started_at", "done_at", "done_by"])
    return old
