"""The demo fills the attendance pages through the services, and running it again adds nothing."""
import pytest
from django.urls import reverse

from attendance import demo, selectors
from attendance.models import Correction, Record
from shopteam.notifications.models import Notification
from tests.attendance.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_a_week_of_records_made_by_the_leaders_and_safe_to_run_twice(client, team, clock):
    assert demo.load_demo() == "7 attendance record(s) added"
    first = (Record.objects.count(), Correction.objects.count(), Notification.objects.count())
    assert first[:2] == (7, 1)
    assert demo.load_demo() == "0 attendance record(s) added"
    assert (Record.objects.count(), Correction.objects.count(), Notification.objects.count()) == first
    assert {r.recorded_by.username for r in Record.objects.filter(person=team["kefu_a"])} == {"kefu_lead"}
    assert selectors.points_for(team["kefu_a"], TODAY) == -2 - 1  # the week falls in December (the 1st to the 6th)
    client.force_login(team["kefu_lead"])
    assert client.get(reverse("attendance:sheet")).status_code == 200
    client.force_login(team["manager"])
    assert client.get(reverse("dashboard")).status_code == 200
