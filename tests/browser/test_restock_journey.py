"""A restock delivery received in the browser: the product leader opens the sent request on a phone, enters
what came (less than asked of one product, none of the other) and receives it; the stock goes up by what came
and the recovered product's alert closes. Screenshots at phone and desktop width."""
import datetime

import pytest

from inventory import alerts, selectors
from inventory.models import LowStockAlert, Product, RestockRequest
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_escalation_journey import assert_fits, go
from tests.factories import PASSWORD
from tests.inventory.factories import stocked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=selectors.SHANGHAI)


def test_a_sent_restock_is_received_on_a_phone(open_page, live_server, team):
    clerk = team["product_lead"]
    tea = stocked(1, sku="SCT-JH50", name="食草堂 杭白菊 50g", reorder_point=5, reorder_quantity=20, by=clerk)
    rose = stocked(2, sku="SCT-MG30", name="食草堂 平阴玫瑰花茶 30g", reorder_point=5, reorder_quantity=20, by=clerk)
    alerts.scan_low_stock(now=NOW)
    request = RestockRequest.objects.get()
    alerts.change_restock(request, action="send", by=clerk)

    page = open_page(PHONE)
    sign_in(page, live_server, "product_lead", PASSWORD)
    page.goto(live_server.url + request.get_absolute_url())
    assert page.input_value(f"input[name=received-{tea.pk}]") == "20"
    assert_fits(page)
    screenshot(page, "restock-receive-phone")
    page.fill(f"input[name=received-{tea.pk}]", "15")
    page.fill(f"input[name=received-{rose.pk}]", "0")
    go(page, "button[form=receive-form]")
    assert page.get_attribute("[data-status]", "data-status") == "received"
    assert page.inner_text("tr[data-sku='SCT-JH50'] [data-received]") == "15"
    assert_fits(page)
    screenshot(page, "restock-received-phone")

    assert Product.objects.get(pk=tea.pk).on_hand == 16 and Product.objects.get(pk=rose.pk).on_hand == 2
    assert list(LowStockAlert.objects.filter(closed_at=None).values_list("product__sku", flat=True)) == ["SCT-MG30"]
    desktop = open_page(DESKTOP)
    sign_in(desktop, live_server, "product_lead", PASSWORD)
    desktop.goto(live_server.url + request.get_absolute_url())
    assert_fits(desktop)
    screenshot(desktop, "restock-received-desktop")


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_drafts_quantities_are_edited_in_the_browser(open_page, live_server, team, viewport, name):
    clerk = team["product_lead"]
    tea = stocked(1, sku="SCT-JH50", name="食草堂 杭白菊 50g", reorder_point=5, reorder_quantity=20, by=clerk)
    stocked(2, sku="SCT-MG30", name="食草堂 平阴玫瑰花茶 30g", reorder_point=5, reorder_quantity=20, by=clerk)
    alerts.scan_low_stock(now=NOW)
    draft = RestockRequest.objects.get()

    page = open_page(viewport)
    sign_in(page, live_server, "product_lead", PASSWORD)
    page.goto(live_server.url + draft.get_absolute_url())
    assert page.input_value(f"input[name=quantity-{tea.pk}]") == "20"
    assert_fits(page)
    screenshot(page, f"restock-edit-{name}")
    page.fill(f"input[name=quantity-{tea.pk}]", "0")
    go(page, "button[form=edit-form]")
    assert "数量至少为 1" in page.inner_text("[data-edit-error]")
    assert_fits(page)
    screenshot(page, f"restock-edit-refused-{name}")
    page.fill(f"input[name=quantity-{tea.pk}]", "35")
    go(page, "button[form=edit-form]")
    assert page.input_value(f"input[name=quantity-{tea.pk}]") == "35"
    assert draft.lines.get(product=tea).quantity == 35
    assert_fits(page)
    screenshot(page, f"restock-edited-{name}")
