"""Months, the one way: their first days and their bounds in the shop's time (Asia/Shanghai)."""
import datetime

from django.utils import timezone


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    """The first day of the month after the one `day` falls in."""
    return (first_of_month(day) + datetime.timedelta(days=32)).replace(day=1)


def month_moments(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[the month's first moment, the next month's first moment), in the current time zone."""
    zone = timezone.get_current_timezone()
    return (datetime.datetime.combine(first_of_month(month), datetime.time(), zone),
            datetime.datetime.combine(next_month(month), datetime.time(), zone))
