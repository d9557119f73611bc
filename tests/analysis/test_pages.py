"""The figures and staffing pages: who may read them, the Excel file, flat queries, the dashboard panel."""
import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.inventory.factories import TaobaoOrderFactory, TaobaoOrderLineFactory

from .conftest import at

pytestmark = pytest.mark.django_db
PAGES = ["analysis:figures", "analysis:staffing"]


@pytest.mark.parametrize("name", PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(("username", "status"), [
    ("manager", 200), ("marketing_lead", 200), ("finance_lead", 200),  # 郑营销 is the data-analysis leader
    ("kefu_lead", 403), ("kefu_a", 403), ("product_lead", 403), ("visual_lead", 403), ("photo_a", 403),
])
def test_the_data_analysis_leader_the_manager_and_finance_read_the_pages(client, staffing, name, username, status):
    client.force_login(staffing[username])
    assert client.get(reverse(name)).status_code == status


def test_the_page_shows_the_months_figures_and_its_excel(client, staffing):
    TaobaoOrderFactory(paid_amount=Decimal("123.40"), placed_at=at("2026-03-02 10:00"))
    client.force_login(staffing["manager"])

    page = client.get(reverse("analysis:figures"), {"period": "2026-03"}).content.decode()
    assert "123.40" in page and 'data-figure="average_order_value"' in page
    excel = client.get(reverse("analysis:figures"), {"period": "2026-03", "export": "xlsx"})
    assert excel.status_code == 200 and excel["Content-Type"].startswith("application/vnd.openxml")
    rows = list(load_workbook(BytesIO(b"".join(excel.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][1:3] == ("2026-03", "2026-02")
    by_name = {row[0]: row for row in rows[1:]}  # the page asked in the shop's language
    assert by_name["销售额（按导出）"][1] == 123.4 and by_name["客单价"][1] == 123.4
    assert by_name["付款订单数"][1:4] == (1, 0, 1)


@pytest.mark.parametrize("period", ["2026-W10", "2026-03", "2026-Q1", "2026"])
def test_every_kind_of_period_renders(client, staffing, period):
    client.force_login(staffing["finance_lead"])
    assert client.get(reverse("analysis:figures"), {"period": period}).status_code == 200


def _orders(count):
    """`count` orders in March 2026 (the figures page) and `count` in the last 30 days (the staffing page)."""
    for n in range(count):
        for placed in (at(f"2026-03-{1 + n % 28:02d} 10:00"), timezone.now() - datetime.timedelta(days=1 + n % 29)):
            TaobaoOrderLineFactory(order=TaobaoOrderFactory(placed_at=placed))


@pytest.mark.parametrize("name", PAGES)
def test_queries_are_the_same_at_two_sizes(client, staffing, django_assert_max_num_queries, name):
    client.force_login(staffing["manager"])
    url = reverse(name) + ("?period=2026-03" if name == "analysis:figures" else "")
    _orders(2)
    client.get(url)
    with django_assert_max_num_queries(55) as small:  # most are every app's navigation badges
        client.get(url)
    _orders(40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_dashboard_shows_the_staffing_panel(client, staffing):
    client.force_login(staffing["manager"])
    assert 'data-panel="staffing"' in client.get(reverse("dashboard")).content.decode()
