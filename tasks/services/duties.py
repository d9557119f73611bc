"""Recurring duties: each period's task filed once for the duty's post, and the periods nobody was given a task
for written down as missed."""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.text import Truncator

from roles.models import Assignment, Duty

from .. import recurrence
from ..models import DutyPeriodMissed, Task
from .calendars import _Calendars

# After a long outage the missed periods are written for at most this far back (a daily duty's two years).
MISSED_LOOKBACK = datetime.timedelta(days=730)


def recurring_duties() -> QuerySet[Duty]:
    return Duty.objects.exclude(recurrence="").select_related("post__department").order_by("pk")


def _duty_task(duty: Duty, period: recurrence.Period, now: datetime.datetime) -> Task:
    title = Truncator(duty.task_title or duty.text).chars(Task.TITLE_MAX - 20)
    return Task(
        title=f"{title} · {period.key}", detail=duty.text if duty.task_title else "", post=duty.post,
        department=duty.post.department, source=Task.Source.DUTY, duty=duty, period_key=period.key,
        period_start=period.start, due=period.due, created_at=now,
    )


def _insert(tasks: list[Task], missed: Iterable[DutyPeriodMissed] = ()) -> None:
    """Write the periods' tasks and missed periods once each: a unique constraint on (duty, period) makes a
    second run, or a run beside this one, insert nothing."""
    with transaction.atomic():
        Task.objects.bulk_create(tasks, ignore_conflicts=True, batch_size=2000)
        DutyPeriodMissed.objects.bulk_create(missed, ignore_conflicts=True, batch_size=2000)


def create_recurring_tasks(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic job: file each recurring duty's task for the current period, and for the next one once its
    lead time has begun, owned by the duty's post; never twice.

    Only the current period is filed: after the job was stopped for days, the periods between the duty's last
    task and the current one are written down as missed (DutyPeriodMissed, on the dashboard) instead of
    flooding the board with stale tasks. A duty that starts repeating begins with its first period not yet
    due. A vacant post gets no task (nobody would do it); its periods count as missed once someone holds it
    again. Returns {"created": n, "missed": m}.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    duties = list(recurring_duties())
    calendars = _Calendars()
    staffed = set(Assignment.objects.current(today).values_list("post_id", flat=True))
    last = _last_periods(duties)
    wanted: list[Task] = []
    gaps: list[Duty] = []
    for duty in duties:
        current = recurrence.start_of(duty, today)
        if duty.post_id in staffed:
            calendar = calendars(duty.post.department)
            for start in (current, recurrence.next_start(duty, current)):
                period = recurrence.period(duty, start, calendar)
                if period is None or period.appears > today or (duty.pk not in last and period.due < now):
                    continue
                wanted.append(_duty_task(duty, period, now))
        if duty.pk in last and last[duty.pk][0] < current:
            gaps.append(duty)
    missed = _missed_periods(gaps, last, today=today, now=now, calendars=calendars)
    existing = set(
        Task.objects.filter(duty__in={t.duty_id for t in wanted}, period_key__in={t.period_key for t in wanted})
        .values_list("duty_id", "period_key")
    ) if wanted else set()
    new = [task for task in wanted if (task.duty_id, task.period_key) not in existing]
    if new or missed:
        _insert(new, missed)
    return {"created": len(new), "missed": len(missed)}


def _last_periods(duties: list[Duty]) -> dict[int, tuple[datetime.date, str]]:
    """{duty id: (start, key)} of each duty's latest period that was filed or written down as missed."""
    last: dict[int, tuple[datetime.date, str]] = {}
    for model in (Task, DutyPeriodMissed):
        starts = dict(
            model.objects.filter(duty__in=duties, period_start__isnull=False)
            .values_list("duty_id").annotate(last=Max("period_start")).order_by()
        )
        if not starts:
            continue
        rows = model.objects.filter(duty__in=list(starts), period_start__in=set(starts.values())).values_list(
            "duty_id", "period_start", "period_key")
        for duty_id, start, key in rows:
            if starts[duty_id] == start and (duty_id not in last or last[duty_id][0] < start):
                last[duty_id] = (start, key)
    return last


def _missed_periods(duties: list[Duty], last: dict[int, tuple[datetime.date, str]], *, today: datetime.date,
                    now: datetime.datetime, calendars: _Calendars) -> list[DutyPeriodMissed]:
    """The periods of `duties` after their last one and before the current period. A last period that is not
    one of the duty's periods now (an admin changed how it repeats) starts no gap: nothing was missed."""
    missed: list[DutyPeriodMissed] = []
    for duty in duties:
        start, key = last[duty.pk]
        if key != recurrence.key_of(duty, start) or recurrence.start_of(duty, start) != start:
            continue
        first = max(recurrence.next_start(duty, start), today - MISSED_LOOKBACK)
        current = recurrence.start_of(duty, today)
        calendar = calendars(duty.post.department)
        missed += [
            DutyPeriodMissed(duty=duty, period_key=p.key, period_start=p.start, due=p.due, recorded_at=now)
            for p in recurrence.periods_between(duty, first, current - datetime.timedelta(days=1), calendar)
        ]
    return missed


def create_duty_tasks_between(*, start: datetime.date, end: datetime.date, duties: Iterable[Duty] | None = None,
                              now: datetime.datetime | None = None) -> int:
    """File every period of the recurring duties whose period starts in [start, end] (dates) at once: planning
    ahead, or re-filing after a restore. Periods already filed are left alone. Returns how many were asked for."""
    now = now or timezone.now()
    duties = list(recurring_duties() if duties is None else duties)
    calendars = _Calendars()
    tasks = [
        _duty_task(duty, period, now)
        for duty in duties
        for period in recurrence.periods_between(duty, start, end, calendars(duty.post.department))
    ]
    _insert(tasks)
    return len(tasks)

