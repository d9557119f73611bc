"""Read queries for case pages and the shop manager's dashboard; every one a fixed number of queries."""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncWeek
from django.utils import timezone

from roles.models import Department, Difficulty, Post
from roles.selectors import is_shop_manager, led_departments
from shopteam.stats import medians_by
from shopteam.workcalendar.calc import calendar_for

from .models import Case, CaseEvent, CaseUserObjectPermission

HEALTH_WINDOW_DAYS = 90
CHART_WEEKS = 12
FAILING_SHARE = 0.5  # a chain "mostly fails" when at least half its cases reach the shop manager
FAILING_MIN_CASES = 3


BADGE_CAP = 99  # the badge says "99+" past this: counting further would cost more with every case


def is_current_contact(case: Case, user: User | AnonymousUser) -> bool:
    """Whether `case` is with `user` now: one of the holders it was sent to, or an admin when it has nobody."""
    if not user.is_authenticated:
        return False
    if case.with_admins and user.is_superuser:
        return True
    return case.contacts.filter(pk=user.pk).exists()


def visible_cases(user: User) -> QuerySet[Case]:
    """The cases `user` may see: the shop manager every case; everyone the cases they reported or were sent
    (object permissions, by an indexed foreign key); a group leader also every case raised by or sent to a
    post of their group."""
    rule = _visibility(user, one_case=False)
    return Case.objects.all() if rule is None else Case.objects.filter(rule)


def _visible_case(case_id: int | str, user: User) -> QuerySet[Case]:
    """The case `case_id` if `user` may see it (at most one row): visible_cases' rule, asked of one case."""
    rule = _visibility(user, one_case=True)
    cases = Case.objects.filter(pk=case_id)
    return cases if rule is None else cases.filter(rule)


def _visibility(user: User, *, one_case: bool) -> Q | Combinable | None:
    """visible_cases' rule as a Q (None: every case), in the form PostgreSQL runs best for a list or for one
    case. For a list, IN over the person's permission rows and the group's "sent to" events, each read once:
    a correlated EXISTS inside an OR is costed as if it ran per case, and at 50,000 cases that estimate
    switched on PostgreSQL's JIT compiler (a quarter of a second per count). For one case, a correlated EXISTS
    looks only at that case's rows instead of reading every case a leader's group ever had."""
    if is_shop_manager(user):
        return None
    # The permission's id as a scalar subquery (run once), not a join through auth_permission and
    # django_content_type: with those two joins and the list's five select_related tables, PostgreSQL passes
    # join_collapse_limit (8), keeps the written join order and reads every case of the shop before the
    # permission rows. This way it starts from the user's rows in the (user, permission, case) index.
    view_case = Permission.objects.filter(codename="view_case", content_type__app_label="escalation")
    permitted = CaseUserObjectPermission.objects.filter(
        user=user, permission=Subquery(view_case.order_by().values("pk")[:1])
    )
    led = led_departments(user)
    sent_to_group = CaseEvent.objects.filter(kind=CaseEvent.Kind.ROUTED, to_post__department__in=led)
    if one_case:
        one: Q | Combinable = Exists(permitted.filter(content_object=OuterRef("pk")))
        if led:
            one |= Q(department__in=led) | Exists(sent_to_group.filter(case=OuterRef("pk")))
        return one
    rule = Q(pk__in=permitted.values("content_object_id"))
    if led:
        rule |= Q(department__in=led) | Q(pk__in=sent_to_group.values("case_id"))
    return rule


def deadline_within(now: datetime.datetime, minutes: int) -> Q:
    """Cases whose deadline falls within `minutes` working minutes of `now`, each in the calendar its clock
    runs in: the hours of the department the case is with, or clock time for an urgent case. One horizon per
    work schedule, so it is a single query however many cases there are."""
    near = Q(urgent=True, deadline__lte=calendar_for(urgent=True).add_working_minutes(now, minutes))
    horizons = {}
    for department in Department.objects.all():
        if department.work_schedule_id not in horizons:
            horizons[department.work_schedule_id] = calendar_for(department).add_working_minutes(now, minutes)
        near |= Q(urgent=False, current_post__department=department,
                  deadline__lte=horizons[department.work_schedule_id])
    office = calendar_for().add_working_minutes(now, minutes)
    return near | Q(urgent=False, current_post__isnull=True, deadline__lte=office)


def can_see(case: Case, user: User) -> bool:
    return _visible_case(case.pk, user).exists()


