"""The demo's shipping work: made through the services from the inventory demo's orders, spread over the past week
(each record and its history on its day), the same after a second run, with paid orders left open for the desk."""
import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from escalation.models import Case
from shipping import selectors
from shipping.models import PackingProblem, Parcel, PickList, ProblemParcel, StoreroomIncident

pytestmark = pytest.mark.django_db

MODELS = (Parcel, PickList, PackingProblem, ProblemParcel, StoreroomIncident, Case)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def days_with_work():
    stamps = [*PickList.objects.values_list("picked_at", flat=True),
              *Parcel.objects.values_list("shipped_at", flat=True),
              *PackingProblem.objects.values_list("recorded_at", flat=True),
              *ProblemParcel.objects.values_list("recorded_at", flat=True),
              *ProblemParcel.objects.values_list("closed_at", flat=True),
              *StoreroomIncident.objects.values_list("recorded_at", flat=True)]
    return {timezone.localtime(stamp).date() for stamp in stamps if stamp}


@pytest.fixture
def demo(team, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    apps.get_app_config("inventory").load_demo()
    return apps.get_app_config("shipping").load_demo()


def test_the_demo_desk_loads_once_and_leaves_orders_to_pack(demo, team):
    assert "shipped" in demo
    first = counts()
    assert Parcel.objects.filter(shipped_at__isnull=False).count() == 3
    assert first["PackingProblem"] == 1 and first["ProblemParcel"] == 2 and first["StoreroomIncident"] == 1
    assert selectors.count_open_orders() == 5  # four newest, and the one with the damaged item
    assert apps.get_app_config("shipping").load_demo() == ""
    assert counts() == first
    assert PackingProblem.objects.get().case.reporter == team["product_lead"]


def test_the_demo_week_is_spread_over_its_days_with_its_history(demo, team):
    today = timezone.localdate()
    days = days_with_work()
    assert len(days) >= 5 and all(today - datetime.timedelta(days=6) <= day <= today for day in days)
    for parcel in Parcel.objects.filter(shipped_at__isnull=False):
        at = timezone.localtime(parcel.shipped_at)
        assert at.date() < today and 9 <= at.hour < 18
        assert parcel.history.latest().history_date == parcel.shipped_at
        assert parcel.picked_at <= parcel.shipped_at
    closed = ProblemParcel.objects.get(closed_at__isnull=False)
    assert closed.recorded_at < closed.closed_at
    assert {row.history_date for row in closed.history.all()} == {closed.recorded_at, closed.closed_at}
    # The monthly counts put each shipment in its own month.
    product_lead = team["product_lead"].pk
    shipped_by_month: dict[datetime.date, int] = {}
    for parcel in Parcel.objects.filter(shipped_at__isnull=False):
        month = timezone.localtime(parcel.shipped_at).date().replace(day=1)
        shipped_by_month[month] = shipped_by_month.get(month, 0) + 1
    for month, shipped in shipped_by_month.items():
        assert selectors.monthly_counts(month)[product_lead]["shipped"] == shipped
    apps.get_app_config("shipping").load_demo()
    assert days_with_work() == days
