"""The demo's after-sales week is made through the services from the inventory demo's orders, spread over the past
days (each record and its events on its day), and twice is once."""
import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from aftersales import selectors
from aftersales.apps import AftersalesConfig
from aftersales.models import Complaint, Event, FollowUp, ReturnRequest, Review
from escalation.models import Case

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Complaint, Review, FollowUp, ReturnRequest, Event, Case)]


@pytest.fixture
def config(team, working_hours, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    apps.get_app_config("inventory").load_demo()
    config = apps.get_app_config("aftersales")
    assert isinstance(config, AftersalesConfig)
    config.load_demo()
    return config


def test_the_demo_has_after_sales_work_and_is_safe_twice(config):
    first = counts()
    assert first[:4] == [3, 3, 2, 2] and first[5] == 1
    assert Complaint.objects.filter(status=Complaint.Status.WITH_MANAGER).count() == 1
    assert Review.objects.filter(outcome=Review.Outcome.WITHDRAWN, withdrawn_by__username="kefu_a").exists()
    events = list(Event.objects.values_list("pk", "at"))
    config.load_demo()
    assert counts() == first
    assert list(Event.objects.values_list("pk", "at")) == events


def test_the_demo_week_is_spread_over_its_days(config, team):
    today = timezone.localdate()
    days = {timezone.localtime(at).date() for at in Event.objects.values_list("at", flat=True)}
    assert len(days - {today}) >= 5 and all(today - datetime.timedelta(days=6) <= day <= today for day in days)
    for complaint in Complaint.objects.all():
        recorded = complaint.events.get(kind=Event.Kind.RECORDED)
        assert recorded.at == complaint.created_at and 9 <= timezone.localtime(recorded.at).hour < 18
    withdrawn = Review.objects.get(outcome=Review.Outcome.WITHDRAWN)
    assert withdrawn.created_at < withdrawn.closed_at < timezone.now() - datetime.timedelta(days=4)
    assert withdrawn.events.latest("at").at == withdrawn.closed_at
    # The monthly counts read the week's work in the month of its day.
    agent = team["kefu_a"].pk
    month = timezone.localtime(withdrawn.closed_at).date().replace(day=1)
    assert selectors.monthly_counts(month)[agent]["reviews_withdrawn"] == 1
    closed = Complaint.objects.get(status=Complaint.Status.CLOSED)
    month = timezone.localtime(closed.closed_at).date().replace(day=1)
    assert selectors.monthly_counts(month)[agent]["complaints_handled"] == 1
    # Today's lists still have work: a complaint with the manager, an open review, a return being checked.
    desk = selectors.desk_counts()
    assert desk["complaints"] and desk["reviews"] and desk["returns"]
