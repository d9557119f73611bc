"""The shop manager's tasks panel on the dashboard."""
from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q
from django.utils import timezone

from roles.models import Department
from roles.selectors import current_assignments

from ..models import Task
from .pages import missed_periods, week_start


def dashboard_panel(now: datetime.datetime | None = None) -> dict[str, Any]:
    """The shop manager's tasks panel: open tasks overdue per department and per person (a post's tasks count
    for each of its holders), tasks done on time this week against last week, and the periods of recurring
    duties missed this month. A fixed number of queries, aggregated in the database."""
    now = now or timezone.now()
    overdue = Task.objects.filter(status__in=Task.OPEN, due__lt=now)
    per_department = dict(overdue.values_list("department").annotate(n=Count("pk")).order_by())
    departments = [(d, per_department[d.pk]) for d in Department.objects.all() if per_department.get(d.pk)]
    per_owner = dict(overdue.filter(owner__isnull=False).values_list("owner").annotate(n=Count("pk")).order_by())
    per_post = dict(overdue.filter(post__isnull=False).values_list("post").annotate(n=Count("pk")).order_by())
    people: dict[int, list[Any]] = {}  # {user id: [the person, their overdue tasks]}
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
