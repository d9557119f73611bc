"""The supplier's 11th–15th cycle across months, with time-machine: built on the 11th from the stock ledger,
tasks for the product and finance leaders, reminders each working day, sent and settled on time; a month left
unsent past the 15th raises a case to the shop manager; a month whose window falls in Spring Festival is built
early and warned about from the 1st."""
import datetime
import io
from decimal import Decimal

import chinese_calendar
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from escalation.models import Case
from finance import services
from finance.models import CycleStep, LedgerEntry, SupplierCycle
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.models import StockMove
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from shopteam.workcalendar.services import seed_from_chinesecalendar
from tasks.models import Task
from tasks.selectors import tasks_about
from tests.finance.conftest import SHANGHAI, at
from tests.inventory.factories import stocked
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db

FEBRUARY = datetime.date(2026, 2, 1)


@pytest.fixture
def holidays(working_hours):
    seed_from_chinesecalendar()


@pytest.fixture
def goods(team, holidays):
    """Two 食草堂 products sold in February 2026 (and a sale in March that belongs to the next report)."""
    with time_machine.travel(at("2026-02-01 09:00"), tick=False):
        tea = stocked(200, sku="SCT-001", name="菊花茶", cost=Decimal("10.00"), price=Decimal("30.00"))
        rose = stocked(200, sku="SCT-002", name="玫瑰花茶", cost=Decimal("7.25"), price=Decimal("20.00"))
    sell(team, tea, 5, "2026-02-03 10:00")
    sell(team, rose, 8, "2026-02-20 15:00", amount=Decimal("150.00"))
    sell(team, tea, 2, "2026-03-02 10:00")
    return tea, rose


def sell(team, product, quantity, when, amount=None):
    return inventory_services.record_move(product, kind=StockMove.Kind.SALE, quantity=-quantity,
                                          by=team["product_lead"], moved_at=at(when), amount=amount)


def on(text):
    return time_machine.travel(at(text), tick=False)


def reminded(user):
    return Notification.objects.filter(recipient=user, event="cycle.reminder").count()


def test_the_whole_cycle_across_a_month_and_a_second_month_left_late(team, goods):
    with on("2026-03-10 09:00"):
        assert services.build_due_cycles() == []  # not the 11th yet
    with on("2026-03-11 09:00"):  # a Wednesday
        [cycle] = services.build_due_cycles()
        assert services.build_due_cycles() == []  # run twice: one report
    supplier = inventory_services.default_supplier()
    expected = inventory_selectors.supplier_sales(supplier, start=FEBRUARY, end=datetime.date(2026, 3, 1))
    assert [(r["sku"], r["net"]) for r in cycle.rows] == [(r["sku"], r["net"]) for r in expected] == [
        ("SCT-001", 5), ("SCT-002", 8)]
    assert cycle.cost_total == Decimal("108.00") and cycle.price_total == Decimal("300.00")  # 50+58, 150+150
    send, settle = CycleStep.objects.filter(cycle=cycle).order_by("kind")
    [send_task] = tasks_about(send)
    [settle_task] = tasks_about(settle)
    assert send_task.post.title == "产品组组长" and settle_task.post.title == "财务组组长"
    assert Task.objects.filter(source="supplier_cycle").count() == 2

    with on("2026-03-11 09:30"):
        assert services.remind_open_steps() == []  # the tasks told them today
    with on("2026-03-12 09:30"):
        assert len(services.remind_open_steps()) == 2
        assert services.remind_open_steps() == []  # once a day
    assert reminded(team["product_lead"]) == 1 and reminded(team["finance_lead"]) == 1

    with on("2026-03-13 11:00"):
        services.mark_sent(cycle, by=team["product_lead"], on=datetime.date(2026, 3, 13), how="微信发给食草堂财务")
        assert [s.kind for s in services.remind_open_steps()] == ["settle"]
    send_task.refresh_from_db()
    assert send_task.status == Task.Status.DONE
    with on("2026-03-14 10:00"):  # a Saturday: no reminder
        assert services.remind_open_steps() == []
        services.record_settlement(cycle, by=team["finance_lead"], amount="108.00", date=datetime.date(2026, 3, 14))
        services.record_invoice(cycle, by=team["finance_lead"], number="No.00012345", date=datetime.date(2026, 3, 14),
                                amount="300.00")
    cycle.refresh_from_db()
    settle_task.refresh_from_db()
    assert cycle.is_closed and settle_task.status == Task.Status.DONE
    entry = cycle.settlement_entry
    assert (entry.category.code, entry.direction, entry.amount, entry.counterparty) == (
        "supplier-settlement", "out", Decimal("108.00"), "食草堂")
    with on("2026-03-16 00:10"):
        assert services.raise_late_cases() == []

    # April: the March report is built on the 11th and nobody sends or settles it.
    with on("2026-04-11 09:00"):
        [march] = services.build_due_cycles()
    assert march.month == datetime.date(2026, 3, 1) and march.net == 2
    with on("2026-04-15 23:00"):
        assert services.raise_late_cases() == []  # the 15th has not ended
    with on("2026-04-16 00:10"):
        [case] = services.raise_late_cases()
        assert services.raise_late_cases() == []
    assert case.source == "finance.supplier_cycle" and case.reporter is None and case.subject == march
    assert case.current_post.title == "店长"
    # Written in the shop's language, whoever ran the job.
    assert "没有发给供应商" in case.description and "没有结算" in case.description
    assert Case.objects.count() == 1


