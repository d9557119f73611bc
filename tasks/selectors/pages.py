"""Read queries for the task pages (my tasks, the board, the list, a task's page, the form's choices); each page a
fixed number of queries."""
from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import OrderBy
from django.utils import timezone

from escalation.chains import build_chain
from roles.models import Department, Post
from roles.selectors import current_assignments, held_post_ids, is_shop_manager, led_departments

from ..models import DutyPeriodMissed, Subtask, Task, TaskEvent
from .visibility import attach_holders, owned_by, visible_tasks, with_owners

SECTION_SIZE = 20  # tasks per section of "my tasks"
COLUMN_SIZE = 20  # cards per column of the board; the list shows the rest
DONE_RECENTLY_DAYS = 7
PAGE_SIZE = 50

DUE_FIRST = F("due").asc(nulls_last=True)  # the order of a plain index on due: PostgreSQL reads it in order
DUE_LAST = F("due").desc(nulls_first=True)
SORTS: dict[str, list[str | OrderBy]] = {
    "due": [DUE_FIRST, "-pk"],
    "-due": [DUE_LAST, "pk"],
    "priority": ["priority_rank", DUE_FIRST, "-pk"],
    "-priority": ["-priority_rank", DUE_FIRST, "-pk"],
    "title": ["title", "-pk"],
    "-title": ["-title", "-pk"],
    "status": ["status_rank", DUE_FIRST, "-pk"],
    "-status": ["-status_rank", DUE_FIRST, "-pk"],
    "created": ["created_at", "pk"],
    "-created": ["-created_at", "-pk"],
    "done": ["done_at", "pk"],
    "-done": [F("done_at").desc(nulls_last=True), "-pk"],
}
DEFAULT_SORT = "due"


