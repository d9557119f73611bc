"""Two packers shipping the same order at the same moment ship it once; two orders given the same waybill at once
keep it on one (PostgreSQL row locks and the waybill's unique constraint)."""
import pytest

from inventory.models import TaobaoOrder
from shipping import services
from shipping.models import Parcel
from shopteam.errors import ServiceError
from tests.threads import run_at_once

from .conftest import all_lines, paid_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_packers_shipping_one_order_at_once_ship_it_once(packer, team):
    order = paid_order(lines=2)
    lines = all_lines(order)

    def ship(person, waybill):
        return lambda: services.ship_order(TaobaoOrder.objects.get(pk=order.pk), by=person, carrier="中通快递",
                                           waybill=waybill, checked_lines=lines)

    outcomes = run_at_once(ship(packer, "W1"), ship(team["product_lead"], "W2"), ship(team["manager"], "W3"))
    shipped = [o for o in outcomes if isinstance(o, Parcel)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(shipped) == 1 and len(refused) == 2, outcomes
    assert all("not waiting to be shipped" in str(o) for o in refused)
    parcel = Parcel.objects.get(order=order)
    assert parcel.waybill == shipped[0].waybill and parcel.history.filter(history_change_reason="Shipped").count() == 1


def test_one_waybill_typed_on_two_orders_at_once_stays_on_one(packer, team):
    first, second = paid_order(), paid_order()

    def ship(order, person):
        return lambda: services.ship_order(TaobaoOrder.objects.get(pk=order.pk), by=person, carrier="中通快递",
                                           waybill="SAME1", checked_lines=all_lines(order))

    outcomes = run_at_once(ship(first, packer), ship(second, team["product_lead"]))
    assert sum(isinstance(o, Parcel) for o in outcomes) == 1, outcomes
    assert all("Waybill SAME1 is already on" in str(o) for o in outcomes if isinstance(o, ServiceError))
    assert Parcel.objects.filter(waybill="SAME1").count() == 1
