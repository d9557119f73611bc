"""Read queries for case pages and the shop manager's dashboard; every one a fixed number of queries."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from roles.models import Department, Difficulty, Post
from roles.selectors import holds_manager_post
from shopteam.stats import medians_by
from shopteam.workcalendar.calc import add_working_minutes

from .models import Case, CaseEvent

HEALTH_WINDOW_DAYS = 90
CHART_WEEKS = 12
FAILING_SHARE = 0.5  # a chain "mostly fails" when at least half its cases reach the shop manager
FAILING_MIN_CASES = 3


def sees_every_case(user):
    return user.is_superuser or holds_manager_post(user)


def is_current_contact(case, user):
    """Whether `case` is with `user` now: one of the holders it was sent to, or an admin when it has nobody."""
    if case.with_admins and user.is_superuser:
        return True
    return case.contacts.filter(pk=user.pk).exists()


def visible_cases(user):
    if sees_every_case(user):
        return Case.objects.all()
    return get_objects_for_user(user, "escalation.view_case", klass=Case, accept_global_perms=False)


def count_waiting_for(user):
    """Open cases that `user` is a current contact of: the badge on every page."""
    return Case.contacts.through.objects.filter(user=user, case__status__in=Case.OPEN).count()


def case_list(user, *, filters):
    """The cases `user` may see, narrowed by the list page's filters (the dashboard links here)."""
    cases = visible_cases(user).select_related("reporter", "current_post", "difficulty", "department", "handler")
    now = timezone.now()
    if filters.get("box") == "mine":
        # EXISTS rather than a join: a join would need DISTINCT over every column, text and JSON included.
        mine = Case.contacts.through.objects.filter(case=OuterRef("pk"), user=user)
        cases = cases.filter(Exists(mine), status__in=Case.OPEN)
    elif filters.get("box") == "reported":
        cases = cases.filter(reporter=user)
    if filters.get("status") == "open":
        cases = cases.filter(status__in=Case.OPEN)
    elif filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("with_manager"):
        cases = cases.filter(status__in=Case.OPEN).filter(
            Q(current_post__department__is_manager_office=True) | Q(with_admins=True)
        )
    if filters.get("overdue"):
        cases = cases.filter(deadline__lt=now, status__in=[Case.Status.WAITING, Case.Status.IN_PROGRESS])
    if filters.get("due_soon"):
        soon = add_working_minutes(now, settings.ESCALATION_WARN_WORKING_MINUTES)
        cases = cases.filter(
            deadline__gte=now, deadline__lte=soon, status__in=[Case.Status.WAITING, Case.Status.IN_PROGRESS]
        )
    for key in ("department", "difficulty"):
        if filters.get(key):
            cases = cases.filter(**{f"{key}_id": filters[key]})
    if filters.get("resolved_step") is not None:
        cases = cases.filter(status=Case.Status.RESOLVED, resolved_step=filters["resolved_step"])
    if filters.get("reached_manager"):
        cases = cases.filter(reached_manager=True)
    if filters.get("since"):
        cases = cases.filter(created_at__gte=filters["since"])
    if filters.get("until"):
        cases = cases.filter(created_at__lt=filters["until"])
    if filters.get("resolved_since"):
        cases = cases.filter(resolved_at__gte=filters["resolved_since"])
    return cases


def case_page(case_id, user):
    """A case `user` may see, with its events; raises Case.DoesNotExist otherwise."""
    case = visible_cases(user).select_related(
        "reporter", "post__department", "difficulty", "current_post", "handler"
    ).get(pk=case_id)
    events = list(case.events.select_related("actor", "from_post", "to_post"))
    return case, events


def month_start(now):
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def dashboard(now=None):
    """What the shop manager acts on, always live: cases waiting on them, overdue and nearly overdue cases."""
    now = now or timezone.now()
    open_moving = [Case.Status.WAITING, Case.Status.IN_PROGRESS]
    soon = add_working_minutes(now, settings.ESCALATION_WARN_WORKING_MINUTES)
    at_manager = Q(current_post__department__is_manager_office=True) | Q(with_admins=True)
    base = Case.objects.select_related("reporter", "current_post", "difficulty", "department")
    waiting = list(base.filter(at_manager, status__in=Case.OPEN).order_by("deadline", "created_at")[:8])
    overdue = base.filter(deadline__lt=now, status__in=open_moving).order_by("deadline")
    due_soon = base.filter(deadline__gte=now, deadline__lte=soon, status__in=open_moving).order_by("deadline")
    counts = Case.objects.filter(status__in=Case.OPEN).aggregate(
        waiting=Count("pk", filter=at_manager),
        overdue=Count("pk", filter=Q(deadline__lt=now, status__in=open_moving)),
        due_soon=Count("pk", filter=Q(deadline__gte=now, deadline__lte=soon, status__in=open_moving)),
        admins=Count("pk", filter=Q(with_admins=True)),
    )
    return {
        "now": now,
        "waiting": waiting,
        "overdue": list(overdue[:15]),
        "due_soon": list(due_soon[:15]),
        "counts": counts,
    }