def test_a_window_in_spring_festival_is_built_early_and_warned_about_from_the_1st(team, holidays):
    january = datetime.date(2024, 1, 1)
    window = [datetime.date(2024, 2, d) for d in range(11, 16)]
    assert not any(chinese_calendar.is_workday(day) for day in window)  # the oracle: all of it is holiday
    warning = services.holiday_warning(january)
    assert warning["working_days"] == []
    # Three working days before the 15th ends, counted back with chinesecalendar itself.
    day, found = datetime.date(2024, 2, 15), []
    while len(found) < 3:
        found.append(day) if chinese_calendar.is_workday(day) else None
        day -= datetime.timedelta(days=1)
    assert warning["build_day"] == min(found) == datetime.date(2024, 2, 7)
    with time_machine.travel(at("2024-01-20 09:00"), tick=False):
        stocked(10, sku="SCT-CNY", cost=Decimal("5.00"))
    with on("2024-02-06 09:00"):
        assert services.build_due_cycles() == []
    with on("2024-02-07 09:00"):
        [cycle] = services.build_due_cycles()
    assert cycle.month == january
    assert services.holiday_warning(datetime.date(2026, 2, 1)) is None  # an ordinary window


def test_the_warning_shows_on_the_cycle_page_and_the_dashboard_from_the_1st(client, team, holidays):
    from roles.models import Assignment

    Assignment.objects.update(start=datetime.date(2020, 1, 1))  # the team held its posts in 2024 too
    with time_machine.travel(at("2024-01-20 09:00"), tick=False):
        stocked(10, sku="SCT-CNY", cost=Decimal("5.00"))
    with on("2024-02-01 10:00"):
        client.force_login(team["manager"])
        for url in (reverse("finance:cycle_list"), reverse("dashboard")):
            page = client.get(url).content.decode()
            assert "data-holiday-warning" in page and "2024-02-07" in page, url
    with on("2024-02-16 10:00"):
        assert "data-holiday-warning" not in client.get(reverse("dashboard")).content.decode()


def test_a_settlement_other_than_the_cost_total_needs_a_reason(team, goods):
    with on("2026-03-11 09:00"):
        [cycle] = services.build_due_cycles()
        with pytest.raises(ServiceError, match="differs from the report's cost total of 108.00"):
            services.record_settlement(cycle, by=team["finance_lead"], amount="100.00",
                                       date=datetime.date(2026, 3, 11))
        with pytest.raises(ServiceError, match="Only finance"):
            services.record_settlement(cycle, by=team["product_lead"], amount="108.00",
                                       date=datetime.date(2026, 3, 11))
        services.record_settlement(cycle, by=team["finance_lead"], amount="100.00", date=datetime.date(2026, 3, 11),
                                   reason="两盒破损，供应商同意扣8元")
        with pytest.raises(ServiceError, match="already settled"):
            services.record_settlement(cycle, by=team["finance_lead"], amount="108.00",
                                       date=datetime.date(2026, 3, 11))
        cycle.refresh_from_db()
        services.reverse_entry(cycle.settlement_entry, by=team["finance_lead"], reason="金额录错")
        services.record_settlement(cycle, by=team["finance_lead"], amount="108.00", date=datetime.date(2026, 3, 12))
    live = LedgerEntry.objects.filter(category__code="supplier-settlement", is_reversed=False, reverses=None)
    assert [e.amount for e in live] == [Decimal("108.00")]


def test_a_rebuilt_report_shows_what_changed_since_it_was_sent(team, goods):
    tea, rose = goods
    with on("2026-03-11 09:00"):
        [cycle] = services.build_due_cycles()
    with on("2026-03-12 10:00"):
        services.mark_sent(cycle, by=team["product_lead"], on=datetime.date(2026, 3, 12), how="邮件")
        sell(team, rose, 1, "2026-02-27 10:00")  # a late import of a February order
        with pytest.raises(ServiceError, match="product leader, finance"):
            services.build_cycle(cycle.supplier, cycle.month, by=team["marketing_lead"])
        cycle = services.build_cycle(cycle.supplier, cycle.month, by=team["product_lead"])
    [change] = services.cycle_changes(cycle)
    assert change["sku"] == "SCT-002" and (change["before"]["net"], change["now"]["net"]) == (8, 9)
    assert cycle.sent_cost_total == Decimal("108.00") and cycle.cost_total == Decimal("115.25")
    assert Task.objects.filter(source="supplier_cycle").count() == 2  # a rebuild files no new tasks


