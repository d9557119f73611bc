"""The shop's figures from the imported orders, against figures worked out by hand."""
import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from analysis import selectors
from analysis.periods import Period
from inventory.models import TaobaoRefund
from tests.inventory.factories import TaobaoOrderFactory, TaobaoOrderLineFactory, order_status

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def march():
    """Hand-worked March 2026: placed 5 orders, 2 paid (150.50), refunds 10.00 (refund report) + 20.00 (order
    report), units 2 + 1 (a closed line of 3 not), one buyer."""
    first = TaobaoOrderFactory(paid_amount=Decimal("100.00"), placed_at=at("2026-03-02 09:58"),
                               paid_at=at("2026-03-02 10:00"), buyer_nick="买家甲")
    TaobaoOrderLineFactory(order=first, quantity=2, paid_amount=Decimal("100.00"))
    TaobaoRefund.objects.create(refund_id="R1", order_id=first.order_id, status="退款成功", amount=Decimal("10.00"),
                                finished_at=at("2026-03-10 12:00"))
    TaobaoRefund.objects.create(refund_id="R2", order_id=first.order_id, status="退款关闭", amount=Decimal("5.00"),
                                finished_at=at("2026-03-11 12:00"))
    late = TaobaoOrderFactory(**order_status("交易成功"), paid_amount=Decimal("50.50"), refund_amount=Decimal("20.00"),
                              placed_at=at("2026-03-31 23:20"), paid_at=at("2026-03-31 23:30"), buyer_nick="买家甲")
    TaobaoOrderLineFactory(order=late, quantity=1)
    TaobaoOrderLineFactory(order=late, quantity=3, status="交易关闭")
    TaobaoOrderFactory(**order_status("等待买家付款"), placed_at=at("2026-03-05 10:00"), paid_at=None)
    TaobaoOrderFactory(**order_status("交易关闭"), paid_amount=Decimal("30.00"), placed_at=at("2026-03-06 10:00"))
    TaobaoOrderFactory(placed_at=at("2026-03-31 23:50"), paid_at=at("2026-04-01 00:10"))  # paid in April
    TaobaoOrderFactory(paid_amount=Decimal("80.00"), placed_at=at("2026-02-10 10:00"), buyer_nick="买家乙")
    TaobaoOrderFactory(paid_amount=Decimal("60.00"), placed_at=at("2025-03-10 10:00"), buyer_nick="")


def test_a_month_of_orders_gives_the_hand_worked_figures(march):
    figures = selectors.shop_figures(Period.parse("2026-03"))

    assert figures == {
        "orders": 5, "paid_orders": 2, "buyers": 1, "sales": Decimal("150.50"), "refunds": Decimal("30.00"),
        "average_order_value": Decimal("75.25"), "units": 3, "refund_rate": Decimal("0.1662"),
    }


def test_each_figure_stands_beside_last_month_and_the_same_month_last_year(march):
    report = selectors.figures_report(Period.parse("2026-03"))
    rows = {row["key"]: row for row in report["rows"]}

    assert report["previous_period"].code == "2026-02" and report["last_year_period"].code == "2025-03"
    assert rows["sales"]["previous"] == {"before": Decimal("80.00"), "difference": Decimal("70.50"),
                                         "ratio": Decimal("0.8813")}
    assert rows["average_order_value"]["last_year"]["before"] == Decimal("60.00")
    assert rows["buyers"]["last_year"]["before"] is None  # that export named no buyer


def test_a_month_without_buyer_names_says_so_and_one_without_orders_has_no_average(march):
    assert selectors.shop_figures(Period.parse("2025-03"))["buyers"] is None
    empty = selectors.shop_figures(Period.parse("2024-01"))
    assert empty["average_order_value"] is None and empty["refund_rate"] is None and empty["buyers"] == 0


def test_the_command_prints_the_months_figures_as_json(march):
    out = StringIO()
    call_command("shop_figures", "--month", "2026-03", "--json", stdout=out)

    figures = json.loads(out.getvalue())
    assert {key: figures[key] for key in ("orders", "paid_orders", "sales", "refunds", "average_order_value",
                                          "units")} == {
        "orders": 5, "paid_orders": 2, "sales": "150.50", "refunds": "30.00", "average_order_value": "75.25",
        "units": 3}


def test_the_command_refuses_a_month_it_cannot_read(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("shop_figures", "--month", "2026-13", stdout=StringIO())


def test_refunds_are_the_ones_finance_books(march):
    """The same reading as finance's daily Taobao entries: inventory.selectors.taobao_daily_money."""
    from inventory.selectors import taobao_daily_money

    days = taobao_daily_money(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 4, 1))
    assert sum(day["refunds"] for day in days) == selectors.shop_figures(Period.parse("2026-03"))["refunds"]


@pytest.mark.parametrize(("code", "start", "end", "previous", "last_year"), [
    ("2026-W11", "2026-03-09", "2026-03-16", "2026-W10", "2025-W11"),
    ("2026-W01", "2025-12-29", "2026-01-05", "2025-W52", "2025-W01"),
    ("2026-Q1", "2026-01-01", "2026-04-01", "2025-Q4", "2025-Q1"),
    ("2026", "2026-01-01", "2027-01-01", "2025", "2025"),
])
def test_weeks_quarters_and_years_know_their_neighbours(code, start, end, previous, last_year):
    period = Period.parse(code)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)
    assert period.previous().code == previous and period.last_year().code == last_year


def test_sales_and_refunds_reconcile_with_finances_monthly_report_once_booked(march):
    """Booked into the ledger as an import books them, the month report's refunds are the figures' refunds and its
    Taobao sales are the figures' sales plus refunds."""
    from finance import reports, services

    services.ensure_seed_data()
    services.sync_taobao_days([datetime.date(2026, 3, 1) + datetime.timedelta(days=n) for n in range(31)])
    books = reports.management_report(reports.Period.parse("2026-03"), with_margin=False)["totals"]
    figures = selectors.shop_figures(Period.parse("2026-03"))

    assert books["refunds"] == figures["refunds"] == Decimal("30.00")
    assert books["sales"] == figures["sales"] + figures["refunds"] == Decimal("180.50")
