"""Every change to the working calendar that is not a plain admin edit: seeding it and closing a year."""
import datetime

import chinese_calendar
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from .models import CalendarDay, CalendarYear, WorkingPeriod

# Mon–Fri 09:00–12:00 and 13:30–18:00: the lunch break is 12:00–13:30; no work at weekends.
DEFAULT_PERIODS = [
    (weekday, datetime.time(start_h, start_m), datetime.time(end_h, end_m))
    for weekday in range(5)
    for (start_h, start_m, end_h, end_m) in [(9, 0, 12, 0), (13, 30, 18, 0)]
]
SEED_REASON = "seeded from chinesecalendar"


def package_years():
    """The years chinesecalendar has an arrangement for, the same range it validates against."""
    dates = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return range(min(dates).year, max(dates).year + 1)


def _chinese_name(english):
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:  # a name the package added without an enum member: keep its English
        return english


@transaction.atomic
def seed_from_chinesecalendar():
    """Create whatever the calendar is missing; never duplicate, never overwrite an admin's row.

    Working periods are seeded only into an empty table: once an admin has any, the hours are theirs.
    Every holiday and make-up workday the package knows is added unless its date already has a row, and
    each of the package's years is recorded complete unless a row for it already exists.
    Returns how many rows of each kind were created (all zero on a second run).
    """
    created = {"periods": 0, "days": 0, "years": 0}
    if not WorkingPeriod.objects.exists():
        for weekday, start, end in DEFAULT_PERIODS:
            WorkingPeriod.objects.create(weekday=weekday, start=start, end=end)
        created["periods"] = len(DEFAULT_PERIODS)

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
def mark_years_complete(years, *, complete=True):
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