def day_bounds(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """Midnight today and midnight tomorrow in the shop's time zone."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + datetime.timedelta(days=1)


def week_start(now: datetime.datetime, weeks_back: int = 0) -> datetime.datetime:
    start, _tomorrow = day_bounds(now)
    return start - datetime.timedelta(days=start.weekday(), weeks=weeks_back)


def my_tasks(user: User, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """A person's day: overdue, due today, coming up (or with no due date) and done in the last days."""
    now = now or timezone.now()
    _today, tomorrow = day_bounds(now)
    mine = Task.objects.filter(owned_by(user))
    open_ = mine.filter(status__in=Task.OPEN)
    recently = now - datetime.timedelta(days=DONE_RECENTLY_DAYS)
    sections = {
        "overdue": open_.filter(due__lt=now).order_by("due", "pk"),
        "today": open_.filter(due__gte=now, due__lt=tomorrow).order_by("due", "pk"),
        "upcoming": open_.filter(Q(due__gte=tomorrow) | Q(due__isnull=True)).order_by(DUE_FIRST, "pk"),
        "done": mine.filter(status=Task.Status.DONE, done_at__gte=recently).order_by("-done_at", "-pk"),
    }
    counts = mine.aggregate(
        overdue=Count("pk", filter=Q(status__in=Task.OPEN, due__lt=now)),
        today=Count("pk", filter=Q(status__in=Task.OPEN, due__gte=now, due__lt=tomorrow)),
        upcoming=Count("pk", filter=Q(status__in=Task.OPEN) & (Q(due__gte=tomorrow) | Q(due__isnull=True))),
        done=Count("pk", filter=Q(status=Task.Status.DONE, done_at__gte=recently)),
    )
    found = {key: list(with_owners(tasks)[:SECTION_SIZE]) for key, tasks in sections.items()}
    attach_holders([task for tasks in found.values() for task in tasks])
    return {"sections": found, "counts": counts, "now": now}


def _with_ranks(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.annotate(
        priority_rank=Case(
            *[When(priority=value, then=Value(rank)) for value, rank in Task.PRIORITY_RANK.items()],
            output_field=IntegerField(),
        ),
        status_rank=Case(
            When(status=Task.Status.TODO, then=Value(0)),
            When(status=Task.Status.DOING, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )


def filtered(user: User, filters: dict[str, Any], *, now: datetime.datetime | None = None) -> QuerySet[Task]:
    """The tasks `user` may see, narrowed by the board's and the list's filters (the dashboard links here)."""
    now = now or timezone.now()
    tasks = visible_tasks(user)
    if filters.get("mine"):
        tasks = tasks.filter(owned_by(user))
    for key in ("department", "post"):
        if filters.get(key):
            tasks = tasks.filter(**{f"{key}_id": filters[key]})
    if filters.get("person"):
        tasks = tasks.filter(owned_by(filters["person"]))
    for key in ("priority", "source", "status"):
        if filters.get(key):
            tasks = tasks.filter(**{key: filters[key]})
    today, tomorrow = day_bounds(now)
    due = filters.get("due")
    if due == "overdue":
        tasks = tasks.filter(status__in=Task.OPEN, due__lt=now)
    elif due == "today":
        tasks = tasks.filter(due__gte=today, due__lt=tomorrow)
    elif due == "week":
        tasks = tasks.filter(due__gte=today, due__lt=week_start(now) + datetime.timedelta(days=7))
    elif due == "later":
        tasks = tasks.filter(due__gte=week_start(now) + datetime.timedelta(days=7))
    elif due == "upcoming":
        tasks = tasks.filter(Q(due__gte=tomorrow) | Q(due__isnull=True), status__in=Task.OPEN)
    elif due == "none":
        tasks = tasks.filter(due__isnull=True)
    done = filters.get("done")
    if done == "recent":
        tasks = tasks.filter(status=Task.Status.DONE, done_at__gte=now - datetime.timedelta(days=DONE_RECENTLY_DAYS))
    if done in ("this_week", "last_week"):
        start = week_start(now, 0 if done == "this_week" else 1)
        end = start + datetime.timedelta(days=7)
        tasks = tasks.filter(status=Task.Status.DONE, done_at__gte=start, done_at__lt=end)
    if filters.get("on_time"):
        tasks = tasks.filter(Q(due__isnull=True) | Q(done_at__lte=F("due")), status=Task.Status.DONE)
    if filters.get("late"):
        tasks = tasks.filter(status=Task.Status.DONE, done_at__gt=F("due"))
    if filters.get("q"):
        tasks = tasks.filter(title__icontains=filters["q"])
    return tasks


def board(user: User, filters: dict[str, Any], *, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """The three columns: to do and doing (most urgent first), and done in the last days; each with its total."""
    now = now or timezone.now()
    tasks = filtered(user, {**filters, "status": ""}, now=now)
    recently = now - datetime.timedelta(days=DONE_RECENTLY_DAYS)
    done_rule = Q(status=Task.Status.DONE, done_at__gte=recently)
    columns = {
        Task.Status.TODO: tasks.filter(status=Task.Status.TODO).order_by(DUE_FIRST, "pk"),
        Task.Status.DOING: tasks.filter(status=Task.Status.DOING).order_by(DUE_FIRST, "pk"),
        Task.Status.DONE: tasks.filter(done_rule).order_by("-done_at", "-pk"),
    }
    counts = tasks.aggregate(
        todo=Count("pk", filter=Q(status=Task.Status.TODO)),
        doing=Count("pk", filter=Q(status=Task.Status.DOING)),
        done=Count("pk", filter=done_rule),
    )
    found = {status: list(with_owners(qs)[:COLUMN_SIZE]) for status, qs in columns.items()}
    attach_holders([task for tasks in found.values() for task in tasks])
    return [
        {"status": status, "label": Task.Status(status).label, "tasks": found[status], "count": counts[status]}
        for status in columns
    ]


def task_list(user: User, filters: dict[str, Any], *, sort: str = DEFAULT_SORT,
              now: datetime.datetime | None = None) -> QuerySet[Task]:
    sort = sort if sort in SORTS else DEFAULT_SORT
    return with_owners(_with_ranks(filtered(user, filters, now=now)).order_by(*SORTS[sort]))


def filter_choices(user: User) -> dict[str, list[Any]]:
    """The departments, posts and people the filters offer (what the reader can see)."""
    departments = list(Department.objects.all())
    posts = list(Post.objects.select_related("department"))
    people: dict[int, User] = {}
    for assignment in current_assignments().select_related("post"):
        people.setdefault(assignment.user_id, assignment.user)
    return {"departments": departments, "posts": posts, "people": list(people.values())}


def task_page(task_id: int, user: User) -> tuple[Task, list[Subtask], list[TaskEvent]]:
    """A task `user` may see, with its subtasks and history; raises Task.DoesNotExist otherwise."""
    task = with_owners(visible_tasks(user).filter(pk=task_id)).select_related(
        "created_by", "done_by", "duty", "subject_type"
    ).get()
    attach_holders([task])
    subtasks = list(task.subtasks.select_related("done_by"))
    events = list(task.events.select_related("actor"))
    return task, subtasks, events


def missed_periods(*, since: datetime.date | None = None,
                   until: datetime.date | None = None) -> QuerySet[DutyPeriodMissed]:
    missed = DutyPeriodMissed.objects.select_related("duty__post__department")
    if since:
        missed = missed.filter(period_start__gte=since)
    if until:
        missed = missed.filter(period_start__lt=until)
    return missed


def owner_choices(user: User) -> tuple[QuerySet[Post], QuerySet[User]]:
    """The posts and people `user` may file a task for (the form's choices; the service checks again)."""
    User = get_user_model()
    current = current_assignments()
    if is_shop_manager(user):
        posts = Post.objects.all()
        people = User.objects.filter(is_active=True, pk__in=current.values("user_id"))
    else:
        led = led_departments(user)
        posts = Post.objects.filter(Q(pk__in=held_post_ids(user)) | Q(department__in=led))
        people = User.objects.filter(
            Q(pk=user.pk) | Q(is_active=True, pk__in=current.filter(post__department__in=led).values("user_id"))
        )
    return posts.select_related("department"), people.order_by("first_name", "username")


def escalation_chain(post: Post) -> list[Post]:
    """The posts a case raised for `post` goes to, in order (the playbook's chain: its boss, then the manager)."""
    chain = build_chain(post=post)
    posts = Post.objects.in_bulk([entry["post"] for entry in chain if entry.get("post")])
    return [posts[entry["post"]] for entry in chain if entry.get("post") in posts]
