"""What finance reads from the ledger: each supplier's sales per product over a period of Shanghai dates."""
import datetime
from decimal import Decimal

import pytest

from inventory import selectors, services
from inventory.models import StockMove
from tests.inventory.factories import SupplierFactory, stocked

pytestmark = pytest.mark.django_db

SHANGHAI = selectors.SHANGHAI


def at(day, hour=12):
    return datetime.datetime(2026, *day, hour, tzinfo=SHANGHAI)


def sale(product, quantity, when, clerk, amount=None):
    return services.record_move(product, kind=StockMove.Kind.SALE, quantity=-quantity, by=clerk, moved_at=when,
                                amount=amount)


def test_last_months_sales_per_product_with_returns_reversals_and_money(clerk):
    tea = stocked(100, sku="SCT-B", name="菊花茶", cost=Decimal("10.00"), price=Decimal("30.00"))
    rose = stocked(100, sku="SCT-A", name="玫瑰花茶", cost=Decimal("7.25"), price=Decimal("20.00"))
    other = stocked(100, sku="OTHER-1", supplier=SupplierFactory(name="别家"))
    sale(tea, 3, at((10, 1), 0), clerk, amount=Decimal("85.50"))  # 00:xx Shanghai is still 1 October
    sale(tea, 2, at((10, 31), 23), clerk)  # 2 × 30.00
    wrong = sale(tea, 1, at((10, 15)), clerk)
    services.reverse_move(wrong, by=clerk, reason="录错", moved_at=at((10, 16)))
    services.record_move(tea, kind=StockMove.Kind.RETURN, quantity=1, by=clerk, moved_at=at((10, 20)))
    sale(rose, 4, at((10, 5)), clerk, amount=Decimal("72.00"))
    sale(rose, 9, at((9, 30), 23), clerk)  # September
    sale(tea, 5, at((11, 1), 0), clerk)  # November
    sale(other, 1, at((10, 5)), clerk)  # another supplier
    receipt = services.record_move(tea, kind=StockMove.Kind.RECEIPT, quantity=5, by=clerk, moved_at=at((10, 3)))
    services.reverse_move(receipt, by=clerk, reason="录错", moved_at=at((10, 4)))  # no sale, no return
    wrong_return = services.record_move(rose, kind=StockMove.Kind.RETURN, quantity=2, by=clerk, moved_at=at((10, 6)))
    services.reverse_move(wrong_return, by=clerk, reason="录错", moved_at=at((10, 7)))  # returned 2 − 2

    rows = selectors.supplier_sales(services.default_supplier(), start=datetime.date(2026, 10, 1),
                                    end=datetime.date(2026, 11, 1))
    assert rows == [
        {"product_id": rose.pk, "sku": "SCT-A", "name": "玫瑰花茶", "sold": 4, "returned": 0, "net": 4,
         "cost_amount": Decimal("29.00"), "price_amount": Decimal("72.00")},
        {"product_id": tea.pk, "sku": "SCT-B", "name": "菊花茶", "sold": 5, "returned": 1, "net": 4,
         "cost_amount": Decimal("40.00"), "price_amount": Decimal("115.50")},  # 85.50 + 60 + 30 − 30 − 30
    ]
    assert selectors.supplier_sales(services.default_supplier(), start=datetime.date(2026, 12, 1),
                                    end=datetime.date(2027, 1, 1)) == []


def test_supplier_sales_is_two_queries_however_many_products(clerk, django_assert_num_queries):
    for n in range(5):
        sale(stocked(10, sku=f"SCT-{n}"), 1, at((10, 2)), clerk)
    supplier = services.default_supplier()
    with django_assert_num_queries(2):  # sales and returns; reversals
        rows = selectors.supplier_sales(supplier, start=datetime.date(2026, 10, 1),
                                        end=datetime.date(2026, 11, 1))
    assert len(rows) == 5
