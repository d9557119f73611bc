"""The admin: the kinds' points are edited there (with history, applying to records made after the edit); kinds are
neither added nor deleted; records and corrections are read there only (they change through the services)."""
import datetime

import pytest
from django.urls import reverse

from attendance import selectors
from attendance.models import Kind
from tests.attendance.conftest import TODAY
from tests.attendance.factories import record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_document_002s_points_are_the_seeded_data(db):
    assert {k.code: (k.name, k.counts_as, k.points) for k in Kind.objects.all()} == {
        "late": ("迟到", "late_or_early", -2), "early": ("早退", "late_or_early", -2),
        "leave": ("有效请假", "leave", -1)}


def test_an_admin_changes_a_kinds_points_and_a_positive_value_is_refused(admin_client, team, clock):
    leave = Kind.objects.get(code="leave")
    url = reverse("admin:attendance_kind_change", args=[leave.pk])
    form = {"name": leave.name, "name_en": leave.name_en, "short": leave.short, "short_en": leave.short_en,
            "points": "1", "active": "on", "order": leave.order}
    response = admin_client.post(url, form)
    assert response.status_code == 200 and "0" in response.content.decode()
    leave.refresh_from_db()
    assert leave.points == -1
    before = record(team["kefu_lead"], team["kefu_a"], TODAY - datetime.timedelta(days=1), "leave")
    assert admin_client.post(url, {**form, "points": "-3"}).status_code == 302
    change = Kind.objects.get(pk=leave.pk).history.first()
    assert change.points == -3 and change.history_user.username == "root"
    record(team["kefu_lead"], team["kefu_a"], TODAY, "leave")
    before.refresh_from_db()
    assert before.points == -1 and selectors.points_for(team["kefu_a"], TODAY) == -1 - 3


def test_kinds_are_not_added_or_deleted_and_records_are_read_only(admin_client, team, clock):
    made = record(team["kefu_lead"], team["kefu_a"], TODAY, "late")
    assert admin_client.get(reverse("admin:attendance_kind_add")).status_code == 403
    assert admin_client.get(reverse("admin:attendance_kind_delete", args=[made.kind_id])).status_code == 403
    assert admin_client.get(reverse("admin:attendance_record_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:attendance_record_change", args=[made.pk])).content.decode()
    assert 'name="_save"' not in page
    assert admin_client.get(reverse("admin:attendance_correction_changelist")).status_code == 200


def test_the_shop_managers_dashboard_shows_this_months_attendance(client, team, clock):
    record(team["kefu_lead"], team["kefu_a"], TODAY, "late")
    record(team["manager"], team["kefu_lead"], TODAY, "leave")
    client.force_login(team["manager"])
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-panel="attendance"' in page and reverse("attendance:sheet") in page
    assert selectors.group_this_month(team["manager"], TODAY) == {
        "first": TODAY.replace(day=1), "late_or_early": 1, "leave": 1, "points": -3, "people": 2}
    assert selectors.group_this_month(team["kefu_lead"], TODAY)["points"] == -2  # their group only
