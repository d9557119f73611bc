"""Filing a task and changing what it says: each runs in a transaction, writes a TaskEvent and tells the owner
(sent after commit)."""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roles.models import Post
from shopteam.errors import ServiceError
from shopteam.people import display_name, moment_text

from .. import rules
from ..models import Subtask, Task, TaskEvent
from .calendars import due_by_lead_time, due_moment
from .history import checked, locked, write_event
from .notices import tell_assigned
from .owners import check_owner, owner_department

# The same person filing the same task again within this long (Back and submit) gets the first one back.
RESUBMIT_WINDOW = datetime.timedelta(minutes=30)


def create_task(*, title: str, by: User | None = None, source: str = Task.Source.MANUAL, owner: User | None = None,
                post: Post | None = None, detail: str = "", priority: str = Task.Priority.NORMAL,
                due: datetime.datetime | datetime.date | None = None, subject: models.Model | None = None,
                key: str = "", subtasks: Iterable[str] = (), work: str = "") -> Task:
    """File a task for a person (`owner`) or a post (`post`: whoever holds it owns it) and tell them.

    `by` is the person filing it (None: Shopteam). `due` is an aware datetime, or a date (the end of that day's
    working hours in the owner's department). `subject` is any object the task is about (tasks_about(obj) finds
    it again). With a `key`, filing is idempotent: a second call with the same (source, key) returns the first
    task and changes nothing. Without a `due`, a task whose source (and `work`: which of the source's tasks) has a
    LeadTime is due that many working minutes after now in the owner's department calendar. A person's form
    (`by` and a `key`) that files what the same person filed within RESUBMIT_WINDOW (same owner, title, detail,
    priority, due date, subject and number of subtasks) returns that task too, as Back restores the filled-in
    form with a new key. Refuses (ServiceError, every problem at once) an empty title, a missing or double owner,
    a post nobody holds, and a due date already past for a manual task.
    """
    if key and (existing := Task.objects.filter(source=source, key=key).first()):
        return existing
    try:
        with transaction.atomic():
            return _create_task(title=title, by=by, source=source, owner=owner, post=post, detail=detail,
                                priority=priority, due=due, subject=subject, key=key, subtasks=subtasks, work=work)
    except IntegrityError:
        # The same job or form at the same moment: the other call filed the task.
        if key and (existing := Task.objects.filter(source=source, key=key).first()):
            return existing
        raise


def _create_task(*, title: str, by: User | None, source: str, owner: User | None, post: Post | None, detail: str,
                 priority: str, due: datetime.datetime | datetime.date | None, subject: models.Model | None,
                 key: str, subtasks: Iterable[str], work: str) -> Task:
    errors: list[str] = []
    title = checked(title, limit=Task.TITLE_MAX, required=_("Give the task a title."), errors=errors)
    detail = checked(detail, limit=Task.TEXT_MAX, errors=errors)
    if source not in Task.Source.values:
        raise ValueError(f"unknown task source {source!r}")
    if priority not in Task.Priority.values:
        errors.append(_("Choose a priority: low, normal, high or urgent."))
    items = [item.strip() for item in subtasks if item and item.strip()]
    if any(len(item) > Task.TITLE_MAX for item in items):
        errors.append(_("Keep each subtask under %(limit)s characters.") % {"limit": Task.TITLE_MAX})
    owned = check_owner(by=by, owner=owner, post=post, errors=errors)
    department = owner_department(owner=owner, post=post, by=by) if owned else None
    now = timezone.now()
    moment = due_moment(due, department)
    if moment is None and owned:
        moment = due_by_lead_time(source=source, work=work, department=department, now=now)
    if moment is not None and moment < now and source == Task.Source.MANUAL:
        errors.append(_("The due date %(due)s has already passed: choose a later one.") % {
            "due": moment_text(moment)})
    if errors:
        raise ServiceError(errors)
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    subject_id = str(subject.pk) if subject is not None else ""
    if by is not None and key and (again := Task.objects.filter(
            created_by=by, source=source, owner=owner, post=post, title=title, detail=detail, priority=priority,
            due=moment, subject_type=subject_type, subject_id=subject_id,
            subtask_count=len(items), created_at__gte=now - RESUBMIT_WINDOW).order_by("pk").first()):
        return again
    task = Task.objects.create(
        title=title, detail=detail, owner=owner, post=post, department=department, priority=priority, due=moment,
        source=source, key=key, created_by=by, created_at=now, subtask_count=len(items),
        subject_type=subject_type, subject_id=subject_id,
    )
    Subtask.objects.bulk_create(Subtask(task=task, title=item, order=n) for n, item in enumerate(items, start=1))
    tell_assigned(task, by=by)
    return task


@transaction.atomic
def update_task(task: Task, *, by: User, title: str, detail: str, priority: str,
                due: datetime.datetime | datetime.date | None, owner: User | None = None,
                post: Post | None = None) -> Task:
    """Change what a task says, when it is due and who owns it (its leader, whoever filed it, the shop manager).
    One event per changed field; the new owner is told."""
    task = locked(task)
    rules.require(rules.refusal(task, by, "edit"))
    errors: list[str] = []
    title = checked(title, limit=Task.TITLE_MAX, required=_("Give the task a title."), errors=errors)
    detail = checked(detail, limit=Task.TEXT_MAX, errors=errors)
    if priority not in Task.Priority.values:
        errors.append(_("Choose a priority: low, normal, high or urgent."))
    reassigned = (owner, post) != (task.owner, task.post)
    department = task.department
    if reassigned and check_owner(by=by, owner=owner, post=post, errors=errors):
        department = owner_department(owner=owner, post=post, by=by)
    moment = due_moment(due, department)
    now = timezone.now()
    if moment != task.due and moment is not None and moment < now:
        errors.append(_("The due date %(due)s has already passed: choose a later one.") % {
            "due": moment_text(moment)})
    if errors:
        raise ServiceError(errors)
    changes = [
        ("title", task.title, title),
        ("detail", task.detail, detail),
        ("priority", task.priority, priority),
        ("due", moment_text(task.due), moment_text(moment)),
        ("owner", task.post or display_name(task.owner), post or display_name(owner)),
    ]
    for field, old, new in changes:
        if str(old) != str(new):
            write_event(task, TaskEvent.Kind.EDITED, by=by, field=field, old=old, new=new, at=now)
    task.title, task.detail, task.priority, task.due = title, detail, priority, moment
    if reassigned:
        task.owner, task.post, task.department = owner, post, department
    task.save()
    if reassigned:
        tell_assigned(task, by=by)
    return task
