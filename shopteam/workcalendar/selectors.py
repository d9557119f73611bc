"""Read queries about the calendar itself: which years still need their holidays entered."""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CalendarYear

# The State Council announces next year's arrangement around November: warn from then on.
WARN_FROM_MONTH = 11


def missing_years(years: Iterable[int]) -> list[int]:
    """The given years, in order, that have no CalendarYear marked complete."""
    ordered = sorted(set(years))
    complete = set(CalendarYear.objects.filter(year__in=ordered, complete=True).values_list("year", flat=True))
    return [year for year in ordered if year not in complete]


def next_year_missing(today: datetime.date | None = None) -> bool:
    """True if next year's holidays are not entered (marked complete) yet."""
    today = today or timezone.localdate()
    return bool(missing_years([today.year + 1]))


def calendar_warning(today: datetime.date | None = None) -> str | None:
    """A message for the admins if deadlines will soon be counted without the holidays, else None.

    Warns about this year at any time, and about next year from November on.
    """
    today = today or timezone.localdate()
    years = [today.year, today.year + 1] if today.month >= WARN_FROM_MONTH else [today.year]
    missing = missing_years(years)
    if not missing:
        return None
    year = missing[0]
    if year == today.year:
        return _(
            "The public holidays and make-up workdays of %(year)s are not entered: deadlines are counted "
            "with the ordinary week. Enter them in the admin (Working calendar) and mark the year complete."
        ) % {"year": year}
    return _(
        "The public holidays and make-up workdays of %(year)s are not entered yet: from January, deadlines "
        "will be counted with the ordinary week. Enter them in the admin (Working calendar) once they are "
        "announced, and mark the year complete."
    ) % {"year": year}
