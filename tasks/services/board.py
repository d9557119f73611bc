"""A task's work on the board: moving it along, its checklist, its comments, and closing it when what it was about
was settled. Each locks the task and writes a TaskEvent."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError
from shopteam.people import display_name

from .. import rules, selectors
from ..models import Subtask, Task, TaskEvent
from .history import checked, locked, set_status, write_event
from .notices import tell
from .owners import owners


def _require_work(task: Task, by: User | None) -> None:
    """Tick or add subtasks: `rules` says who."""
    rules.require(rules.refusal(task, by, "subtasks"))


@transaction.atomic
def move_task(task: Task, *, by: User, status: str) -> Task:
    """Move a task along the board as `rules` allows (to do → doing → done, done reopened to to do)."""
    if status not in Task.Status.values:
        raise ServiceError(_("Choose a status: to do, doing or done."))
    task = locked(task)
    rules.require(rules.move_refusal(task, by, status))
    if task.status == status:
        return task
    now = timezone.now()
    old = set_status(task, status, by=by, now=now)
    write_event(task, TaskEvent.Kind.STATUS, by=by, field="status", old=old, new=status, at=now)
    if status == Task.Status.DONE and task.created_by_id not in (None, by.pk):
        tell([task.created_by], "task.done", task, name=display_name(by))
    return task


@transaction.atomic
def add_subtask(task: Task, *, by: User, title: str) -> Subtask:
    errors: list[str] = []
    title = checked(title, limit=Task.TITLE_MAX, required=_("A subtask needs a title."), errors=errors)
    if errors:
        raise ServiceError(errors)
    task = locked(task)
    _require_work(task, by)
    order = (task.subtasks.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    subtask = Subtask.objects.create(task=task, title=title, order=order)
    Task.objects.filter(pk=task.pk).update(subtask_count=F("subtask_count") + 1)
    write_event(task, TaskEvent.Kind.SUBTASK_ADDED, by=by, new=title)
    return subtask


@transaction.atomic
def tick_subtask(subtask: Subtask, *, by: User, done: bool) -> Subtask:
    """Tick or untick one item of a task's checklist; the card's count follows."""
    task = locked(subtask.task)
    _require_work(task, by)
    subtask = Subtask.objects.select_for_update().get(pk=subtask.pk, task=task)
    if subtask.done == done:
        return subtask
    now = timezone.now()
    subtask.done = done
    subtask.done_at, subtask.done_by = (now, by) if done else (None, None)
    subtask.save(update_fields=["done", "done_at", "done_by"])
    Task.objects.filter(pk=task.pk).update(subtasks_done=F("subtasks_done") + (1 if done else -1))
    kind = TaskEvent.Kind.SUBTASK_DONE if done else TaskEvent.Kind.SUBTASK_UNDONE
    write_event(task, kind, by=by, new=subtask.title, at=now)
    return subtask


@transaction.atomic
def comment_on_task(task: Task, *, by: User, note: str) -> TaskEvent:
    errors: list[str] = []
    note = checked(note, limit=Task.TEXT_MAX, required=_("A comment cannot be empty."), errors=errors)
    if errors:
        raise ServiceError(errors)
    task = locked(task)
    if not selectors.visible_tasks(by).filter(pk=task.pk).exists():
        raise ServiceError(_("You cannot see this task."))
    event = write_event(task, TaskEvent.Kind.COMMENTED, by=by, note=note)
    others = {user.pk: user for user in [*owners(task), task.created_by] if user is not None and user.pk != by.pk}
    tell(others.values(), "task.commented", task, name=display_name(by), note=note)
    return event


@transaction.atomic
def complete_tasks_about(subject: models.Model, *, source: str | None = None, note: str = "",
                         by: User | None = None) -> int:
    """Mark done every open task about `subject` (only those of `source`, if given), each with an event saying
    why (`note`). Returns how many were completed. Safe to run twice: a done task is left alone."""
    tasks = selectors.tasks_about(subject).filter(status__in=Task.OPEN)
    if source:
        tasks = tasks.filter(source=source)
    now = timezone.now()
    completed = 0
    for task in tasks.select_for_update().order_by("pk"):
        old = set_status(task, Task.Status.DONE, by=by, now=now)
        write_event(task, TaskEvent.Kind.COMPLETED, by=by, field="status", old=old, new=Task.Status.DONE,
                    note=note or _("What it was about was settled."), at=now)
        completed += 1
    return completed