def statistics_version():
    """Grows with every event of every case: the dashboard's cached statistics are keyed on it, so any change
    to a case shows at once, and the cache serves only while nothing has happened."""
    return CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def dashboard_statistics(now=None):
    """The dashboard's figures over time: this month per department and time to resolve, cases per week,
    and playbook health. They change slowly, so the page may show them a minute old."""
    now = now or timezone.now()
    since_month = month_start(now)
    departments = list(Department.objects.all())
    per_department = dict(
        Case.objects.filter(created_at__gte=since_month)
        .values_list("department")
        .annotate(n=Count("pk"))
        .order_by()
    )

    resolved_month = Case.objects.filter(resolved_at__gte=since_month, status=Case.Status.RESOLVED)
    resolved = resolved_month.aggregate(n=Count("pk"), mean=Avg("working_minutes"))
    median = medians_by(resolved_month, [], "working_minutes").get((), None)

    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    weeks_from = today - timedelta(days=today.weekday(), weeks=CHART_WEEKS - 1)
    weekly = (
        Case.objects.filter(created_at__gte=weeks_from)
        .annotate(week=TruncWeek("created_at"))
        .values_list("week", "department")
        .annotate(n=Count("pk"))
        .order_by("week")
    )
    return {
        "computed_at": now,
        "month_start": since_month,
        "per_department": [(d, per_department.get(d.pk, 0)) for d in departments],
        "resolve_mean": resolved["mean"],
        "resolve_median": median,
        "resolved_count": resolved["n"],
        "weekly": list(weekly),
        "weeks": [(weeks_from + timedelta(weeks=n)).date() for n in range(CHART_WEEKS)],
        "departments": departments,
        "health": playbook_health(now),
    }


def playbook_health(now=None):
    """Per difficulty: cases, the share solved at each step, the share that reached the shop manager, and
    the median working minutes spent at each step; chains that mostly end with the manager are flagged."""
    now = now or timezone.now()
    since = now - timedelta(days=HEALTH_WINDOW_DAYS)
    cases = Case.objects.filter(created_at__gte=since, difficulty__isnull=False)
    totals = {
        row["difficulty"]: row
        for row in cases.values("difficulty").annotate(
            n=Count("pk"),
            resolved=Count("pk", filter=Q(status=Case.Status.RESOLVED)),
            manager=Count("pk", filter=Q(reached_manager=True)),
        ).order_by()
    }
    solved = {}
    for difficulty_id, step, n in (
        cases.filter(status=Case.Status.RESOLVED).values_list("difficulty", "resolved_step")
        .annotate(n=Count("pk")).order_by()
    ):
        solved[(difficulty_id, step)] = n
    step_medians = medians_by(
        CaseEvent.objects.filter(
            case__created_at__gte=since, case__difficulty__isnull=False, kind__in=CaseEvent.STEP_ENDS
        ),
        ["case__difficulty", "step"],
        "working_minutes",
    )
    difficulties = Difficulty.objects.select_related("post").prefetch_related("steps__department")
    leaders = {p.department_id: p for p in Post.objects.filter(is_leader=True)}
    rows = []
    for difficulty in difficulties:
        total = totals.get(difficulty.pk, {"n": 0, "resolved": 0, "manager": 0})
        n = total["n"]
        steps = []
        for index, step in enumerate(difficulty.steps.all()):
            count = solved.get((difficulty.pk, index), 0)
            steps.append(
                {
                    "index": index,
                    "post": leaders.get(step.department_id),
                    "solved": count,
                    "share": count / n if n else None,
                    "median_minutes": step_medians.get((difficulty.pk, index)),
                }
            )
        manager_share = total["manager"] / n if n else None
        rows.append(
            {
                "difficulty": difficulty,
                "cases": n,
                "steps": steps,
                "manager": total["manager"],
                "manager_share": manager_share,
                "failing": n >= FAILING_MIN_CASES and manager_share >= FAILING_SHARE,
            }
        )
    return {"since": since, "rows": rows}
