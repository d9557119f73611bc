"""Each department works to its own schedule: customer service answers in the evening and on holidays, the
office groups keep office hours; an urgent difficulty counts clock time. One calculation serves them all."""
import datetime

import chinese_calendar
import pytest

from roles.models import Department
from roles.services import load_playbook
from shopteam.workcalendar.calc import ClockCalendar, calendar_for
from shopteam.workcalendar.models import WorkSchedule

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(calendar):
    load_playbook()


def test_customer_service_works_the_evening_and_the_office_does_not(shop):
    service = calendar_for(Department.objects.get(code="customer-service"))
    office = calendar_for(Department.objects.get(code="finance"))
    raised = at("2026-11-23 19:50")  # a Monday, at the evening peak
    assert service.add_working_minutes(raised, 60) == at("2026-11-23 20:50")
    assert office.add_working_minutes(raised, 60) == at("2026-11-24 10:00")


def test_customer_service_works_public_holidays_the_office_keeps_them(shop):
    national_day = datetime.date(2025, 10, 1)
    assert chinese_calendar.is_holiday(national_day)
    service = calendar_for(Department.objects.get(code="customer-service"))
    office = calendar_for(Department.objects.get(code="finance"))
    assert service.is_working_day(national_day) and not office.is_working_day(national_day)
    # A make-up Saturday (调休) is a working day for the office, worked with Monday's hours.
    makeup = datetime.date(2025, 9, 28)
    assert chinese_calendar.is_workday(makeup) and makeup.weekday() == 6
    assert office.working_minutes_between(at("2025-09-28 00:00"), at("2025-09-29 00:00")) == 7.5 * 60
    assert office.working_day_on_or_before(datetime.date(2025, 10, 5)) == datetime.date(2025, 9, 30)


def test_a_department_without_a_schedule_keeps_office_hours(shop):
    data = Department.objects.get(code="data-analysis")
    assert data.work_schedule is None
    assert calendar_for(data).schedule == WorkSchedule.objects.get(is_default=True)


def test_an_urgent_difficulty_counts_clock_time(shop):
    urgent = calendar_for(Department.objects.get(code="finance"), urgent=True)
    assert isinstance(urgent, ClockCalendar)
    friday_night = at("2026-11-27 23:00")
    assert urgent.add_working_minutes(friday_night, 120) == at("2026-11-28 01:00")
    assert urgent.working_minutes_between(friday_night, at("2026-11-28 01:00")) == 120


def test_the_playbook_gives_customer_service_the_rota_but_never_overrides_an_admin(shop):
    service = Department.objects.get(code="customer-service")
    assert service.work_schedule.code == "customer-service"
    office = WorkSchedule.objects.get(is_default=True)
    service.work_schedule = office
    service.save()
    load_playbook()
    service.refresh_from_db()
    assert service.work_schedule == office


def test_a_case_deadline_runs_in_the_calendar_of_the_department_it_is_with(shop, django_user_model):
    import time_machine

    from escalation import services
    from roles.models import Difficulty
    from tests.factories import TeamBuilder

    team = TeamBuilder().build()
    with time_machine.travel(at("2026-11-23 19:50"), tick=False):
        case = services.raise_case(by=team["product_lead"], post=team.posts["产品组组长"],
                                   difficulty=Difficulty.objects.get(name="盘点不清"), description="点不清")
    assert case.current_post.title == "客服组组长"
    # 240 rota minutes from 19:50: 190 on Monday evening, then Tuesday 09:00–09:50.
    assert case.deadline == at("2026-11-24 09:50")
