"""The demo fills the finance pages through the services, and running it again adds nothing."""
import pytest
from django.urls import reverse

from escalation.models import Case
from finance import demo
from finance.models import ClosedMonth, LedgerEntry, MonthlyTarget, PromotionRequest, SupplierCycle
from inventory.demo import load_demo as load_inventory_demo

pytestmark = pytest.mark.django_db


def counts():
    return [LedgerEntry.objects.count(), PromotionRequest.objects.count(), SupplierCycle.objects.count(),
            MonthlyTarget.objects.count(), ClosedMonth.objects.filter(closed=True).count(), Case.objects.count()]


def test_the_demo_fills_every_page_and_runs_twice_without_adding_anything(client, team, clock, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    load_inventory_demo()
    demo.load_demo()
    first = counts()
    assert first[0] > 50 and first[1] == 4 and first[2] >= 2 and first[3] == 3 and first[4] == 1 and first[5] == 1
    demo.load_demo()
    assert counts() == first
    statuses = sorted(PromotionRequest.objects.values_list("status", flat=True))
    assert statuses == ["approved", "escalated", "paid", "requested"]
    client.force_login(team["manager"])
    for name in ("finance:ledger", "finance:months", "finance:reports", "finance:cycle_list", "finance:promotion_list",
                 "dashboard"):
        assert client.get(reverse(name)).status_code == 200, name
    cycle = SupplierCycle.objects.order_by("-month").first()
    assert cycle.rows and cycle.is_sent
    assert client.get(cycle.get_absolute_url()).status_code == 200
