"""The supplier cycle's calendar: which sales month a day's cycle covers, its 11th–15th window, and the day the
report is built when holidays take most of that window. Read by the cycle's pages and by its services."""
import datetime
from typing import Any

from roles.models import Department
from shopteam.workcalendar.calc import ClockCalendar, WorkCalendar, calendar_for

from . import rules
from .models import first_of_month, next_month

Calendar = WorkCalendar | ClockCalendar

# Fewer working days than this in the 11th–15th (Spring Festival): the report is built early and the pages warn.
MIN_WINDOW_DAYS = 3


def finance_calendar() -> Calendar:
    return calendar_for(Department.objects.filter(code=rules.FINANCE).first())


def report_month(today: datetime.date) -> datetime.date:
    """The sales month whose cycle runs in `today`'s month: last natural month."""
    return first_of_month(first_of_month(today) - datetime.timedelta(days=1))


def window_of(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    after = next_month(month)
    return after.replace(day=11), after.replace(day=15)


def window_working_days(month: datetime.date, calendar: Calendar | None = None) -> list[datetime.date]:
    calendar = calendar or finance_calendar()
    first, last = window_of(month)
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)
            if calendar.is_working_day(first + datetime.timedelta(days=n))]


def build_day(month: datetime.date, calendar: Calendar | None = None) -> datetime.date:
    """When the job builds `month`'s report: the 11th, or, when public holidays leave fewer than three working
    days in the 11th–15th, early enough that three working days remain before the 15th ends (never before the
    1st)."""
    calendar = calendar or finance_calendar()
    first, last = window_of(month)
    if len(window_working_days(month, calendar)) >= MIN_WINDOW_DAYS:
        return first
    day, found = last, list[datetime.date]()
    start = next_month(month)
    while day >= start and len(found) < MIN_WINDOW_DAYS:
        if calendar.is_working_day(day):
            found.append(day)
        day -= datetime.timedelta(days=1)
    return min([first, *found]) if found else start


def holiday_warning(month: datetime.date, calendar: Calendar | None = None) -> dict[str, Any] | None:
    """{"working_days": [...], "build_day": date} when holidays take most of `month`'s window, else None."""
    calendar = calendar or finance_calendar()
    days = window_working_days(month, calendar)
    if len(days) >= MIN_WINDOW_DAYS:
        return None
    return {"working_days": days, "build_day": build_day(month, calendar), "window": window_of(month)}
