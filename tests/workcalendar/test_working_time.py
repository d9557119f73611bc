"""Deadlines and durations in working time: breaks, weekends, holidays and make-up workdays."""
import datetime

import chinese_calendar
import pytest

from shopteam.errors import ServiceError
from shopteam.workcalendar.calc import (
    WorkCalendar,
    add_working_minutes,
    is_working_moment,
    next_working_moment,
    working_minutes_between,
)
from shopteam.workcalendar.models import CalendarDay, WorkingPeriod
from tests.workcalendar.conftest import SHANGHAI, at
from tests.workcalendar.factories import CalendarDayFactory, WorkingPeriodFactory

pytestmark = pytest.mark.django_db
WORKING_DAY_MINUTES = 3 * 60 + 4 * 60 + 30  # 09:00–12:00 and 13:30–18:00


def test_a_deadline_across_the_lunch_break_skips_it(calendar):
    # Tuesday 11:00 + 2 h: one hour before lunch, one after 13:30.
    assert add_working_minutes(at("2025-06-10 11:00"), 120) == at("2025-06-10 14:30")
    assert working_minutes_between(at("2025-06-10 11:00"), at("2025-06-10 14:30")) == 120


def test_a_deadline_that_uses_up_the_morning_lands_at_noon_not_after_lunch(calendar):
    assert add_working_minutes(at("2025-06-10 11:00"), 60) == at("2025-06-10 12:00")


def test_a_deadline_across_a_weekend_resumes_on_monday(calendar):
    # Friday 17:00 + 2 h: one hour on Friday, one on Monday morning.
    assert add_working_minutes(at("2025-06-13 17:00"), 120) == at("2025-06-16 10:00")
    assert working_minutes_between(at("2025-06-13 17:00"), at("2025-06-16 10:00")) == 120


def test_a_deadline_across_national_day_waits_for_the_end_of_the_holiday(calendar):
    # 2025: 1–8 October off (National Day with Mid-autumn); work resumes Thursday 9 October.
    assert add_working_minutes(at("2025-09-30 17:00"), 120) == at("2025-10-09 10:00")
    assert working_minutes_between(at("2025-09-30 18:00"), at("2025-10-09 09:00")) == 0
    assert not is_working_moment(at("2025-10-06 10:00"))  # a Monday, but a holiday


def test_a_make_up_saturday_is_worked_with_mondays_hours(calendar):
    # Saturday 11 October 2025 is 调休上班 for National Day.
    assert CalendarDay.objects.get(date=datetime.date(2025, 10, 11)).kind == CalendarDay.Kind.WORKDAY
    assert is_working_moment(at("2025-10-11 10:00"))
    assert not is_working_moment(at("2025-10-11 12:30"))  # lunch, as on a Monday
    assert working_minutes_between(at("2025-10-10 18:00"), at("2025-10-13 09:00")) == WORKING_DAY_MINUTES
    # Friday evening + 1 h lands on the make-up Saturday, not on Monday.
    assert add_working_minutes(at("2025-10-10 17:30"), 60) == at("2025-10-11 09:30")


def test_a_make_up_sunday_before_national_day_counts(calendar):
    assert add_working_minutes(at("2025-09-27 10:00"), 60) == at("2025-09-28 10:00")


def test_a_year_with_no_calendar_entered_follows_the_ordinary_week(calendar):
    # chinesecalendar stops at 2026: in 2027, 1 October (a Friday) is worked, the weekend is not.
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert is_working_moment(at("2027-10-01 10:00"))
    assert not is_working_moment(at("2027-10-02 10:00"))
    assert add_working_minutes(at("2026-12-31 17:00"), 120) == at("2027-01-01 10:00")


def test_counting_from_outside_working_time_starts_at_the_next_period(calendar):
    assert add_working_minutes(at("2025-06-14 08:00"), 30) == at("2025-06-16 09:30")  # from a Saturday
    assert add_working_minutes(at("2025-06-10 12:45"), 30) == at("2025-06-10 14:00")  # from lunch
    assert next_working_moment(at("2025-06-10 18:00")) == at("2025-06-11 09:00")
    assert next_working_moment(at("2025-06-10 10:15")) == at("2025-06-10 10:15")
    # Zero minutes is the start itself, even outside working time.
    assert add_working_minutes(at("2025-06-14 08:00"), 0) == at("2025-06-14 08:00")


