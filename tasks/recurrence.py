"""The periods of a recurring duty: which period a day falls in, its key, and when its task is due and appears.

Pure date arithmetic over a duty's recurrence fields; whether a day is worked comes only from the calendar passed
in (shopteam.workcalendar.calc.calendar_for(the post's department)). Keys sort in time within one kind:
"2026-11-24" (every working day), "2026-W48" (ISO week), "2026-11", "2026-Q4", "2026".
"""
import calendar as monthcalendar
import datetime
from dataclasses import dataclass

from django.utils import timezone

DAILY, WEEKLY, MONTHLY, QUARTERLY, YEARLY = "daily", "weekly", "monthly", "quarterly", "yearly"


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime.date
    due: datetime.datetime  # aware
    appears: datetime.date  # the day its task is filed: the due day less the duty's lead time


def start_of(duty, day):
    """The first day of the period of `duty` that contains `day`."""
    kind = duty.recurrence
    if kind == DAILY:
        return day
    if kind == WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if kind == MONTHLY:
        return day.replace(day=1)
    if kind == QUARTERLY:
        return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if kind == YEARLY:
        return datetime.date(day.year, 1, 1)
    raise ValueError(f"duty {duty.pk} does not repeat")


def next_start(duty, start):
    """The first day of the period after the one starting on `start`."""
    kind = duty.recurrence
    if kind == DAILY:
        return start + datetime.timedelta(days=1)
    if kind == WEEKLY:
        return start + datetime.timedelta(days=7)
    if kind in (MONTHLY, QUARTERLY):
        months = start.month - 1 + (1 if kind == MONTHLY else 3)
        return datetime.date(start.year + months // 12, months % 12 + 1, 1)
    if kind == YEARLY:
        return datetime.date(start.year + 1, 1, 1)
    raise ValueError(f"duty {duty.pk} does not repeat")


def key_of(duty, start):
    kind = duty.recurrence
    if kind == DAILY:
        return start.isoformat()
    if kind == WEEKLY:
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == MONTHLY:
        return f"{start.year}-{start.month:02d}"
    if kind == QUARTERLY:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}"


def _on_day(year, month, day):
    """That day of the month, or the month's last day when it has no such day (the 31st of November)."""
    return datetime.date(year, month, min(day, monthcalendar.monthrange(year, month)[1]))


def nominal_due_day(duty, start):
    """The day the duty names for the period starting on `start`, before working days are considered."""
    kind = duty.recurrence
    if kind == DAILY:
        return start
    if kind == WEEKLY:
        return start + datetime.timedelta(days=duty.recurrence_weekday)
    if kind == MONTHLY:
        return _on_day(start.year, start.month, duty.recurrence_day)
    if kind == QUARTERLY:
        return _on_day(start.year, start.month + duty.recurrence_month - 1, duty.recurrence_day)
    return _on_day(start.year, duty.recurrence_month, duty.recurrence_day)


def period(duty, start, calendar):
    """The period of `duty` starting on `start` in the post's working calendar, or None when it has no task: an
    every-working-day duty on a day nobody in the department works. Any other due day that is not a working
    day moves to the working day before it."""
    nominal = nominal_due_day(duty, start)
    if duty.recurrence == DAILY:
        if not calendar.is_working_day(nominal):
            return None
        due_day = nominal
    else:
        due_day = calendar.working_day_on_or_before(nominal)
    if duty.due_time is not None:
        due = timezone.make_aware(datetime.datetime.combine(due_day, duty.due_time))
    else:
        due = timezone.localtime(calendar.intervals(due_day)[-1][1])  # the end of that working day
    return Period(
        key=key_of(duty, start), start=start, due=due, appears=due_day - datetime.timedelta(days=duty.lead_days)
    )


def periods_between(duty, first, last, calendar):
    """Every period with a task whose start lies in [first, last] (both dates), in order."""
    start = start_of(duty, first)
    if start < first:
        start = next_start(duty, start)
    found = []
    while start <= last:
        found.append(period(duty, start, calendar))
        start = next_start(duty, start)
    return [p for p in found if p is not None]