def count_waiting_for(user: User) -> int:
    """Open cases that `user` is a current contact of, up to BADGE_CAP + 1: the badge on every page costs the
    same however many cases the shop has."""
    # At most BADGE_CAP + 1 of the person's contact rows first, then their cases: a join of the two let
    # PostgreSQL hash every open case of the shop. A resolved case has no contacts (resolve_case clears them),
    # so the status check only guards that rule.
    theirs = Case.contacts.through.objects.filter(user=user).values("case_id")[: BADGE_CAP + 1]
    return Case.objects.filter(pk__in=theirs, status__in=Case.OPEN).count()


def cases_about(obj: models.Model) -> QuerySet[Case]:
    """The cases raised about `obj` (a stocktake, a task…), newest first: the other side of case.subject."""
    return Case.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj), subject_id=str(obj.pk)
    ).select_related("current_post")


def case_list(user: User, *, filters: Mapping[str, Any]) -> QuerySet[Case]:
    """The cases `user` may see, narrowed by the list page's filters (the dashboard links here)."""
    if filters.get("box") == "mine":
        # The person's current contacts may always see the case (the services grant both together), so this box
        # needs no "what may they see" rule: for a leader that rule reads every case his group ever had.
        # EXISTS rather than a join: a join would need DISTINCT over every column, text and JSON included.
        mine = Case.contacts.through.objects.filter(case=OuterRef("pk"), user=user)
        cases = Case.objects.filter(Exists(mine), status__in=Case.OPEN)
    else:
        cases = visible_cases(user)
    cases = cases.select_related("reporter", "current_post", "difficulty", "department", "handler")
    now = timezone.now()
    if filters.get("box") == "reported":
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
        cases = cases.filter(
            deadline_within(now, settings.ESCALATION_WARN_WORKING_MINUTES),
            deadline__gte=now, status__in=[Case.Status.WAITING, Case.Status.IN_PROGRESS],
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


def case_page(case_id: int | str, user: User) -> tuple[Case, list[CaseEvent]]:
    """A case `user` may see, with its events; raises Case.DoesNotExist otherwise."""
    case = _visible_case(case_id, user).select_related(
        "reporter", "post__department", "difficulty", "current_post", "handler", "subject_type"
    ).get()
    events = list(case.events.select_related("actor", "from_post", "to_post"))
    return case, events


def month_start(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def dashboard(now: datetime.datetime | None = None) -> dict[str, Any]:
    """What the shop manager acts on, always live: cases waiting on them, overdue and nearly overdue cases."""
    now = now or timezone.now()
    open_moving = [Case.Status.WAITING, Case.Status.IN_PROGRESS]
    soon = deadline_within(now, settings.ESCALATION_WARN_WORKING_MINUTES)
    at_manager = Q(current_post__department__is_manager_office=True) | Q(with_admins=True)
    base = Case.objects.select_related("reporter", "current_post", "difficulty", "department")
    waiting = list(base.filter(at_manager, status__in=Case.OPEN).order_by("deadline", "created_at")[:8])
    overdue = base.filter(deadline__lt=now, status__in=open_moving).order_by("deadline")
    due_soon = base.filter(soon, deadline__gte=now, status__in=open_moving).order_by("deadline")
    counts = Case.objects.filter(status__in=Case.OPEN).aggregate(
        waiting=Count("pk", filter=at_manager),
        overdue=Count("pk", filter=Q(deadline__lt=now, status__in=open_moving)),
        due_soon=Count("pk", filter=soon & Q(deadline__gte=now, status__in=open_moving)),
        admins=Count("pk", filter=Q(with_admins=True)),
    )
    return {
        "now": now,
        "waiting": waiting,
        "overdue": list(overdue[:15]),
        "due_soon": list(due_soon[:15]),
        "counts": counts,
    }


def statistics_version() -> int:
    """Grows with every event of every case: the dashboard's cached statistics are keyed on it, so any change
    to a case shows at once, and the cache serves only while nothing has happened."""
    return CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def dashboard_statistics(now: datetime.datetime | None = None) -> dict[str, Any]:
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


def playbook_health(now: datetime.datetime | None = None) -> dict[str, Any]:
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
        # A chain whose only step is the shop manager (售后困难, 收集困难) sends every case there by design.
        goes_straight_to_manager = all(step.department.is_manager_office for step in difficulty.steps.all())
        rows.append(
            {
                "difficulty": difficulty,
                "cases": n,
                "steps": steps,
                "manager": total["manager"],
                "manager_share": manager_share,
                "by_design": goes_straight_to_manager,
                "failing": (not goes_straight_to_manager and n >= FAILING_MIN_CASES and manager_share is not None
                            and manager_share >= FAILING_SHARE),
            }
        )
    return {"since": since, "rows": rows}
