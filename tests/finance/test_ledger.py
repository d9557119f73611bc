"""The ledger: entries recorded, never edited, reversed by an entry pointing to them; months closed and
reopened with history; categories and the yearly tool costs seeded from the playbook and document 004."""
import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from finance import seeds, services
from finance.models import Category, ClosedMonth, FixedCost, LedgerEntry
from shopteam.errors import ServiceError
from tests.finance.factories import entry

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
FEBRUARY = datetime.date(2026, 2, 1)


def test_categories_are_seeded_with_the_playbooks_and_the_paid_promotion_channels(db):
    names = set(Category.objects.values_list("name", flat=True))
    playbook = {"淘宝销售收入", "淘宝退款", "营业外收入", "营业外支出", "供应商结算", "工资", "快递物流", "软件工具"}
    assert playbook <= names
    channels = set(Category.objects.filter(group="promotion").values_list("name", flat=True))
    assert {"直通车", "钻展", "淘宝客", "聚划算"} <= channels  # 营销策划组组长's paid promotion
    assert Category.objects.count() == len(seeds.CATEGORIES)


def test_document_004s_yearly_tool_costs_are_budget_lines_not_entries(db):
    costs = dict(FixedCost.objects.values_list("name", "yearly_amount"))
    # 1188 + 500 + 3096 + 2827.68 + 98 + 300, as the document lists them
    assert sum(costs.values()) == Decimal("8009.68")
    assert costs["生意参谋·竞争情报"] == Decimal("2827.68")
    assert not LedgerEntry.objects.exists()


def test_an_expense_goes_out_and_an_income_comes_in_by_default(team, clock):
    fee = entry(team["finance_lead"], code="shipping", amount="1,234.50", counterparty="中通")
    interest = entry(team["finance_lead"], code="non-operating-income", amount="12.30")
    assert (fee.direction, fee.amount, fee.recorded_by) == ("out", Decimal("1234.50"), team["finance_lead"])
    assert interest.direction == "in" and interest.signed_amount == Decimal("12.30")


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "more than zero"), ("-5", "more than zero"), ("12.345", "two decimals"), ("abc", "number of yuan"),
     ("NaN", "number of yuan"), ("99999999999", "too large"), ("1e5", "number of yuan"), ("Infinity", "number of yuan"),
     ("1_000", "number of yuan"), ("+5", "number of yuan"), ("0x10", "number of yuan"), ("12,34", "number of yuan")],
)
def test_a_bad_amount_is_refused_and_nothing_is_written(team, clock, amount, message):
    with pytest.raises(ServiceError, match=message):
        entry(team["finance_lead"], amount=amount)
    assert not LedgerEntry.objects.exists()


def test_an_amount_in_full_width_digits_with_commas_is_read(team, clock):
    assert entry(team["finance_lead"], amount=" １，２３４．５ ").amount == Decimal("1234.50")


def test_money_is_never_a_float(team, clock):
    with pytest.raises(TypeError):
        entry(team["finance_lead"], amount=12.5)


def test_every_problem_is_named_at_once(team, clock):
    with pytest.raises(ServiceError) as refused:
        services.record_entry(by=team["finance_lead"], date=datetime.date(2027, 1, 1), category=None, amount="x")
    assert len(refused.value.messages) == 3


def test_only_finance_and_the_shop_manager_record_entries(team, clock):
    entry(team["manager"])
    for username in ("marketing_lead", "kefu_a", "product_lead"):
        with pytest.raises(ServiceError, match="finance group"):
            entry(team[username])
    assert LedgerEntry.objects.count() == 1


def test_a_retired_category_takes_no_new_entries(team, clock):
    Category.objects.filter(code="payroll").update(active=False)
    with pytest.raises(ServiceError, match="no longer in use"):
        entry(team["finance_lead"], code="payroll")


def test_a_reversal_points_to_the_entry_and_cancels_it(team, clock):
    mistake = entry(team["finance_lead"], code="payroll", amount="5000.00", date=datetime.date(2026, 3, 2))
    reversal = services.reverse_entry(mistake, by=team["finance_lead"], reason="重复录入")
    mistake.refresh_from_db()
    assert reversal.reverses == mistake and mistake.is_reversed
    assert (reversal.direction, reversal.amount, reversal.date) == ("in", Decimal("5000.00"), mistake.date)
    assert reversal.note == "重复录入" and reversal.source == "reversal"
    payroll = LedgerEntry.objects.filter(category__code="payroll")
    assert payroll.filter(direction="out").aggregate(s=Sum("amount"))["s"] == Decimal("5000.00")
    assert payroll.filter(direction="in").aggregate(s=Sum("amount"))["s"] == Decimal("5000.00")


def test_an_entry_is_reversed_once_and_a_reversal_is_never_reversed(team, clock):
    mistake = entry(team["finance_lead"])
    reversal = services.reverse_entry(mistake, by=team["finance_lead"], reason="错了")
    with pytest.raises(ServiceError, match="already been reversed"):
        services.reverse_entry(mistake, by=team["manager"], reason="再来")
    with pytest.raises(ServiceError, match="itself a reversal"):
        services.reverse_entry(reversal, by=team["finance_lead"], reason="撤销撤销")
    with pytest.raises(ServiceError, match="why"):
        services.reverse_entry(entry(team["finance_lead"]), by=team["finance_lead"], reason="  ")
    assert LedgerEntry.objects.count() == 3


