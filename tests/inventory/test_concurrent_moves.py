"""Two clerks shipping the same SKU at the same moment never lose or double a unit, moves touching several
products in opposite orders never deadlock, and the drift check finds nothing afterwards (PostgreSQL)."""
import pytest

from inventory import selectors, services
from inventory.models import Product, StockMove
from shopteam.errors import ServiceError
from tests.inventory.factories import stocked
from tests.threads import run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
]


def test_clerks_selling_the_last_units_at_once_sell_exactly_what_is_there(team):
    product = stocked(10, sku="SCT-HOT", name="爆款菊花茶")
    clerks = [team["product_lead"], team["manager"]] * 7

    def sell(clerk):
        return lambda: services.record_move(Product.objects.get(pk=product.pk), kind=StockMove.Kind.SALE,
                                            quantity=-1, by=clerk, reference="发货")

    outcomes = run_at_once(*[sell(clerk) for clerk in clerks])
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, ServiceError)] == []
    assert len(refused) == 4 and all("short by 1" in str(o) for o in refused)
    product.refresh_from_db()
    assert product.on_hand == 0
    assert product.moves.filter(kind=StockMove.Kind.SALE).count() == 10
    assert selectors.stock_drift() == []


def test_moves_over_several_products_in_opposite_orders_never_deadlock(team):
    a = stocked(100, sku="SCT-A")
    b = stocked(100, sku="SCT-B")
    clerk = team["product_lead"]

    def ship(first, second, rounds=10):
        def job():
            for _ in range(rounds):
                services.record_moves(
                    [StockMove(product=Product.objects.get(pk=first.pk), kind=StockMove.Kind.SALE, quantity=-1),
                     StockMove(product=Product.objects.get(pk=second.pk), kind=StockMove.Kind.SALE, quantity=-2)],
                    by=clerk,
                )
            return rounds
        return job

    outcomes = run_at_once(ship(a, b), ship(b, a), ship(a, b), ship(b, a))
    assert outcomes == [10, 10, 10, 10]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.on_hand, b.on_hand) == (100 - 20 - 40, 100 - 40 - 20)
    assert selectors.stock_drift() == []


def test_two_people_reversing_the_same_move_at_once_reverse_it_once(team):
    product = stocked(10)
    sale = services.record_move(product, kind=StockMove.Kind.SALE, quantity=-3, by=team["product_lead"])
    outcomes = run_at_once(
        lambda: services.reverse_move(sale, by=team["product_lead"], reason="没发货"),
        lambda: services.reverse_move(sale, by=team["manager"], reason="重复出库"),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["ServiceError", "StockMove"]
    product.refresh_from_db()
    assert product.on_hand == 10
    assert selectors.stock_drift() == []
