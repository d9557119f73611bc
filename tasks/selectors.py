"""Read queries for the task pages, the digest and the dashboard panel; each page a fixed number of queries.

Who owns a task owned by a post is read here, at read time, from today's assignments: nothing is copied onto
the task, so it follows the post when its holders change.
"""
import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone

from roles.models import Post
from roles.selectors import (
    current_assignments,
    held_post_ids,
    holds,
    is_shop_manager,
    led_departments,
    member_departments,
)

from .models import DutyPeriodMissed, Standup, Task

BADGE_CAP = 99  # the badge says "99+" past this, so every page costs the same however many tasks there are
SECTION_SIZE = 20  # tasks per section of "my tasks"
COLUMN_SIZE = 20  # cards per column of the board; the list shows the rest
DONE_RECENTLY_DAYS = 7
PAGE_SIZE = 50

DUE_FIRST = F("due").asc(nulls_last=True)  # the order of a plain index on due: PostgreSQL reads it in order
DUE_LAST = F("due").desc(nulls_first=True)
SORTS = {
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


def owned_by(user, on=None):
    """Tasks `user` owns: theirs by name, or owned by a post they hold today."""
    return Q(owner=user) | Q(post__in=held_post_ids(user, on))


def _visibility(user):
    """The rule for the tasks `user` may see, as a Q (None: every task, for the shop manager)."""
    if is_shop_manager(user):
        return None
    rule = owned_by(user) | Q(created_by=user)
    departments = member_departments(user)
    if departments:
        rule |= Q(department__in=departments)
    return rule


def visible_tasks(user):
    """Their own tasks, their departments' tasks and the tasks they filed; the shop manager every task."""
    rule = _visibility(user)
    return Task.objects.all() if rule is None else Task.objects.filter(rule)


def owns(task, user):
    if task.owner_id is not None:
        return task.owner_id == user.pk
    return holds(user, task.post_id)


def manages(task, user):
    """Leaders manage their department's tasks, the shop manager every task, a person the tasks they filed."""
    return (
        task.created_by_id == user.pk
        or (task.department_id is not None and task.department_id in led_departments(user))
        or is_shop_manager(user)
    )


def can_work(task, user):
    """Move it on the board, tick its subtasks, escalate it: its owner, and whoever manages it."""
    return owns(task, user) or manages(task, user)


class Viewer:
    """What one person may do to any task, read once per page (three queries) instead of once per card."""

    def __init__(self, user):
        self.user = user
        self.is_manager = is_shop_manager(user)
        self.held = set(held_post_ids(user).values_list("post_id", flat=True))
        self.led = led_departments(user)

    def owns(self, task):
        return task.owner_id == self.user.pk if task.owner_id is not None else task.post_id in self.held

    def manages(self, task):
        return self.is_manager or task.created_by_id == self.user.pk or (
            task.department_id is not None and task.department_id in self.led)

    def can_work(self, task):
        return self.owns(task) or self.manages(task)


def with_owners(tasks):
    """The tasks with what a card shows: the owner or the post, and the department (holders: attach_holders)."""
    return tasks.select_related("owner", "post", "department")


def holders_by_post(on=None):
    """{post id: the people holding it today}: one small query for a whole page, whatever its tasks."""
    holders = {}
    for assignment in current_assignments(on):
        holders.setdefault(assignment.post_id, []).append(assignment.user)
    return holders


def attach_holders(tasks, holders=None):
    """Set `holders` on each task owned by a post: who owns it today, read now (nothing is copied onto tasks)."""
    holders = holders_by_post() if holders is None else holders
    for task in tasks:
        task.holders = holders.get(task.post_id, []) if task.post_id else []
    return tasks


def tasks_about(obj):
    """The tasks filed about `obj` (a case, a stock alert, a supplier cycle…): the other side of task.subject."""
    return Task.objects.filter(subject_type=ContentType.objects.get_for_model(obj), subject_id=str(obj.pk))


def count_open_for(user):
    """Open tasks `user` owns, up to BADGE_CAP + 1: the badge costs the same however many tasks there are."""
    theirs = Task.objects.filter(owned_by(user), status__in=Task.OPEN).values("pk")[: BADGE_CAP + 1]
    return Task.objects.filter(pk__in=theirs).count()


def day_bounds(now):
    """Midnight today and midnight tomorrow in the shop's time zone."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + datetime.timedelta(days=1)


def week_start(now, weeks_back=0):
    start, _tomorrow = day_bounds(now)
    return start - datetime.timedelta(days=start.weekday(), weeks=weeks_back)


def my_tasks(user, *, now=None):
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


def _with_ranks(tasks):
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


def filtered(user, filters, *, now=None):
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


def board(user, filters, *, now=None):
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


def task_list(user, filters, *, sort=DEFAULT_SORT, now=None):
    sort = sort if sort in SORTS else DEFAULT_SORT
    return with_owners(_with_ranks(filtered(user, filters, now=now)).order_by(*SORTS[sort]))


def filter_choices(user):
    """The departments, posts and people the filters offer (what the reader can see)."""
    from roles.models import Department

    departments = list(Department.objects.all())
    posts = list(Post.objects.select_related("department"))
    people = {}
    for assignment in current_assignments().select_related("post"):
        people.setdefault(assignment.user_id, assignment.user)
    return {"departments": departments, "posts": posts, "people": list(people.values())}


def task_page(task_id, user):
    """A task `user` may see, with its subtasks and history; raises Task.DoesNotExist otherwise."""
    task = with_owners(visible_tasks(user).filter(pk=task_id)).select_related(
        "created_by", "done_by", "duty", "subject_type"
    ).get()
    attach_holders([task])
    subtasks = list(task.subtasks.select_related("done_by"))
    events = list(task.events.select_related("actor"))
    return task, subtasks, events


def missed_periods(*, since=None, until=None):
    missed = DutyPeriodMissed.objects.select_related("duty__post__department")
    if since:
        missed = missed.filter(period_start__gte=since)
    if until:
        missed = missed.filter(period_start__lt=until)
    return missed


def standup_of(user, day):
    return Standup.objects.filter(person=user, date=day).first()


def people_at_work(day=None):
    """Each active person holding a post on `day`, once, with their main post (the first in the org chart's
    order): the department whose calendar says whether they work that day."""
    people = {}
    for assignment in current_assignments(day).select_related("post__department").filter(user__is_active=True):
        post = assignment.post
        held = people.get(assignment.user_id)
        if held is None or _chart_order(post) < _chart_order(held[1]):
            people[assignment.user_id] = (assignment.user, post)
    return sorted(people.values(), key=lambda pair: pair[0].pk)


def _chart_order(post):
    return (post.department.order, not post.is_leader, post.order, post.pk)


def standup_team(user, *, day=None):
    """The people whose stand-ups `user` reads (the shop manager everyone; a leader their departments'), each
    with their main post; None for anyone else."""
    day = day or timezone.localdate()
    team = people_at_work(day)
    if is_shop_manager(user):
        return team
    led = led_departments(user)
    if not led:
        return None
    in_led = set(current_assignments(day).filter(post__department__in=led).values_list("user_id", flat=True))
    return [(person, post) for person, post in team if person.pk in in_led]


def can_read_standup(standup, user):
    if standup.person_id == user.pk or is_shop_manager(user):
        return True
    led = led_departments(user)
    return bool(led) and current_assignments().filter(user_id=standup.person_id, post__department__in=led).exists()


STANDUP_BY = datetime.time(10, 0)  # the stand-up is written by 10:00 on a working day


def team_standups(user, *, day, now=None, calendars):
    """For the stand-up page: each team member with their stand-up of `day` (or None) and whether they are
    missing it (a working day in their department's calendar, and 10:00 has passed)."""
    now = now or timezone.now()
    team = standup_team(user, day=day)
    if team is None:
        return None
    written = {s.person_id: s for s in Standup.objects.filter(date=day, person__in=[p for p, _post in team])}
    deadline = timezone.make_aware(datetime.datetime.combine(day, STANDUP_BY))
    rows = []
    for person, post in team:
        works = calendars(post.department).is_working_day(day)
        standup = written.get(person.pk)
        rows.append({"person": person, "post": post, "standup": standup, "works": works,
                     "missing": standup is None and works and now >= deadline})
    return rows


def digest_content(person, *, now, calendars):
    """What a person's morning digest says: their open tasks due today and overdue, whether they wrote a stand-up
    on their last working day, and (for a leader, or the shop manager) who in their team did not."""
    _today, tomorrow = day_bounds(now)
    mine = Task.objects.filter(owned_by(person), status__in=Task.OPEN)
    due_today = mine.filter(due__gte=now, due__lt=tomorrow).order_by("due", "pk")
    overdue = mine.filter(due__lt=now).order_by("due", "pk")
    today = timezone.localdate(now)
    team = standup_team(person, day=today) or []
    everyone = {p.pk: (p, post) for p, post in [*team, *[pair for pair in people_at_work(today) if pair[0] == person]]}
    previous = {
        pk: calendars(post.department).working_day_on_or_before(today - datetime.timedelta(days=1))
        for pk, (_p, post) in everyone.items()
    }
    written = set(
        Standup.objects.filter(person__in=list(everyone), date__in=set(previous.values())).values_list(
            "person_id", "date")
    )
    gaps = [(everyone[pk][0], day) for pk, day in previous.items() if (pk, day) not in written and pk != person.pk]
    return {
        "due_today": list(due_today[:10]), "due_count": due_today.count(),
        "overdue": list(overdue[:10]), "overdue_count": overdue.count(),
        "previous_day": previous.get(person.pk),
        "missed_own": person.pk in previous and (person.pk, previous[person.pk]) not in written,
        "gaps": sorted(gaps, key=lambda pair: pair[0].pk),
    }


def owner_choices(user):
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


def dashboard_panel(now=None):
    """The shop manager's tasks panel: open tasks overdue per department and per person (a post's tasks count
    for each of its holders), tasks done on time this week against last week, and the periods of recurring
    duties missed this month. A fixed number of queries, aggregated in the database."""
    from roles.models import Department

    now = now or timezone.now()
    overdue = Task.objects.filter(status__in=Task.OPEN, due__lt=now)
    per_department = dict(overdue.values_list("department").annotate(n=Count("pk")).order_by())
    departments = [(d, per_department[d.pk]) for d in Department.objects.all() if per_department.get(d.pk)]
    per_owner = dict(overdue.filter(owner__isnull=False).values_list("owner").annotate(n=Count("pk")).order_by())
    per_post = dict(overdue.filter(post__isnull=False).values_list("post").annotate(n=Count("pk")).order_by())
    people = {}
    for assignment in current_assignments().filter(post__in=list(per_post)):
        people.setdefault(assignment.user_id, [assignment.user, 0])[1] += per_post[assignment.post_id]
    if per_owner:
        for user in get_user_model().objects.filter(pk__in=list(per_owner)):
            people.setdefault(user.pk, [user, 0])[1] += per_owner[user.pk]
    this_week, last_week = week_start(now), week_start(now, 1)
    on_time = Q(due__isnull=True) | Q(done_at__lte=F("due"))
    done = Task.objects.filter(status=Task.Status.DONE, done_at__gte=last_week).aggregate(
        this_week=Count("pk", filter=Q(done_at__gte=this_week)),
        this_week_on_time=Count("pk", filter=Q(done_at__gte=this_week) & on_time),
        last_week=Count("pk", filter=Q(done_at__lt=this_week)),
        last_week_on_time=Count("pk", filter=Q(done_at__lt=this_week) & on_time),
    )
    month = timezone.localdate(now).replace(day=1)
    missed = missed_periods(since=month)
    return {
        "overdue_total": sum(per_department.values()),
        "departments": departments,
        "people": sorted(people.values(), key=lambda pair: (-pair[1], pair[0].pk))[:10],
        "done": done,
        "missed": list(missed[:5]),
        "missed_count": missed.count(),
        "month": month,
    }


def escalation_chain(post):
    """The posts a case raised for `post` goes to, in order (the playbook's chain: its boss, then the manager)."""
    from escalation.services import build_chain

    chain = build_chain(post=post)
    posts = Post.objects.in_bulk([entry["post"] for entry in chain if entry.get("post")])
    return [posts[entry["post"]] for entry in chain if entry.get("post") in posts]