def test_a_report_cannot_be_built_before_its_month_ends_and_is_sent_with_a_date_and_how(team, goods):
    with on("2026-02-20 10:00"), pytest.raises(ServiceError, match="has not ended"):
        services.build_cycle(inventory_services.default_supplier(), FEBRUARY, by=team["finance_lead"])
    with on("2026-03-02 10:00"):  # the 1st has passed: it may be built early by hand
        cycle = services.build_cycle(inventory_services.default_supplier(), FEBRUARY, by=team["finance_lead"])
        with pytest.raises(ServiceError) as refused:
            services.mark_sent(cycle, by=team["product_lead"], on=datetime.date(2026, 3, 9), how="")
        assert len(refused.value.messages) == 2


def test_the_supplier_report_command_writes_chinese_headers_and_exact_totals(team, goods, tmp_path):
    target = tmp_path / "feb.xlsx"
    with on("2026-03-11 09:00"):
        call_command("supplier_report", "--month", "2026-02", "--supplier", "食草堂", str(target), stdout=io.StringIO())
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("商家编码", "商品", "售出", "退回", "净数量", "成本金额", "售价金额")
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][5])) == Decimal("108.00")
    assert sheet.cell(row=2, column=6).number_format == "0.00"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_the_cycle_jobs_run_at_once_make_one_report_one_set_of_tasks_one_case(team, goods):
    from tests.escalation.test_deadlines import run_at_once

    with on("2026-03-11 09:00"):
        outcomes = run_at_once(*[services.build_due_cycles] * 4)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert SupplierCycle.objects.count() == 1 and Task.objects.filter(source="supplier_cycle").count() == 2
    with on("2026-03-16 00:10"):
        outcomes = run_at_once(*[services.raise_late_cases] * 4)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert Case.objects.filter(source="finance.supplier_cycle").count() == 1
    with on("2026-03-12 09:30"):
        run_at_once(*[services.remind_open_steps] * 3)
    assert reminded(team["finance_lead"]) == 1


def test_each_reminder_is_bound_to_its_own_supplier(team, goods):
    from tests.inventory.factories import SupplierFactory

    with time_machine.travel(at("2026-02-01 09:00"), tick=False):
        stocked(5, sku="OTHER-1", supplier=SupplierFactory(name="山野茶坊"))
    with on("2026-03-11 09:00"):
        cycles = services.build_due_cycles()
    with on("2026-03-12 09:30"):
        services.remind_open_steps()
    urls = set(Notification.objects.filter(recipient=team["product_lead"], event="cycle.reminder")
               .values_list("url", flat=True))
    assert urls == {cycle.get_absolute_url() for cycle in cycles} and len(urls) == 2


def test_an_import_after_commit_writes_one_entry_per_day_and_a_reimport_changes_nothing(team, clock, monkeypatch):
    from inventory.signals import orders_imported

    days = {
        datetime.date(2026, 3, 2): {"date": datetime.date(2026, 3, 2), "sales": Decimal("1280.50"),
                                    "refunds": Decimal("39.00"), "orders": 12},
        datetime.date(2026, 3, 3): {"date": datetime.date(2026, 3, 3), "sales": Decimal("640.00"),
                                    "refunds": Decimal("0.00"), "orders": 5},
    }
    monkeypatch.setattr(inventory_selectors, "taobao_daily_money",
                        lambda *, start, end: [row for day, row in sorted(days.items()) if start <= day < end])
    orders_imported.send(sender=None, import_id=1, dates=sorted(days))
    entries = LedgerEntry.objects.filter(source="taobao").order_by("date", "category__code")
    assert [(e.date.day, e.category.code, e.amount) for e in entries] == [
        (2, "taobao-refunds", Decimal("39.00")), (2, "taobao-sales", Decimal("1280.50")),
        (3, "taobao-sales", Decimal("640.00"))]
    orders_imported.send(sender=None, import_id=2, dates=sorted(days))  # the same file again
    assert LedgerEntry.objects.count() == 3

    days[datetime.date(2026, 3, 3)]["sales"] = Decimal("700.00")  # a later export: one more order that day
    orders_imported.send(sender=None, import_id=3, dates=[datetime.date(2026, 3, 3)])
    live = LedgerEntry.objects.filter(key="taobao:sales:2026-03-03", is_reversed=False).get()
    assert live.amount == Decimal("700.00")
    assert LedgerEntry.objects.filter(reverses__key="taobao:sales:2026-03-03").count() == 1
    march = LedgerEntry.objects.filter(date__month=3, category__code="taobao-sales")
    assert sum(e.signed_amount for e in march) == Decimal("1980.50")


