"""The demo's after-sales week is made through the services from the inventory demo's orders, and twice is once."""
import pytest

from aftersales.apps import AftersalesConfig
from aftersales.models import Complaint, Event, FollowUp, ReturnRequest, Review
from escalation.models import Case

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Complaint, Review, FollowUp, ReturnRequest, Event, Case)]


def test_the_demo_has_after_sales_work_and_is_safe_twice(team, working_hours, settings, tmp_path):
    from django.apps import apps

    settings.VAR_DIR = tmp_path
    apps.get_app_config("inventory").load_demo()
    config = apps.get_app_config("aftersales")
    assert isinstance(config, AftersalesConfig)
    config.load_demo()
    first = counts()
    assert first[:4] == [3, 3, 2, 2] and first[5] == 1
    assert Complaint.objects.filter(status=Complaint.Status.WITH_MANAGER).count() == 1
    assert Review.objects.filter(outcome=Review.Outcome.WITHDRAWN, withdrawn_by__username="kefu_a").exists()
    config.load_demo()
    assert counts() == first
