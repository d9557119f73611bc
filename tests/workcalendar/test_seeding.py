"""Seeding from chinesecalendar: everything the package knows, once, and never over an admin's edit."""
import datetime

import pytest
from django.core.management import call_command

from shopteam.workcalendar.models import CalendarDay, CalendarYear, WorkingPeriod, WorkSchedule
from shopteam.workcalendar.services import package_years, seed_from_chinesecalendar

pytestmark = pytest.mark.django_db


def test_seeding_fills_the_week_and_every_year_the_package_knows(calendar):
    # Office hours (5 days × 2 periods) and the customer-service rota (7 days × 3 periods).
    assert calendar["schedules"] == 2 and calendar["periods"] == 10 + 21 and calendar["days"] > 700
    assert list(package_years()) == list(range(2004, 2027))
    complete = CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
    assert set(complete) == set(range(2004, 2027))
    office = WorkSchedule.objects.get(is_default=True)
    assert office.code == "office" and office.observes_public_holidays
    monday = office.periods.filter(weekday=0)
    assert [(p.start, p.end) for p in monday] == [
        (datetime.time(9), datetime.time(12)),
        (datetime.time(13, 30), datetime.time(18)),
    ]
    assert not office.periods.filter(weekday__gte=5).exists()
    rota = WorkSchedule.objects.get(code="customer-service")
    assert not rota.observes_public_holidays
    assert [(p.start, p.end) for p in rota.periods.filter(weekday=6)] == [
        (datetime.time(9), datetime.time(12)),
        (datetime.time(13), datetime.time(18)),
        (datetime.time(18, 30), datetime.time(23)),
    ]
    national_day = CalendarDay.objects.get(date=datetime.date(2025, 10, 1))
    assert (national_day.kind, national_day.name) == (CalendarDay.Kind.HOLIDAY, "国庆节")
    assert CalendarDay.objects.get(date=datetime.date(2025, 9, 28)).kind == CalendarDay.Kind.WORKDAY
    assert national_day.history.get().history_change_reason == "seeded from chinesecalendar"


def test_seeding_twice_changes_nothing(calendar):
    def counts():
        return [model.objects.count() for model in (WorkingPeriod, CalendarDay, CalendarYear)]

    before = counts()
    assert seed_from_chinesecalendar() == {"schedules": 0, "periods": 0, "days": 0, "years": 0}
    assert counts() == before


def test_seeding_again_does_not_overwrite_an_admins_edits(calendar):
    # The shop decides to work on 8 October, closes on Monday afternoons, and reopens 2026 for checking.
    day = CalendarDay.objects.get(date=datetime.date(2025, 10, 8))
    day.kind, day.name = CalendarDay.Kind.WORKDAY, "店内加班"
    day.save()
    WorkingPeriod.objects.filter(schedule__code="office", weekday=0, start=datetime.time(13, 30)).delete()
    CalendarYear.objects.filter(year=2026).update(complete=False, note="checking")

    seed_from_chinesecalendar()

    day.refresh_from_db()
    assert (day.kind, day.name) == (CalendarDay.Kind.WORKDAY, "店内加班")
    assert not WorkingPeriod.objects.filter(schedule__code="office", weekday=0, start=datetime.time(13, 30)).exists()
    assert CalendarYear.objects.get(year=2026).complete is False


def test_the_command_is_safe_to_run_twice(db, capsys):
    call_command("seed_calendar")
    days = CalendarDay.objects.count()
    call_command("seed_calendar")
    assert CalendarDay.objects.count() == days
    assert "created 0 schedules, 0 periods, 0 days, 0 years" in capsys.readouterr().out
