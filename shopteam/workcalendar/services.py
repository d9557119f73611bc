"""Every change to the working calendar that is not a plain admin edit: seeding it and closing a year."""
from __future__ import annotations

import datetime
from collections.abc import Iterable

import chinese_calendar
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from .models import OFFICE_SCHEDULE, CalendarDay, CalendarYear, WorkingPeriod, WorkSchedule


def _periods(weekdays: Iterable[int], spans: Iterable[tuple[int, int, int, int]]
             ) -> list[tuple[int, datetime.time, datetime.time]]:
    return [
        (weekday, datetime.time(start_h, start_m), datetime.time(end_h, end_m))
        for weekday in weekdays
        for (start_h, start_m, end_h, end_m) in spans
    ]


# Mon–Fri 09:00–12:00 and 13:30–18:00: the lunch break is 12:00–13:30; no work at weekends.
DEFAULT_PERIODS = _periods(range(5), [(9, 0, 12, 0), (13, 30, 18, 0)])
# Buyers shop in the evening and at weekends: customer service answers every day 09:00–23:00 in shifts, with
# breaks at lunch and supper, holidays included (the busiest days of the year are holidays).
CUSTOMER_SERVICE_SCHEDULE = ("customer-service", "客服排班", "Customer-service rota")
CUSTOMER_SERVICE_PERIODS = _periods(range(7), [(9, 0, 12, 0), (13, 0, 18, 0), (18, 30, 23, 0)])
# code, name, English name, keeps the public holidays, is the default, its periods
SCHEDULES = [
    (*OFFICE_SCHEDULE, True, True, DEFAULT_PERIODS),
    (*CUSTOMER_SERVICE_SCHEDULE, False, False, CUSTOMER_SERVICE_PERIODS),
]
SEED_REASON = "seeded from chinesecalendar"


def package_years() -> range:
    """The years chinesecalendar has an arrangement for, the same range it validates against."""
    dates = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return range(min(dates).year, max(dates).year + 1)


def _chinese_name(english: str) -> str:
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:  # a name the package added without an enum member: keep its English
        return english


@transaction.atomic
def ensure_schedules() -> dict[str, int]:
    """Create the work schedules the playbook's departments use (office hours, the customer-service rota)
    when missing; a schedule's periods only when it has none and is new or the table is empty, so once an
    admin has any hours they are theirs. Returns how many schedules and periods were created."""
    created = {"schedules": 0, "periods": 0}
    table_empty = not WorkingPeriod.objects.exists()
    for code, name, name_en, observes, is_default, periods in SCHEDULES:
        schedule = WorkSchedule.objects.filter(code=code).first()
        new = schedule is None
        if schedule is None:
            if is_default and WorkSchedule.objects.filter(is_default=True).exists():
                continue  # an admin made another schedule the default: theirs
            schedule = WorkSchedule.objects.create(
                code=code, name=name, name_en=name_en, observes_public_holidays=observes, is_default=is_default
            )
            created["schedules"] += 1
        if (new or table_empty) and not schedule.periods.exists():
            for weekday, start, end in periods:
                WorkingPeriod.objects.create(schedule=schedule, weekday=weekday, start=start, end=end)
            created["periods"] += len(periods)
    return created


@transaction.atomic
def seed_from_chinesecalendar() -> dict[str, int]:
    """Create whatever the calendar is missing; never duplicate, never overwrite an admin's row.

    The work schedules are ensured first (ensure_schedules).
    Every holiday and make-up workday the package knows is added unless its date already has a row, and
    each of the package's years is recorded complete unless a row for it already exists.
    Returns how many rows of each kind were created (all zero on a second run).
    """
    created = {**ensure_schedules(), "days": 0, "years": 0}
    wanted = {
        day: (CalendarDay.Kind.HOLIDAY, name) for day, name in chinese_calendar.holidays.items()
    } | {day: (CalendarDay.Kind.WORKDAY, name) for day, name in chinese_calendar.workdays.items()}
    in_range = CalendarDay.objects.filter(date__range=(min(wanted), max(wanted)))
    existing = set(in_range.values_list("date", flat=True))
    missing = [
        CalendarDay(date=day, kind=kind, name=_chinese_name(name))
        for day, (kind, name) in sorted(wanted.items())
        if day not in existing
    ]
    # Rows from bulk_create fire no signals, so their history is written here, by the service.
    bulk_create_with_history(missing, CalendarDay, batch_size=500, default_change_reason=SEED_REASON)
    created["days"] = len(missing)

    for year in package_years():
        _row, made = CalendarYear.objects.get_or_create(
            year=year,
            defaults={"complete": True, "source": CalendarYear.Source.PACKAGE, "note": SEED_REASON},
        )
        created["years"] += made
    return created


@transaction.atomic
def mark_years_complete(years: Iterable[int], *, complete: bool = True) -> int:
    """Record that these years' holidays are (or are no longer) all entered; returns how many changed.

    A year with no row yet gets one, so an admin can close a year straight after entering its days.
    """
    changed = 0
    for year in sorted(set(years)):
        row, made = CalendarYear.objects.select_for_update().get_or_create(
            year=year, defaults={"complete": complete, "source": CalendarYear.Source.ADMIN}
        )
        if made:
            changed += 1
        elif row.complete != complete:
            row.complete = complete
            row.save(update_fields=["complete"])
            changed += 1
    return changed
