"""The dashboard warns the admins when next year's holidays are not entered."""
import datetime

import pytest
import time_machine

from shopteam.workcalendar.selectors import calendar_warning, missing_years, next_year_missing
from shopteam.workcalendar.services import mark_years_complete
from tests.workcalendar.conftest import at

pytestmark = pytest.mark.django_db


def test_from_november_the_missing_next_year_is_announced(calendar):
    with time_machine.travel(at("2026-11-23 10:00"), tick=False):
        assert next_year_missing()
        warning = calendar_warning()
    assert warning and "2027" in warning


def test_no_warning_in_june(calendar):
    with time_machine.travel(at("2026-06-15 10:00"), tick=False):
        assert calendar_warning() is None


def test_the_warning_goes_once_the_year_is_marked_complete(calendar):
    mark_years_complete([2027])
    assert calendar_warning(datetime.date(2026, 11, 23)) is None
    assert not next_year_missing(datetime.date(2026, 11, 23))


def test_a_current_year_without_holidays_is_warned_about_all_year(calendar):
    assert missing_years([2026, 2027, 2028]) == [2027, 2028]
    assert "2028" in calendar_warning(datetime.date(2028, 3, 1))
