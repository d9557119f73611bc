"""When a task falls due, in the working calendar of the department that does it."""
from __future__ import annotations

import datetime

from django.utils import timezone

from roles.models import Department
from shopteam.workcalendar.calc import ClockCalendar, WorkCalendar, calendar_for

from ..models import LeadTime


class _Calendars:
    """One working calendar per work schedule for a whole run, so its queries are shared by every duty."""

    def __init__(self) -> None:
        self._by_schedule: dict[int | None, WorkCalendar | ClockCalendar] = {}

    def __call__(self, department: Department | None) -> WorkCalendar | ClockCalendar:
        schedule = department.work_schedule_id if department else None
        if schedule not in self._by_schedule:
            self._by_schedule[schedule] = calendar_for(department)
        return self._by_schedule[schedule]


def due_from_date(day: datetime.date, department: Department | None) -> datetime.datetime:
    """A due date without a time: the end of that day's working hours in the department's calendar, or of the
    next working day when nobody works that day (a task is never due on a day off)."""
    calendar = calendar_for(department)
    if not calendar.is_working_day(day):
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        day = timezone.localtime(calendar.next_working_moment(start)).date()
    return timezone.localtime(calendar.intervals(day)[-1][1])


def due_moment(due: datetime.datetime | datetime.date | None,
               department: Department | None) -> datetime.datetime | None:
    if due is None or isinstance(due, datetime.datetime):
        if due is not None and timezone.is_naive(due):
            raise ValueError("create_task() takes an aware datetime for due")
        return due
    return due_from_date(due, department)


def due_by_lead_time(*, source: str, work: str, department: Department | None,
                     now: datetime.datetime) -> datetime.datetime | None:
    """`now` plus the source's lead time (the row for `work`, else the source's own) in the department's working
    calendar; None without a lead time."""
    minutes = (LeadTime.objects.filter(source=source, work__in={work, ""}).order_by("-work")
               .values_list("minutes", flat=True).first())
    return calendar_for(department).add_working_minutes(now, minutes) if minutes else None
