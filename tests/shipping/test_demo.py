"""The demo's shipping work: made through the services from the inventory demo's orders, the same after a second
run, with paid orders left open for the desk."""
import pytest
from django.apps import apps

from escalation.models import Case
from shipping import selectors
from shipping.models import PackingProblem, Parcel, PickList, ProblemParcel, StoreroomIncident

pytestmark = pytest.mark.django_db

MODELS = (Parcel, PickList, PackingProblem, ProblemParcel, StoreroomIncident, Case)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_demo_desk_loads_once_and_leaves_orders_to_pack(team, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    apps.get_app_config("inventory").load_demo()
    summary = apps.get_app_config("shipping").load_demo()
    assert "shipped" in summary
    first = counts()
    assert Parcel.objects.filter(shipped_at__isnull=False).count() == 3
    assert first["PackingProblem"] == 1 and first["ProblemParcel"] == 2 and first["StoreroomIncident"] == 1
    assert selectors.count_open_orders() == 5  # four newest, and the one with the damaged item
    assert apps.get_app_config("shipping").load_demo() == ""
    assert counts() == first
    assert PackingProblem.objects.get().case.reporter == team["product_lead"]
