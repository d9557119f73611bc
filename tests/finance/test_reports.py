"""The management reports reconcile with the ledger to the cent (checked against SQL written here, not the
report's own queries), compare with the previous period and the target, read the gross margin from the
inventory ledger, and the monthly one is built and sent once on the 1st."""
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from finance import reports, services
from finance.models import Category, ManagementReport, PromotionRequest
from inventory import services as inventory_services
from inventory.models import StockMove
from shopteam.notifications.models import Notification
from tests.finance.conftest import SHANGHAI, at
from tests.finance.factories import entry
from tests.inventory.factories import stocked

pytestmark = pytest.mark.django_db

MARCH = reports.Period.month(datetime.date(2026, 3, 1))


def sql_total(start, end, where=""):
    """The signed total of the ledger between two dates, in plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(CASE WHEN e.direction = 'in' THEN e.amount ELSE -e.amount END), 0) "
            "FROM finance_ledgerentry e JOIN finance_category c ON c.id = e.category_id "
            f"WHERE e.date >= %s AND e.date < %s {where}", [start, end])
        return Decimal(cursor.fetchone()[0]).quantize(Decimal("0.01"))


def sql_by_category(start, end):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.code, SUM(CASE WHEN e.direction = 'in' THEN e.amount ELSE -e.amount END) "
            "FROM finance_ledgerentry e JOIN finance_category c ON c.id = e.category_id "
            "WHERE e.date >= %s AND e.date < %s GROUP BY c.code", [start, end])
        return {code: Decimal(total).quantize(Decimal("0.01")) for code, total in cursor.fetchall()}


@pytest.fixture
def books(team, clock):
    """A believable quarter: sales, refunds, payroll, shipping, tools, promotion and a reversed mistake."""
    lead = team["finance_lead"]
    rows = [
        ("2026-01-15", "taobao-sales", "18000.00"), ("2026-02-10", "taobao-sales", "21000.33"),
        ("2026-02-11", "taobao-refunds", "400.10"), ("2026-02-28", "payroll", "9000.00"),
        ("2026-03-01", "taobao-sales", "1234.56"), ("2026-03-02", "taobao-sales", "2000.01"),
        ("2026-03-18", "taobao-sales", "3000.00"), ("2026-03-19", "taobao-sales", "4000.00"),
        ("2026-03-25", "taobao-sales", "5000.00"), ("2026-03-19", "taobao-refunds", "120.35"),
        ("2026-03-05", "shipping", "88.80"), ("2026-03-06", "payroll", "9000.00"), ("2026-03-07", "tools", "1188.00"),
        ("2026-03-08", "non-operating-income", "12.34"), ("2026-03-09", "other-expense", "0.01"),
    ]
    for day, code, amount in rows:
        entry(lead, code=code, amount=amount, date=datetime.date.fromisoformat(day))
    mistake = entry(lead, code="shipping", amount="999.99", date=datetime.date(2026, 3, 10))
    services.reverse_entry(mistake, by=lead, reason="重复")
    return rows


def test_the_monthly_report_equals_the_ledger_to_the_cent(books):
    report = reports.management_report(MARCH)
    totals = report["totals"]
    assert totals["income"] - totals["expense"] == sql_total(MARCH.start, MARCH.end)
    assert totals["net"] == sql_total(MARCH.start, MARCH.end) == Decimal("4849.75")
    by_code = sql_by_category(MARCH.start, MARCH.end)
    shown = {line["category"].code: line["amount"] for line in report["income"] + report["expense"]}
    for code, total in by_code.items():
        kind = Category.objects.get(code=code).kind
        assert shown[code] == (total if kind == "income" else -total), code
    assert totals["sales"] == Decimal("15234.57") and totals["refunds"] == Decimal("120.35")
    assert totals["net_sales"] == sql_total(MARCH.start, MARCH.end, "AND c.\"group\" IN ('sales', 'refunds')")
    assert shown["shipping"] == Decimal("88.80")  # the reversed mistake nets out


@pytest.mark.parametrize("code", ["2026-Q1", "2026"])
def test_the_quarterly_and_yearly_reports_equal_the_ledger_too(books, code):
    period = reports.Period.parse(code)
    report = reports.management_report(period)
    assert report["totals"]["net"] == sql_total(period.start, period.end)
    assert sum((sales for _m, sales, _t in report["monthly"]), Decimal("0")) == report["totals"]["net_sales"]


def test_the_report_compares_with_the_previous_period_and_the_target(team, books):
    services.set_monthly_target(by=team["manager"], month=datetime.date(2026, 3, 1), amount="25000")
    report = reports.management_report(MARCH)
    february = sql_total(datetime.date(2026, 2, 1), MARCH.start, "AND c.\"group\" IN ('sales', 'refunds')")
    assert report["previous"]["net_sales"]["before"] == february == Decimal("20600.23")
    assert report["previous"]["net_sales"]["difference"] == Decimal("15114.22") - february
    assert report["target"]["amount"] == Decimal("25000.00")
    assert report["target"]["reached"] == Decimal("0.6046")  # 15,114.22 of 25,000
    quarter = reports.management_report(reports.Period.parse("2026-Q1"))
    assert quarter["target"]["months_set"] == 1 and quarter["target"]["months"] == 3


def test_promotion_is_set_against_the_sales_of_its_campaign_days(team, books):
    request = services.request_promotion(
        by=team["marketing_lead"], channel=Category.objects.get(code="promotion-ztc"), amount="700.00",
        purpose="直通车", start=datetime.date(2026, 3, 18), end=datetime.date(2026, 3, 19))
    services.decide_promotion(request, by=team["finance_lead"], approve=True)
    services.pay_promotion(request, by=team["finance_lead"], date=datetime.date(2026, 3, 17))
    report = reports.management_report(MARCH)
    [row] = report["promotion"]
    assert (row["spend"], row["days"]) == (Decimal("700.00"), 2)
    assert row["campaign_sales"] == Decimal("6879.65")  # 3000 + 4000 − 120.35 refunded on the 19th
    assert row["roi"] == Decimal("9.8281")
    assert report["totals"]["promotion"] == Decimal("700.00") == -sql_total(
        MARCH.start, MARCH.end, "AND c.\"group\" = 'promotion'")
    assert PromotionRequest.objects.get().status == "paid"


def test_gross_margin_by_product_comes_from_the_inventory_ledgers_sales(team, clock):
    clerk = team["product_lead"]
    tea = stocked(100, sku="SCT-TEA", name="菊花茶", cost=Decimal("10.00"), price=Decimal("30.00"))
    rose = stocked(100, sku="SCT-ROSE", name="玫瑰花茶", cost=Decimal("7.25"), price=Decimal("20.00"))
    for product, quantity, day in ((tea, 3, 2), (rose, 4, 5), (tea, 1, 20)):
        inventory_services.record_move(product, kind=StockMove.Kind.SALE, quantity=-quantity, by=clerk,
                                       moved_at=datetime.datetime(2026, 3, day, 12, tzinfo=SHANGHAI))
    inventory_services.record_move(tea, kind=StockMove.Kind.RETURN, quantity=1, by=clerk,
                                   moved_at=datetime.datetime(2026, 3, 21, 12, tzinfo=SHANGHAI))
    report = reports.management_report(MARCH)
    rows = {row["sku"]: row for row in report["margin"]}
    assert (rows["SCT-TEA"]["net"], rows["SCT-TEA"]["price_amount"], rows["SCT-TEA"]["cost_amount"]) == (
        3, Decimal("90.00"), Decimal("30.00"))
    assert rows["SCT-TEA"]["margin"] == Decimal("60.00") and rows["SCT-TEA"]["margin_rate"] == Decimal("0.6667")
    assert rows["SCT-ROSE"]["margin"] == Decimal("51.00")  # 80.00 − 4 × 7.25
    assert report["margin_totals"]["margin"] == Decimal("111.00")
    assert [row["sku"] for row in report["margin"]] == ["SCT-TEA", "SCT-ROSE"]  # highest margin first


def test_the_excel_file_has_chinese_headers_and_numbers_to_the_cent(team, books):
    with translation.override("zh-hans"):
        client_book = load_workbook(io.BytesIO(_xlsx(reports.management_report(MARCH))))
    assert client_book.sheetnames == ["概览", "按类别", "推广", "毛利", "按月"]
    summary = list(client_book["概览"].iter_rows(values_only=True))
    assert summary[1][0] == "收入" and Decimal(str(summary[1][1])) == Decimal("15246.91")
    assert client_book["概览"].cell(row=2, column=2).number_format == "0.00"
    categories = list(client_book["按类别"].iter_rows(values_only=True))
    total_in = next(row[2] for row in categories if row[0] == "收入合计")
    assert Decimal(str(total_in)) == Decimal("15246.91")


def _xlsx(report):
    from shopteam import excel

    return excel.to_bytes(reports.excel(report))


def test_the_command_writes_the_same_workbook(books, tmp_path):
    target = tmp_path / "q1.xlsx"
    out = io.StringIO()
    call_command("management_report", "--quarter", "2026-Q1", str(target), stdout=out)
    assert "2026-Q1" in out.getvalue()
    assert load_workbook(target).sheetnames[0] == "概览"
    with pytest.raises(Exception, match="Not a month"):
        call_command("management_report", "--month", "2026-Q1", str(target))


def test_the_monthly_report_is_built_on_the_1st_and_sent_once(team, books, django_capture_on_commit_callbacks,
                                                              monkeypatch):
    from finance import tasks

    queued = []
    monkeypatch.setattr(tasks.mail_management_report, "delay_on_commit", lambda pk: queued.append(pk))
    with time_machine.travel(at("2026-04-01 07:00"), tick=False):
        row = services.send_monthly_report()
        assert services.send_monthly_report() is None
    assert ManagementReport.objects.get() == row and row.start == datetime.date(2026, 3, 1)
    assert row.summary["net_sales"] == "15114.22"
    for username in ("manager", "finance_lead"):
        [note] = Notification.objects.filter(recipient=team[username], event="report.monthly")
        assert "2026-03" in note.title and note.url == reverse("finance:reports") + "?period=2026-03"
    assert not Notification.objects.filter(recipient=team["marketing_lead"], event="report.monthly").exists()

    assert queued == [row.pk]
    assert services.mail_management_report(row.pk) is True
    assert services.mail_management_report(row.pk) is False
    [message] = mail.outbox
    assert sorted(message.to) == sorted([team["manager"].email, team["finance_lead"].email])
    [(name, content, mimetype)] = message.attachments
    assert name.endswith("2026-03.xlsx") and mimetype.startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "概览"


def test_a_failed_mail_is_released_for_the_retry(team, books, monkeypatch):
    row = ManagementReport.objects.create(kind="month", start=datetime.date(2026, 3, 1))

    def refuse(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(OSError):
        services.mail_management_report(row.pk)
    row.refresh_from_db()
    assert row.mailed_at is None and row.mail_claimed_at is None and "smtp down" in row.mail_error
    monkeypatch.undo()
    assert services.mail_management_report(row.pk) is True


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_the_monthly_job_run_at_once_sends_one_report(team, clock, monkeypatch):
    from finance import tasks
    from tests.escalation.test_deadlines import run_at_once

    monkeypatch.setattr(tasks.mail_management_report, "delay_on_commit", lambda pk: None)
    entry(team["finance_lead"], code="taobao-sales", amount="10.00", date=datetime.date(2026, 3, 3))
    with time_machine.travel(at("2026-04-01 07:00"), tick=False):
        outcomes = run_at_once(*[services.send_monthly_report] * 4)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert len([o for o in outcomes if o is not None]) == 1
    assert ManagementReport.objects.count() == 1
    assert Notification.objects.filter(recipient=team["manager"], event="report.monthly").count() == 1


# --- the page ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("username", "status"), [("manager", 200), ("finance_lead", 200), ("marketing_lead", 403),
                                                  ("product_lead", 403), ("kefu_a", 403)])
def test_only_finance_and_the_shop_manager_read_the_reports(client, team, books, username, status):
    client.force_login(team[username])
    for query in ("?period=2026-03", "?period=2026-Q1", "?period=2026", "?period=2026-03&export=xlsx", ""):
        assert client.get(reverse("finance:reports") + query).status_code == status, query


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(reverse("finance:reports"))["Location"].startswith(reverse("login") + "?next=")


def test_the_page_shows_the_figures_and_the_charts(client, team, books):
    services.set_monthly_target(by=team["manager"], month=datetime.date(2026, 3, 1), amount="25000")
    client.force_login(team["manager"])
    page = client.get(reverse("finance:reports") + "?period=2026-03").content.decode()
    assert "15,114.22" in page and "60.5%" in page
    assert page.count("<svg") >= 2 and "目标" in page


def test_the_page_makes_the_same_queries_whatever_the_ledger_holds(client, team, clock):
    client.force_login(team["manager"])
    counts = []
    for size in (3, 40):
        while Category.objects.get(code="taobao-sales").entries.count() < size:
            entry(team["finance_lead"], code="taobao-sales", amount="1.00", date=datetime.date(2026, 3, 2))
            stocked(5, sku=f"SKU-{size}-{Category.objects.get(code='taobao-sales').entries.count()}")
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("finance:reports") + "?period=2026-03")
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_charts_load_nothing_from_another_host(client, team, books):
    client.force_login(team["manager"])
    page = client.get(reverse("finance:reports") + "?period=2026-03").content.decode()
    assert page.count("pygal-chart") >= 2 and "github.io" not in page and "xlink:href=\"http" not in page


def test_a_period_without_sales_or_expense_says_so_instead_of_empty_charts(client, team, books):
    client.force_login(team["manager"])
    page = client.get(reverse("finance:reports") + "?period=2025-03").content.decode()
    assert "pygal-chart" not in page
    assert "本期没有销售，也没有销售目标" in page and "本期没有支出" in page