def test_a_closed_month_refuses_entries_dated_in_it(team, clock):
    services.close_month(FEBRUARY, by=team["finance_lead"], note="二月已对账")
    with pytest.raises(ServiceError, match="closed"):
        entry(team["finance_lead"], date=datetime.date(2026, 2, 27))
    entry(team["finance_lead"], date=datetime.date(2026, 3, 1))  # March is open
    assert LedgerEntry.objects.count() == 1


def test_reversing_an_entry_of_a_closed_month_dates_the_reversal_today(team, clock):
    old = entry(team["finance_lead"], code="shipping", amount="88.00", date=datetime.date(2026, 2, 10))
    services.close_month(FEBRUARY, by=team["manager"])
    reversal = services.reverse_entry(old, by=team["finance_lead"], reason="快递费退回")
    assert reversal.date == datetime.date(2026, 3, 16)
    february = LedgerEntry.objects.filter(date__lt=MARCH)
    assert [e.pk for e in february] == [old.pk]  # February's figures did not move


def test_closing_and_reopening_leave_history_and_need_the_leader_or_the_manager(team, clock):
    with pytest.raises(ServiceError, match="finance leader or the shop manager"):
        services.close_month(FEBRUARY, by=team["marketing_lead"])
    with pytest.raises(ServiceError, match="has not ended"):
        services.close_month(MARCH, by=team["finance_lead"])
    services.close_month(FEBRUARY, by=team["finance_lead"], note="已对账")
    with pytest.raises(ServiceError, match="already closed"):
        services.close_month(FEBRUARY, by=team["manager"])
    with pytest.raises(ServiceError, match="why"):
        services.reopen_month(FEBRUARY, by=team["manager"], reason="")
    services.reopen_month(FEBRUARY, by=team["manager"], reason="补录一笔运费")
    entry(team["finance_lead"], date=datetime.date(2026, 2, 28))
    row = ClosedMonth.objects.get(month=FEBRUARY)
    history = list(row.history.order_by("history_date").values_list("closed", "history_user__username",
                                                                      "history_change_reason"))
    assert history[-2:] == [(True, "finance_lead", "closed"), (False, "manager", "reopened")]


def test_a_month_whose_reversal_date_is_closed_too_refuses(team, clock):
    old = entry(team["finance_lead"], date=datetime.date(2026, 2, 10))
    services.close_month(FEBRUARY, by=team["manager"])
    with clock_at("2026-04-02 10:00"):
        services.close_month(MARCH, by=team["manager"])
        assert services.reverse_entry(old, by=team["finance_lead"], reason="四月更正").date == datetime.date(2026, 4, 2)


def clock_at(text):
    import time_machine

    from tests.finance.conftest import at

    return time_machine.travel(at(text), tick=False)


def test_system_entries_are_written_once_per_key(team, clock):
    sales = Category.objects.get(code="taobao-sales")
    first = services.record_system_entry(key="k1", date=datetime.date(2026, 3, 1), category=sales, amount="10.00")
    again = services.record_system_entry(key="k1", date=datetime.date(2026, 3, 1), category=sales, amount="10.00")
    assert first == again and LedgerEntry.objects.count() == 1
    services.reverse_entry(first, by=None, reason="重新导入", system=True)
    services.record_system_entry(key="k1", date=datetime.date(2026, 3, 1), category=sales, amount="11.00")
    assert LedgerEntry.objects.filter(key="k1", is_reversed=False).get().amount == Decimal("11.00")


def run_at_once(*jobs):
    from tests.escalation.test_deadlines import run_at_once as run

    return run(*jobs)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_closing_a_month_and_recording_in_it_at_once_never_leaves_an_entry_in_a_closed_month(team, clock):
    day = datetime.date(2026, 2, 20)
    outcomes = run_at_once(
        lambda: services.close_month(FEBRUARY, by=team["finance_lead"]),
        lambda: entry(team["manager"], date=day),
        lambda: entry(team["finance_lead"], date=day, amount="7.00"),
    )
    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, ServiceError)]
    assert ClosedMonth.objects.get(month=FEBRUARY).closed
    recorded = LedgerEntry.objects.filter(date=day)
    refused = [o for o in outcomes[1:] if isinstance(o, ServiceError)]
    assert recorded.count() + len(refused) == 2
    for made in recorded:  # each entry was written before the month closed, never after
        assert made.recorded_at <= ClosedMonth.objects.get(month=FEBRUARY).history.latest().history_date


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_reversals_of_one_entry_at_once_make_one(team, clock):
    mistake = entry(team["finance_lead"])
    outcomes = run_at_once(*[lambda: services.reverse_entry(mistake, by=team["finance_lead"], reason="错")] * 3)
    assert sorted(type(o).__name__ for o in outcomes) == ["LedgerEntry", "ServiceError", "ServiceError"]
    assert LedgerEntry.objects.filter(reverses=mistake).count() == 1
