"""The calendar in the Django admin: pages for staff only, overlapping hours refused, years closed."""
import datetime

import pytest
from django.urls import reverse

from shopteam.workcalendar.models import CalendarDay, CalendarYear, WorkingPeriod, default_schedule_id
from tests.factories import UserFactory
from tests.roles.test_admin import errors
from tests.workcalendar.factories import CalendarDayFactory

pytestmark = pytest.mark.django_db
MODELS = ["workingperiod", "calendarday", "calendaryear"]


@pytest.fixture
def admin_client(client, calendar):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_pages_load_for_a_superuser(admin_client, model):
    row = {
        "workingperiod": WorkingPeriod.objects.first,
        "calendarday": CalendarDay.objects.first,
        "calendaryear": CalendarYear.objects.first,
    }[model]()
    for url in [
        reverse(f"admin:workcalendar_{model}_changelist"),
        reverse(f"admin:workcalendar_{model}_add"),
        reverse(f"admin:workcalendar_{model}_change", args=[row.pk]),
        reverse(f"admin:workcalendar_{model}_history", args=[row.pk]),
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_the_day_list_filters_by_year_and_searches_by_name(admin_client):
    url = reverse("admin:workcalendar_calendarday_changelist")
    page = admin_client.get(url, {"date__year": 2025, "q": "国庆节"}).content.decode()
    assert "2025-10-01" in page or "Oct. 1, 2025" in page or "2025年10月1日" in page
    assert admin_client.get(url, {"kind": "workday"}).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_pages_are_refused_to_a_non_staff_user(client, calendar, model):
    client.force_login(UserFactory(username="clerk"))
    response = client.get(reverse(f"admin:workcalendar_{model}_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_an_overlapping_working_period_is_refused_with_a_message(admin_client):
    before = WorkingPeriod.objects.count()
    response = admin_client.post(
        reverse("admin:workcalendar_workingperiod_add"),
        {"schedule": str(office_schedule()), "weekday": 0, "start": "11:00", "end": "14:00"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert errors(response) == ["This period overlaps Monday 09:00–12:00 on the same weekday."]
    assert WorkingPeriod.objects.count() == before


def office_schedule():
    return default_schedule_id()


def test_a_period_ending_before_it_starts_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:workcalendar_workingperiod_add"),
        {"schedule": str(office_schedule()), "weekday": 5, "start": "18:00", "end": "09:00"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert errors(response) == ["A working period must end after it starts."]
    assert not WorkingPeriod.objects.filter(schedule__code="office", weekday=5).exists()


def test_a_saturday_shift_can_be_added_and_keeps_history(admin_client):
    response = admin_client.post(
        reverse("admin:workcalendar_workingperiod_add"),
        {"schedule": str(office_schedule()), "weekday": 5, "start": "10:00", "end": "15:00"},
    )
    assert response.status_code == 302
    period = WorkingPeriod.objects.get(schedule__code="office", weekday=5)
    assert period.history.get().history_user.username == "boss"


def test_a_year_is_marked_complete_from_its_days(admin_client):
    CalendarDayFactory(date=datetime.date(2027, 1, 1), name="元旦")
    day = CalendarDay.objects.get(date="2027-01-01")
    response = admin_client.post(
        reverse("admin:workcalendar_calendarday_changelist"),
        {"action": "mark_years_complete", "_selected_action": [day.pk]},
    )
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert year.complete and year.source == CalendarYear.Source.ADMIN


def test_a_year_is_marked_complete_and_reopened_from_the_year_list(admin_client):
    row = CalendarYear.objects.create(year=2027)
    url = reverse("admin:workcalendar_calendaryear_changelist")
    admin_client.post(url, {"action": "mark_complete", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.complete
    admin_client.post(url, {"action": "mark_incomplete", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert not row.complete
    assert row.history.count() == 3
