"""Analysis in the browser: the data-analysis leader reads last month's shop figures and the staffing advice on a
desktop and a 390 px phone (time is real: the orders are dated relative to today)."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.services import seed_staffing
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_escalation_journey import assert_fits
from tests.factories import PASSWORD
from tests.inventory.factories import TaobaoOrderFactory, TaobaoOrderLineFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def orders(team):
    seed_staffing()
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    for n in range(60):
        day = today - datetime.timedelta(days=1 + n % 40)
        placed = datetime.datetime.combine(day, datetime.time(9 + n % 12), tzinfo=zone)
        order = TaobaoOrderFactory(placed_at=placed, paid_amount=Decimal(f"{39 + n % 5 * 10}.00"))
        TaobaoOrderLineFactory(order=order, quantity=1 + n % 3)


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_data_analysis_leader_reads_the_figures_and_the_staffing_advice(open_page, live_server, orders,
                                                                            viewport, name):
    page = open_page(viewport)
    sign_in(page, live_server, "marketing_lead", PASSWORD)
    page.goto(live_server.url + reverse("analysis:figures"))
    assert page.locator("[data-figure=average_order_value]").is_visible()
    assert page.locator("[data-figure=paid_orders] td").nth(1).inner_text() != "0"
    assert_fits(page)
    screenshot(page, f"analysis-figures-{name}")
    page.goto(live_server.url + reverse("analysis:staffing"))
    assert page.locator("[data-role=customer_service]").is_visible()
    assert page.locator("[data-trend]").is_visible()
    assert_fits(page)
    screenshot(page, f"analysis-staffing-{name}")


def test_the_shop_manager_sees_the_staffing_panel_on_a_phone(open_page, live_server, orders):
    page = open_page(PHONE)
    sign_in(page, live_server, "manager", PASSWORD)
    page.goto(live_server.url + reverse("dashboard"))
    assert page.locator("[data-panel=staffing] [data-role=packing]").is_visible()
    assert_fits(page)
    screenshot(page, "analysis-dashboard-panel-phone")