def test_a_reimport_into_a_closed_month_corrects_it_in_the_open_month(team, clock, monkeypatch):
    from inventory.signals import orders_imported

    money = {"sales": Decimal("100.00")}
    monkeypatch.setattr(inventory_selectors, "taobao_daily_money", lambda *, start, end: [
        {"date": datetime.date(2026, 2, 27), "sales": money["sales"], "refunds": Decimal("0"), "orders": 1}])
    orders_imported.send(sender=None, import_id=1, dates=[datetime.date(2026, 2, 27)])
    services.close_month(FEBRUARY, by=team["finance_lead"])
    money["sales"] = Decimal("90.00")
    orders_imported.send(sender=None, import_id=2, dates=[datetime.date(2026, 2, 27)])
    february = LedgerEntry.objects.filter(date__lt=datetime.date(2026, 3, 1))
    assert [e.amount for e in february] == [Decimal("100.00")]  # the closed month did not move
    march = LedgerEntry.objects.filter(date=datetime.date(2026, 3, 16)).order_by("pk")
    assert [(e.signed_amount, e.key) for e in march] == [
        (Decimal("-100.00"), ""), (Decimal("90.00"), "taobao:sales:2026-02-27")]


def test_cycle_tasks_go_to_the_posts_and_link_back(team, goods):
    with on("2026-03-11 09:00"):
        [cycle] = services.build_due_cycles()
    task = Task.objects.get(key=f"cycle-{cycle.pk}-send")
    assert task.subject.get_absolute_url() == cycle.get_absolute_url()
    assert task.due.astimezone(SHANGHAI).date() == datetime.date(2026, 3, 13)  # the 15th is a Sunday


def _built(team):
    with on("2026-03-11 09:00"):
        [cycle] = services.build_due_cycles()
    return cycle


def test_a_second_send_or_invoice_is_refused_and_changes_nothing(team, goods):
    cycle = _built(team)
    with on("2026-03-12 10:00"):
        services.mark_sent(cycle, by=team["product_lead"], on=datetime.date(2026, 3, 12), how="邮件")
        with pytest.raises(ServiceError, match="already sent"):
            services.mark_sent(cycle, by=team["product_lead"], on=datetime.date(2026, 3, 12), how="微信")
        services.record_invoice(cycle, by=team["finance_lead"], number="A1", date=datetime.date(2026, 3, 12),
                                amount="100")
        with pytest.raises(ServiceError, match="already invoiced"):
            services.record_invoice(cycle, by=team["finance_lead"], number="B2", date=datetime.date(2026, 3, 12),
                                    amount="100")
    cycle.refresh_from_db()
    assert (cycle.sent_how, cycle.invoice_number) == ("邮件", "A1")


def test_the_cycle_page_offers_no_second_send_or_invoice(client, team, goods):
    cycle = _built(team)
    client.force_login(team["finance_lead"])
    page = client.get(cycle.get_absolute_url()).content.decode()
    assert reverse("finance:cycle_action", args=[cycle.pk, "invoice"]) in page
    assert reverse("finance:cycle_action", args=[cycle.pk, "send"]) in page
    with on("2026-03-12 10:00"):
        services.mark_sent(cycle, by=team["product_lead"], on=datetime.date(2026, 3, 12), how="邮件")
        services.record_invoice(cycle, by=team["finance_lead"], number="A1", date=datetime.date(2026, 3, 12),
                                amount="100")
    page = client.get(cycle.get_absolute_url()).content.decode()
    assert reverse("finance:cycle_action", args=[cycle.pk, "invoice"]) not in page
    assert reverse("finance:cycle_action", args=[cycle.pk, "send"]) not in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_invoices_at_once_one_wins_the_other_is_refused(team, goods):
    cycle = _built(team)

    def invoice(number):
        def job():
            try:
                services.record_invoice(SupplierCycle.objects.get(pk=cycle.pk), by=team["finance_lead"],
                                        number=number, date=datetime.date(2026, 3, 12), amount="100")
                return number
            except ServiceError:
                return None
        return job

    results = run_at_once(invoice("A1"), invoice("B2"))
    assert not [r for r in results if isinstance(r, Exception)], results
    winners = [r for r in results if r]
    assert len(winners) == 1 and results.count(None) == 1
    assert SupplierCycle.objects.get(pk=cycle.pk).invoice_number == winners[0]
