"""Stock in the browser: the product leader counts a shelf on a phone while a sale is shipped, reviews and
posts the count; and on a desktop uploads a Taobao 宝贝报表, reads the preview with its problem row, skips it
and imports the rest.

Selectors use URLs, name and data-* attributes, so they hold in Chinese and English.
"""
import re

import pytest
from django.urls import reverse

from inventory import services
from inventory.models import Product, StockMove, Stocktake, TaobaoImport
from tests import exports
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_escalation_journey import assert_fits, go
from tests.factories import PASSWORD
from tests.inventory.factories import stocked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def count(page, sku, number):
    """Type a count into the product's line and press ✓; htmx swaps the line in place (no page load)."""
    line = page.locator(f"li[data-sku='{sku}']")
    line.locator("input[name=counted]").fill(str(number))
    line.locator("button").click()
    page.wait_for_selector(f"li[data-sku='{sku}'].list-group-item-success [data-counted-by]")


def test_a_shelf_is_counted_on_a_phone_during_sales_and_posted(open_page, live_server, team):
    clerk = team["product_lead"]
    tea = stocked(12, sku="SCT-JH50", name="食草堂 杭白菊 50g", shelf="A-1", by=clerk)
    rose = stocked(8, sku="SCT-MG30", name="食草堂 平阴玫瑰花茶 30g", shelf="A-1", by=clerk)
    stocked(30, sku="SCT-CP100", name="食草堂 新会陈皮 100g", shelf="B-2", by=clerk)
    page = open_page(PHONE)
    sign_in(page, live_server, "product_lead", PASSWORD)
    page.goto(live_server.url + reverse("inventory:stocktake_list"))
    page.select_option("select[name=scope]", "shelf")
    page.fill("input[name=scope_value]", "A-1")
    assert_fits(page)
    go(page, "main form button")

    stocktake = Stocktake.objects.get()
    assert page.url == live_server.url + stocktake.get_absolute_url()
    assert page.locator("li[data-sku]").count() == 2  # shelf B-2 is not in this count
    count(page, "SCT-JH50", 10)  # two missing on the shelf
    assert page.locator("#count-progress").get_attribute("data-counted") == "1"
    # Meanwhile a parcel of 杭白菊 is shipped: the ledger goes from 12 to 9.
    services.record_move(Product.objects.get(pk=tea.pk), kind=StockMove.Kind.SALE, quantity=-3, by=clerk)
    count(page, "SCT-MG30", 8)
    assert page.locator("#count-progress").get_attribute("data-counted") == "2"
    assert_fits(page)
    screenshot(page, "stocktake-counting-phone")

    go(page, "[data-action=review]")
    assert page.locator("tr[data-sku='SCT-JH50'] [data-difference]").inner_text().strip() == "-2"
    assert page.locator("tr[data-sku='SCT-MG30'] [data-difference]").inner_text().strip() == "0"
    assert_fits(page)
    screenshot(page, "stocktake-review-phone")
    go(page, "[data-action=post]")

    assert page.locator("[data-status=posted]").count() == 1
    tea.refresh_from_db()
    rose.refresh_from_db()
    assert (tea.on_hand, rose.on_hand) == (7, 8)  # 10 counted, 3 shipped since: the sale is not undone
    screenshot(page, "stocktake-posted-phone")


def test_an_import_is_previewed_its_problem_row_skipped_and_imported(open_page, live_server, team, tmp_path):
    clerk = team["product_lead"]
    stocked(100, sku="SCT-001", name="菊花茶", by=clerk)
    stocked(50, sku="SCT-002", name="玫瑰花茶", by=clerk)
    rows = [
        {"订单编号": "35153131473293570", "标题": "菊花茶,特级 50g", "价格": "39.00", "购买数量": "2",
         "订单状态": "交易成功", "商家编码": "SCT-001"},
        {"订单编号": "35153131473293571", "标题": "玫瑰花茶", "价格": "29.90", "购买数量": "1",
         "订单状态": "买家已付款，等待卖家发货", "商家编码": "SCT-002"},
        {"订单编号": "35153131473293572", "标题": "枸杞礼盒", "价格": "99.00", "购买数量": "1", "订单状态": "交易成功",
         "商家编码": "GQ-GIFT"},  # no such product: refused
    ]
    path = tmp_path / "ExportOrderDetailList201707081200.csv"
    path.write_bytes(exports.lines_2017(rows))

    page = open_page(DESKTOP)
    sign_in(page, live_server, "product_lead", PASSWORD)
    page.goto(live_server.url + reverse("inventory:import_list"))
    page.set_input_files("input[name=files]", str(path))
    go(page, "main form button")

    taobao_import = TaobaoImport.objects.get()
    assert page.url == live_server.url + taobao_import.get_absolute_url()
    assert page.locator("[data-count=rows]").inner_text().strip() == "3"
    assert page.locator("[data-count=sales]").inner_text().strip() == "2"
    problem = page.locator("tr[data-problem-row='4']")
    assert "GQ-GIFT" in problem.inner_text() and path.name in problem.inner_text()
    assert Product.objects.get(sku="SCT-001").on_hand == 100  # the preview wrote nothing
    assert_fits(page)
    screenshot(page, "import-preview-desktop")

    go(page, "[data-action=start]")  # without skipping: refused, nothing imported
    assert page.locator("main .alert-danger").count() >= 1
    assert Product.objects.get(sku="SCT-001").on_hand == 100
    page.check("input[name=skip_bad_rows]")
    go(page, "[data-action=start]")

    assert page.locator("[data-status=done]").count() == 1
    assert page.locator("[data-count=sales]").inner_text().strip() == "2"
    assert re.search("跳过|skipped", page.locator("main h2", has_text=re.compile("跳过|Skipped")).inner_text())
    assert dict(Product.objects.values_list("sku", "on_hand")) == {"SCT-001": 98, "SCT-002": 49}
    assert_fits(page)
    screenshot(page, "import-done-desktop")

    phone = open_page(PHONE)
    sign_in(phone, live_server, "product_lead", PASSWORD)
    phone.goto(live_server.url + taobao_import.get_absolute_url())
    assert_fits(phone)
    screenshot(phone, "import-done-phone")
    phone.goto(live_server.url + reverse("inventory:product_list"))
    assert_fits(phone)
    screenshot(phone, "stock-list-phone")
