"""The ledger's pages per role: only the finance group and the shop manager see the books; the Excel download
carries numbers to the cent; the list costs the same queries at any size."""
import datetime
import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from finance import services
from finance.models import Category, ClosedMonth, LedgerEntry
from tests.finance.factories import LedgerEntryFactory, entry

pytestmark = pytest.mark.django_db

BOOKS = {"finance_lead": 200, "manager": 200, "marketing_lead": 403, "kefu_a": 403, "product_lead": 403,
         "photo_a": 403}


@pytest.fixture
def recorded(team, clock):
    return entry(team["finance_lead"], code="shipping", amount="45.60", counterparty="中通快递")


def pages(recorded):
    return [
        reverse("finance:ledger"),
        reverse("finance:ledger") + "?export=xlsx",
        reverse("finance:entry_new"),
        reverse("finance:entry_detail", args=[recorded.pk]),
        reverse("finance:months"),
    ]


def test_an_anonymous_visitor_is_sent_to_sign_in(client, recorded):
    for url in [*pages(recorded), reverse("finance:home")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next=")
    for url in (reverse("finance:entry_reverse", args=[recorded.pk]),
                reverse("finance:month_action", args=["2026-02", "close"])):
        assert client.post(url)["Location"].startswith(reverse("login"))
    assert LedgerEntry.objects.count() == 1 and not ClosedMonth.objects.filter(closed=True).exists()


@pytest.mark.parametrize(("username", "status"), BOOKS.items())
def test_only_finance_and_the_shop_manager_see_the_books(client, team, recorded, username, status):
    client.force_login(team[username])
    for url in pages(recorded):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(("username", "status"), BOOKS.items())
def test_recording_an_entry_per_role(client, team, recorded, username, status):
    client.force_login(team[username])
    response = client.post(reverse("finance:entry_new"), {
        "date": "2026-03-16", "category": Category.objects.get(code="payroll").pk, "amount": "3,000.00",
        "counterparty": "赵客服", "note": "三月工资",
    })
    assert response.status_code == (302 if status == 200 else 403)
    assert LedgerEntry.objects.filter(category__code="payroll").count() == (1 if status == 200 else 0)


def test_a_refused_entry_shows_every_message_and_writes_nothing(client, team, clock):
    services.close_month(datetime.date(2026, 2, 1), by=team["manager"])
    client.force_login(team["finance_lead"])
    response = client.post(reverse("finance:entry_new"), {
        "date": "2026-02-10", "category": Category.objects.get(code="payroll").pk, "amount": "1.234",
    })
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and "两位小数" in errors[0]  # the amount first; the closed month after it is fixed
    response = client.post(reverse("finance:entry_new"), {
        "date": "2026-02-10", "category": Category.objects.get(code="payroll").pk, "amount": "1.23",
    })
    assert "已结账" in response.context["form"].non_field_errors()[0]
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(("username", "status"), BOOKS.items())
def test_reversing_per_role(client, team, recorded, username, status):
    client.force_login(team[username])
    response = client.post(reverse("finance:entry_reverse", args=[recorded.pk]), {"reason": "录错了"})
    assert response.status_code == (302 if status == 200 else 403)
    assert LedgerEntry.objects.filter(reverses=recorded).count() == (1 if status == 200 else 0)


def test_the_entry_page_shows_the_reversal_both_ways(client, team, recorded):
    reversal = services.reverse_entry(recorded, by=team["finance_lead"], reason="运单作废")
    client.force_login(team["manager"])
    page = client.get(recorded.get_absolute_url()).content.decode()
    assert reversal.get_absolute_url() in page and "运单作废" in page
    page = client.get(reversal.get_absolute_url()).content.decode()
    assert recorded.get_absolute_url() in page


@pytest.mark.parametrize(
    ("username", "status"),
    [("finance_lead", 302), ("manager", 302), ("marketing_lead", 403), ("kefu_a", 403), ("product_lead", 403)],
)
def test_closing_a_month_per_role(client, team, clock, username, status):
    client.force_login(team[username])
    response = client.post(reverse("finance:month_action", args=["2026-02", "close"]))
    assert response.status_code == status
    closed = ClosedMonth.objects.filter(month=datetime.date(2026, 2, 1), closed=True).exists()
    assert closed == (status == 302)


def test_reopening_needs_a_reason_on_the_page(client, team, clock):
    services.close_month(datetime.date(2026, 2, 1), by=team["manager"])
    client.force_login(team["finance_lead"])
    url = reverse("finance:month_action", args=["2026-02", "reopen"])
    page = client.post(url, follow=True).content.decode()
    assert "说明重新打开的原因" in page
    assert ClosedMonth.objects.get(month=datetime.date(2026, 2, 1)).closed
    client.post(url, {"reason": "补录"})
    assert not ClosedMonth.objects.get(month=datetime.date(2026, 2, 1)).closed
    assert client.post(reverse("finance:month_action", args=["2026-13", "close"])).status_code == 404


def test_the_excel_download_has_numbers_to_the_cent_and_the_ledgers_totals(client, team, clock):
    for amount, code in (("0.10", "shipping"), ("0.20", "shipping"), ("1188.00", "tools"), ("999.99", "other-income")):
        entry(team["finance_lead"], code=code, amount=amount)
    client.force_login(team["finance_lead"])
    response = client.get(reverse("finance:ledger") + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("日期", "类别", "收/支", "金额（元）")
    amounts = [row[3] for row in rows[1:5]]
    assert all(isinstance(a, int | float) for a in amounts)  # numbers, not text
    cell = sheet.cell(row=2, column=4)
    assert cell.number_format == "0.00"
    totals = {row[0]: row[3] for row in rows[-3:]}
    ledger_in = LedgerEntry.objects.filter(direction="in").aggregate(s=Sum("amount"))["s"]
    ledger_out = LedgerEntry.objects.filter(direction="out").aggregate(s=Sum("amount"))["s"]
    # Written from Decimal as text in the file: read back exactly, to the cent.
    assert Decimal(str(totals["收入合计"])) == ledger_in == Decimal("999.99")
    assert Decimal(str(totals["支出合计"])) == ledger_out == Decimal("1188.30")


def test_the_list_filters_by_month_category_and_text(client, team, clock):
    entry(team["finance_lead"], code="shipping", amount="10.00", date=datetime.date(2026, 2, 3), counterparty="圆通")
    entry(team["finance_lead"], code="shipping", amount="20.00", date=datetime.date(2026, 3, 3), counterparty="中通")
    entry(team["finance_lead"], code="payroll", amount="30.00", date=datetime.date(2026, 3, 4))
    client.force_login(team["finance_lead"])
    shown = client.get(reverse("finance:ledger") + "?month=2026-03").context["page"].object_list
    assert sorted(e.amount for e in shown) == [Decimal("20.00"), Decimal("30.00")]
    shipping = Category.objects.get(code="shipping").pk
    shown = client.get(reverse("finance:ledger"), {"category": shipping, "q": "圆通"}).context
    assert [e.amount for e in shown["page"].object_list] == [Decimal("10.00")]
    assert shown["totals"]["money_out"] == Decimal("10.00")


def test_the_list_makes_the_same_queries_for_5_and_500_entries(client, team, clock):
    client.force_login(team["finance_lead"])
    counts = []
    for size in (5, 500):
        LedgerEntryFactory.create_batch(size - LedgerEntry.objects.count(), recorded_by=team["finance_lead"])
        with CaptureQueriesContext(__import__("django.db", fromlist=["connection"]).connection) as queries:
            assert client.get(reverse("finance:ledger")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_navigation_links_finance_for_finance_and_the_manager_only(client, team):
    link = f'href="{reverse("finance:home")}"'
    for username, shown in (("finance_lead", True), ("manager", True), ("kefu_a", False)):
        client.force_login(team[username])
        assert (link in client.get(reverse("roles:my_posts")).content.decode()) == shown, username
