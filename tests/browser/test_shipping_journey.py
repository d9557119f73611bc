"""The shipping desk on a phone (390 px): the packer records the pick list, ships three orders — each opened by
typing (scanning) its number, its items scanned into the scan field as a barcode scanner types them, the carrier
and waybill entered — and finds a damaged item in the fourth, which is not shipped and goes up as a case.

Selectors use URLs, names and data-* attributes, so they hold in Chinese and English.
"""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from escalation.models import Case
from shipping.models import PackingProblem, Parcel
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.browser.test_escalation_journey import assert_fits, go
from tests.factories import PASSWORD
from tests.inventory.factories import ProductFactory, TaobaoOrderFactory, TaobaoOrderLineFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def four_paid_orders():
    tea = ProductFactory(sku="SCT-JH50", name="食草堂 杭白菊 50g", shelf="A-1")
    rose = ProductFactory(sku="SCT-MG30", name="食草堂 平阴玫瑰花茶 30g", shelf="A-1")
    goji = ProductFactory(sku="SCT-GQ250", name="食草堂 宁夏枸杞 250g", shelf="A-2")
    now = timezone.now()
    orders = []
    for index, lines in enumerate([[(tea, 2)], [(rose, 1), (goji, 1)], [(goji, 1)], [(tea, 1)]]):
        order = TaobaoOrderFactory(order_id=f"35153131473293590{index:02d}",
                                   paid_at=now - datetime.timedelta(hours=10 - index))
        for product, quantity in lines:
            TaobaoOrderLineFactory(order=order, product=product, quantity=quantity)
        orders.append(order)
    return orders


def scan(page, selector, code):
    """A barcode scanner: types the code and presses Enter."""
    page.fill(selector, code)
    page.press(selector, "Enter")


def test_a_packer_ships_three_orders_and_records_a_damaged_item_on_a_phone(open_page, live_server, team):
    orders = four_paid_orders()
    page = open_page(PHONE)
    sign_in(page, live_server, "product_lead", PASSWORD)
    page.goto(live_server.url + reverse("shipping:desk"))
    assert page.locator("[data-order]").count() == 4
    assert page.locator("[data-order]").first.get_attribute("data-order") == orders[0].order_id  # oldest first
    assert_fits(page)
    screenshot(page, "shipping-desk-phone")

    page.goto(live_server.url + reverse("shipping:pick_list"))
    assert page.locator("[data-pick-list] tbody tr").count() == 3
    assert_fits(page)
    screenshot(page, "shipping-pick-list-phone")
    go(page, "main form button")
    assert Parcel.objects.filter(picked_by=team["product_lead"]).count() == 4

    for index, (order, carrier, waybill) in enumerate(zip(orders[:3], ["中通快递", "圆通速递", "韵达快递"],
                                                          ["73001", "YT002", "43003"], strict=True)):
        with page.expect_navigation():
            scan(page, "input[name=order]", order.order_id)
        assert page.url.endswith(reverse("shipping:order", args=[order.order_id]))
        for line in order.lines.all():
            for _unit in range(line.quantity):
                scan(page, "[data-scan]", line.sku.lower())
            assert page.locator(f"#line-{line.pk}").is_checked()
        if index == 0:
            scan(page, "[data-scan]", "SCT-NOPE")
            assert "SCT-NOPE" in page.locator("[data-scan-result]").inner_text()
            assert_fits(page)
            screenshot(page, "shipping-pack-phone")
        page.fill("input[name=carrier]", carrier)
        page.fill("input[name=waybill]", waybill)
        go(page, "[data-ship]")
        parcel = Parcel.objects.get(order=order)
        assert (parcel.shipped_by, parcel.waybill) == (team["product_lead"], waybill)
    assert page.locator("[data-order]").count() == 1

    damaged = orders[3]
    with page.expect_navigation():
        scan(page, "input[name=order]", damaged.order_id)
    page.click("[data-problem] summary")
    page.select_option("select[name=kind]", "damaged")
    page.fill("textarea[name=note]", "杭白菊包装袋破损，茶叶洒出")
    assert_fits(page)
    screenshot(page, "shipping-damaged-phone")
    go(page, "[data-problem] form button")
    problem = PackingProblem.objects.get(order=damaged)
    assert problem.kind == "damaged" and Case.objects.filter(pk=problem.case_id).exists()
    assert not Parcel.objects.filter(order=damaged, shipped_at__isnull=False).exists()
    page.goto(live_server.url + reverse("shipping:desk"))
    assert page.locator("[data-order]").count() == 1
    assert page.locator("[data-order] [data-has-problem]").count() == 1
    assert_fits(page)
    screenshot(page, "shipping-desk-after-phone")


def test_the_product_leader_decides_two_stocktake_losses_on_a_phone(open_page, live_server, team):
    from shipping.models import StocktakeLossDecision, StoreroomIncident
    from tests.shipping.factories import posted_stocktake

    lead = team["product_lead"]
    found_later = posted_stocktake(lead, [("80.00", 10, 7)])
    real_loss = posted_stocktake(lead, [("12.00", 30, 22), ("45.00", 6, 5)])
    page = open_page(PHONE)
    sign_in(page, live_server, "product_lead", PASSWORD)
    page.goto(live_server.url + reverse("shipping:incidents"))
    assert page.locator("[data-stocktake-loss]").count() == 2
    assert_fits(page)
    screenshot(page, "shipping-stocktake-losses-phone")
    loss = f'[data-stocktake-loss="{found_later.pk}"]'
    page.fill(f"{loss} form[action$='dismiss_loss/'] input[name=note]", "复盘找到了，放在 B-3")
    go(page, f"{loss} form[action$='dismiss_loss/'] button")
    assert page.locator("[data-stocktake-loss]").count() == 1
    go(page, f'[data-stocktake-loss="{real_loss.pk}"] form[action$="confirm_loss/"] button')
    incident = StoreroomIncident.objects.get()
    assert page.url.endswith(reverse("shipping:incident", args=[incident.pk]))
    assert StocktakeLossDecision.objects.get(stocktake=found_later).reason == "复盘找到了，放在 B-3"
    page.goto(live_server.url + reverse("shipping:incidents"))
    assert page.locator("[data-stocktake-loss]").count() == 0
    assert_fits(page)
    screenshot(page, "shipping-stocktake-losses-decided-phone")