def test_minutes_are_rounded_down_and_a_reversed_range_is_zero(calendar):
    start = at("2025-06-10 09:00")
    assert working_minutes_between(start, start + datetime.timedelta(seconds=119)) == 1
    assert working_minutes_between(at("2025-06-10 14:00"), at("2025-06-10 10:00")) == 0


def test_results_are_in_the_current_time_zone_and_inputs_may_be_in_any(calendar):
    utc_start = at("2025-06-10 11:00").astimezone(datetime.UTC)
    result = add_working_minutes(utc_start, 120)
    assert result == at("2025-06-10 14:30")
    assert result.utcoffset() == datetime.timedelta(hours=8)
    with pytest.raises(ValueError):
        working_minutes_between(datetime.datetime(2025, 6, 10, 9), at("2025-06-10 10:00"))


@pytest.mark.parametrize(
    "start",
    ["2025-06-10 08:00", "2025-06-10 09:00", "2025-06-10 11:59", "2025-06-10 12:00", "2025-06-13 17:45",
     "2025-06-14 11:00", "2025-09-30 17:59", "2025-10-10 18:00", "2026-12-31 17:00"],
)
def test_working_minutes_between_and_add_working_minutes_round_trip(calendar, start):
    work = WorkCalendar()
    t = at(start)
    for minutes in [0, 1, 59, 60, 180, 181, 450, 451, 2000, 20000]:
        deadline = work.add_working_minutes(t, minutes)
        assert work.working_minutes_between(t, deadline) == minutes
        # The deadline is the earliest such moment: a second before it, the minutes are not used up.
        if minutes:
            assert work.working_minutes_between(t, deadline - datetime.timedelta(seconds=1)) == minutes - 1
    for hours in [0, 1, 5, 30, 200, 3000]:
        later = t + datetime.timedelta(hours=hours, minutes=17)
        assert work.add_working_minutes(t, work.working_minutes_between(t, later)) <= later


def test_a_whole_year_matches_chinesecalendar_day_by_day(calendar):
    new_year = datetime.date(2025, 1, 1)
    workdays = sum(chinese_calendar.is_workday(new_year + datetime.timedelta(days=n)) for n in range(365))
    assert working_minutes_between(at("2025-01-01 00:00"), at("2026-01-01 00:00")) == (
        workdays * WORKING_DAY_MINUTES
    )


def test_years_of_working_time_take_the_same_few_queries_as_a_day(calendar, django_assert_num_queries):
    # Loops run per day over cached years, never a query per day: a day and two years cost the same. (How
    # fast the loops run is a benchmark's business, not a test's.)
    with django_assert_num_queries(3):  # the default schedule, its periods, the exceptional days of the span
        assert working_minutes_between(at("2025-06-10 00:00"), at("2025-06-11 00:00")) == WORKING_DAY_MINUTES
    with django_assert_num_queries(3):
        minutes = working_minutes_between(at("2024-01-01 00:00"), at("2026-01-01 00:00"))
    start = datetime.date(2024, 1, 1)
    workdays = sum(chinese_calendar.is_workday(start + datetime.timedelta(days=n)) for n in range(731))
    assert minutes == workdays * WORKING_DAY_MINUTES
    with django_assert_num_queries(4):  # the schedule, its periods, then one query per year crossed
        assert add_working_minutes(at("2024-01-01 00:00"), minutes) == at("2025-12-31 18:00")


def test_a_shared_calendar_asks_the_database_once(calendar, django_assert_num_queries):
    work = WorkCalendar()
    with django_assert_num_queries(1):
        for day in range(1, 29):
            work.add_working_minutes(datetime.datetime(2025, 2, day, 10, tzinfo=SHANGHAI), 240)


def test_no_working_hours_at_all_is_a_clear_error(calendar):
    WorkingPeriod.objects.all().delete()
    with pytest.raises(ServiceError, match="No working hours"):
        add_working_minutes(at("2025-06-10 10:00"), 60)


def test_a_year_of_holidays_stops_with_an_error_instead_of_looping(db):
    WorkingPeriodFactory(weekday=0)
    first = datetime.date(2030, 1, 1)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=first + datetime.timedelta(days=n), kind=CalendarDay.Kind.HOLIDAY)
        for n in range(400)
    )
    with pytest.raises(ServiceError, match="more than a year"):
        add_working_minutes(at("2030-01-01 10:00"), 1)


def test_an_admin_holiday_in_an_unentered_year_still_counts(calendar):
    CalendarDayFactory(date=datetime.date(2027, 1, 1), name="元旦")
    assert not is_working_moment(at("2027-01-01 10:00"))
