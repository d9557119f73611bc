"""Low-stock alerts: one per product at or below its reorder point (never a second while one is open, however
often or concurrently the job runs), customer service and the product leader told by their posts, a restock task
for the product leader and a restock request drafted to the supplier with its reason; the alert closes itself
when stock recovers. And the work a new product files for the visual, marketing and customer-service groups."""
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from inventory import alerts, selectors, services
from inventory.models import LowStockAlert, Product, RestockLine, RestockRequest, StockMove
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from shopteam.people import display_name
from tasks.models import Task
from tasks.selectors import tasks_about
from tests.inventory.factories import ProductFactory, stocked
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=selectors.SHANGHAI)


def sell(product, quantity, clerk, *, days_ago=1):
    services.record_move(product, kind=StockMove.Kind.SALE, quantity=-quantity, by=clerk,
                         moved_at=NOW - datetime.timedelta(days=days_ago))


def test_one_alert_told_tasked_and_drafted_for_a_product_at_its_reorder_point(clerk, team):
    tea = stocked(24, sku="SCT-1", name="菊花茶", reorder_point=5, reorder_quantity=20)
    stocked(50, sku="SCT-OK", reorder_point=5)
    sell(tea, 12, clerk, days_ago=3)
    sell(tea, 4, clerk, days_ago=40)  # outside the 30 days
    assert alerts.scan_low_stock(now=NOW) == []  # 8 left: above the reorder point
    sell(tea, 4, clerk)  # 4 left: at or below 5
    handled = alerts.scan_low_stock(now=NOW)
    alert = LowStockAlert.objects.get()
    assert handled == [alert] and (alert.product, alert.on_hand_at_open, alert.closed_at) == (tea, 4, None)

    task = tasks_about(alert).get()
    assert (task.source, task.key, task.post.title, task.priority) == ("stock_alert", f"alert-{alert.pk}",
                                                                      "产品组组长", "high")
    told = Notification.objects.filter(event="stock.low")
    assert {n.recipient.username for n in told} == {"kefu_lead", "kefu_a", "product_lead"}
    # 16 sold in 30 days − 4 on hand + 5 reorder point = 17 < the reorder quantity 20: ask for 20.
    line = RestockLine.objects.get()
    assert (line.quantity, line.sold_30_days, line.on_hand, line.alert) == (20, 16, 4, alert)
    assert "16" in line.reason and "17" in line.reason
    assert line.request.supplier.name == "食草堂" and line.request.status == "draft"


def test_a_fast_seller_is_restocked_by_its_last_30_days(clerk, team):
    tea = stocked(60, sku="SCT-1", reorder_point=5, reorder_quantity=10)
    sell(tea, 57, clerk, days_ago=10)
    alerts.scan_low_stock(now=NOW)
    # 57 sold − 3 on hand + 5 = 59 > 10
    line = RestockLine.objects.get()
    assert line.quantity == 59 and "59" in line.reason


def test_running_the_job_again_makes_no_second_alert_task_line_or_notification(clerk, team):
    tea = stocked(3, reorder_point=5)
    alerts.scan_low_stock(now=NOW)
    alerts.scan_low_stock(now=NOW + datetime.timedelta(minutes=30))
    assert LowStockAlert.objects.count() == 1
    assert Task.objects.filter(source="stock_alert").count() == 1
    assert RestockLine.objects.count() == 1
    assert Notification.objects.filter(event="stock.low").count() == 3
    assert selectors.product_list(low=True).get(pk=tea.pk).open_restock == 20


def test_the_alert_closes_itself_when_stock_recovers_and_its_task_is_done(clerk, team):
    tea = stocked(3, reorder_point=5)
    alerts.scan_low_stock(now=NOW)
    alert = LowStockAlert.objects.get()
    services.record_move(tea, kind=StockMove.Kind.RECEIPT, quantity=2, by=clerk)  # 5: still at the point
    alert.refresh_from_db()
    assert alert.is_open
    services.record_move(tea, kind=StockMove.Kind.RECEIPT, quantity=20, by=clerk)
    alert.refresh_from_db()
    assert not alert.is_open
    assert tasks_about(alert).get().status == "done"
    services.record_move(tea, kind=StockMove.Kind.SALE, quantity=-22, by=clerk)
    alerts.scan_low_stock(now=NOW + datetime.timedelta(hours=1))
    assert LowStockAlert.objects.filter(closed_at__isnull=True).count() == 1  # a new alert, the old stays closed
    assert LowStockAlert.objects.count() == 2
    assert RestockLine.objects.count() == 1  # the draft's line for the product is brought up to date


def test_lowering_the_reorder_point_lets_the_job_close_the_alert(clerk, team):
    tea = stocked(3, reorder_point=5)
    alerts.scan_low_stock(now=NOW)
    services.update_product(tea, by=clerk, reorder_point=2)
    alerts.scan_low_stock(now=NOW)
    assert not LowStockAlert.objects.get().is_open


def test_discontinued_products_raise_no_alert(clerk, team):
    ProductFactory(reorder_point=5, status="discontinued")
    assert alerts.scan_low_stock(now=NOW) == [] and not LowStockAlert.objects.exists()


def test_with_the_product_leader_post_vacant_the_task_goes_to_the_shop_manager(clerk, team):
    from roles.models import Assignment

    Assignment.objects.filter(post__title="产品组组长").update(end=datetime.date(2020, 1, 1),
                                                              start=datetime.date(2019, 1, 1))
    stocked(1, reorder_point=5, by=team["manager"])
    alerts.scan_low_stock(now=NOW)
    assert Task.objects.get(source="stock_alert").post.title == "店长"


def test_restock_requests_are_sent_received_and_downloaded_with_chinese_headers(client, clerk, team):
    stocked(1, sku="SCT-1", name="菊花茶", reorder_point=5)
    stocked(2, sku="SCT-2", name="玫瑰花茶", reorder_point=5)
    alerts.scan_low_stock(now=NOW)
    request = RestockRequest.objects.get()
    client.force_login(team["kefu_a"])  # customer service reads it
    response = client.get(reverse("inventory:restock_detail", args=[request.pk]), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0] == ("商家编码", "商品名称", "当前库存", "补货点", "近30天销量", "建议补货量", "计算依据")
    assert [r[:6] for r in rows[1:3]] == [("SCT-1", "菊花茶", 1, 5, 0, 20), ("SCT-2", "玫瑰花茶", 2, 5, 0, 20)]
    assert client.post(reverse("inventory:restock_action", args=[request.pk, "send"])).status_code == 403
    client.force_login(clerk)
    client.post(reverse("inventory:restock_action", args=[request.pk, "send"]))
    request.refresh_from_db()
    assert request.status == "sent"
    stocked(0, sku="SCT-3", reorder_point=5)
    alerts.scan_low_stock(now=NOW)
    assert RestockRequest.objects.filter(status="draft").get().lines.get().product.sku == "SCT-3"
    with translation.override("en"), pytest.raises(ServiceError, match="cannot be"):
        alerts.change_restock(request, action="send", by=clerk)
    alerts.receive_restock(request, received={request.lines.get(product__sku="SCT-1").product_id: 20}, by=clerk)
    assert selectors.product_list().get(sku="SCT-1").open_restock == 0


# -- receiving a restock --------------------------------------------------------------------------------------

@pytest.fixture
def sent_request(clerk):
    """食草堂 was asked for 20 菊花茶 (1 in stock) and 20 玫瑰花茶 (2 in stock); both alerts are open."""
    stocked(1, sku="SCT-1", name="菊花茶", reorder_point=5, reorder_quantity=20)
    stocked(2, sku="SCT-2", name="玫瑰花茶", reorder_point=5, reorder_quantity=20)
    alerts.scan_low_stock(now=NOW)
    request = RestockRequest.objects.get()
    alerts.change_restock(request, action="send", by=clerk)
    return request


def test_receiving_a_request_records_what_came_and_the_stock_closes_the_alerts(client, clerk, sent_request):
    tea, rose = (Product.objects.get(sku=sku) for sku in ("SCT-1", "SCT-2"))
    client.force_login(clerk)
    page = client.get(sent_request.get_absolute_url()).content.decode()
    assert f'name="received-{tea.pk}"' in page and 'value="20"' in page
    response = client.post(reverse("inventory:restock_receive", args=[sent_request.pk]),
                           {f"received-{tea.pk}": "15", f"received-{rose.pk}": "0"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    sent_request.refresh_from_db()
    assert (sent_request.status, sent_request.changed_by) == ("received", clerk)
    receipt = StockMove.objects.get(key__startswith="restock-")
    assert (receipt.product, receipt.quantity, receipt.by, receipt.reference) == (tea, 15, clerk,
                                                                                 f"补货申请 #{sent_request.pk}")
    assert "20" in receipt.reason and "15" in receipt.reason
    assert Product.objects.get(pk=tea.pk).on_hand == 16 and Product.objects.get(pk=rose.pk).on_hand == 2
    assert list(LowStockAlert.objects.filter(closed_at__isnull=True).values_list("product__sku", flat=True)) == [
        "SCT-2"]  # the tea recovered; the rose did not come
    page = client.get(sent_request.get_absolute_url()).content.decode()
    assert 'data-received>15<' in page and 'data-received>0<' in page and "received-" not in page
    assert sent_request.history.first().status == "received"
    assert selectors.stock_drift() == []


def test_a_receipt_is_refused_whole_with_its_reason(client, clerk, sent_request):
    tea, rose = (Product.objects.get(sku=sku) for sku in ("SCT-1", "SCT-2"))
    with translation.override("en"):
        with pytest.raises(ServiceError, match="Nothing was received"):
            alerts.receive_restock(sent_request, received={tea.pk: 0, rose.pk: 0}, by=clerk)
        with pytest.raises(ServiceError, match="SCT-2: the units received must be a whole number"):
            alerts.receive_restock(sent_request, received={tea.pk: 5, rose.pk: -1}, by=clerk)
        with pytest.raises(ServiceError, match="not on this request"):
            alerts.receive_restock(sent_request, received={tea.pk: 5, stocked(9).pk: 1}, by=clerk)
    client.force_login(clerk)
    response = client.post(reverse("inventory:restock_receive", args=[sent_request.pk]),
                           {f"received-{tea.pk}": "abc", f"received-{rose.pk}": "2"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Enter a whole number" in response.content.decode()
    response = client.post(reverse("inventory:restock_receive", args=[sent_request.pk]),
                           {f"received-{tea.pk}": "0", f"received-{rose.pk}": "0"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Nothing was received" in response.content.decode()
    sent_request.refresh_from_db()
    assert sent_request.status == "sent" and not StockMove.objects.filter(key__startswith="restock-").exists()
    alerts.receive_restock(sent_request, received={tea.pk: 20}, by=clerk)
    when = timezone.localtime(RestockRequest.objects.get(pk=sent_request.pk).closed_at).strftime("%Y-%m-%d %H:%M")
    with translation.override("en"), pytest.raises(ServiceError, match=f"already received by .* at {when}"):
        alerts.receive_restock(sent_request, received={tea.pk: 20}, by=clerk)  # a second submit
    response = client.post(reverse("inventory:restock_receive", args=[sent_request.pk]),
                           {f"received-{tea.pk}": "20"}, follow=True)
    said = f"这批到货已由{display_name(clerk)}于 {when} 收货"
    assert said in response.content.decode() and "received-" not in response.content.decode()
    assert StockMove.objects.filter(key__startswith="restock-").count() == 1


def test_only_the_product_group_receives_and_a_draft_is_not_received(client, clerk, team, sent_request):
    tea = Product.objects.get(sku="SCT-1")
    url = reverse("inventory:restock_receive", args=[sent_request.pk])
    client.force_login(team["kefu_a"])
    assert client.get(sent_request.get_absolute_url()).status_code == 200
    assert "received-" not in client.get(sent_request.get_absolute_url()).content.decode()
    assert client.post(url, {f"received-{tea.pk}": "20"}).status_code == 403
    with pytest.raises(ServiceError):
        alerts.receive_restock(sent_request, received={tea.pk: 20}, by=team["kefu_a"])
    client.force_login(team["manager"])
    assert client.post(url, {f"received-{tea.pk}": "20"}).status_code == 302
    stocked(0, sku="SCT-3", reorder_point=5)
    alerts.scan_low_stock(now=NOW)
    draft = RestockRequest.objects.get(status="draft")
    with translation.override("en"), pytest.raises(ServiceError, match="cannot be"):
        alerts.receive_restock(draft, received={draft.lines.get(product__sku="SCT-3").product_id: 5}, by=clerk)
    assert draft.lines.get(product__sku="SCT-2").quantity == 20  # 玫瑰花茶 did not come: it is back on the draft


def test_the_alert_page_shows_on_hand_point_and_open_restock_side_by_side(client, clerk, team):
    stocked(1, sku="SCT-1", reorder_point=5)
    alerts.scan_low_stock(now=NOW)
    client.force_login(team["visual_lead"])  # everyone reads stock
    page = client.get(reverse("inventory:alert_list")).content.decode()
    assert 'data-alert="' in page and ">20<" in page.replace(" ", "")
    listing = client.get(reverse("inventory:product_list")).context["page"].object_list
    assert [(p.sku, p.on_hand, p.reorder_point, p.open_restock) for p in listing] == [("SCT-1", 1, 5, 20)]


def test_the_badge_counts_open_alerts_for_the_product_group_only(client, clerk, team):
    from shopteam.dashboard import badges_for

    stocked(1, reorder_point=5)
    alerts.scan_low_stock(now=NOW)
    stock = {b["key"]: b for b in badges_for(clerk)}["stock"]
    assert stock["count"] == 1 and stock["url"] == reverse("inventory:product_list")
    assert {b["key"]: b for b in badges_for(team["kefu_a"])}["stock"]["count"] == 0


def test_the_dashboard_panel_shows_alerts_drift_and_the_last_import(client, clerk, team):
    stocked(1, sku="SCT-LOW", reorder_point=5)
    alerts.scan_low_stock(now=NOW)
    services.check_drift()
    client.force_login(team["manager"])
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-panel="stock"' in page and "SCT-LOW" in page and "agree" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_the_job_run_concurrently_opens_one_alert_and_files_one_task(team):
    for n in range(5):
        stocked(n % 3, sku=f"SCT-{n}", reorder_point=5, by=team["product_lead"])
    outcomes = run_at_once(*[lambda: alerts.scan_low_stock(now=NOW)] * 4)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sum(len(o) for o in outcomes) == 5
    assert LowStockAlert.objects.count() == 5 and Task.objects.filter(source="stock_alert").count() == 5
    assert RestockRequest.objects.count() == 1 and RestockLine.objects.count() == 5
    assert Notification.objects.filter(event="stock.low").count() == 5 * 3


# -- new products ---------------------------------------------------------------------------------------------

def test_a_new_product_files_photo_listing_promotion_and_briefing_tasks(clerk, team):
    product = services.create_product(by=clerk, sku="SCT-NEW", name="桂花乌龙", cost="15", price="49",
                                      reorder_point=3, reorder_quantity=12, status="listed")
    tasks = {t.key.split(":")[1]: t for t in tasks_about(product)}
    assert set(tasks) == {"photos", "listing", "promotion", "briefing"}
    assert {role: tasks[role].post.title for role in tasks} == {
        "photos": "视觉组组长", "listing": "视觉组组长", "promotion": "营销策划组组长", "briefing": "客服组组长"}
    assert all(t.source == "new_product" and "SCT-NEW" in t.title for t in tasks.values())
    assert "孙产品" in tasks["listing"].detail
    told = {n.recipient.username for n in Notification.objects.filter(event="task.assigned")}
    assert {"visual_lead", "marketing_lead", "kefu_lead"} <= told


def test_filing_the_new_product_work_twice_files_nothing_new(clerk, team):
    product = services.create_product(by=clerk, sku="SCT-NEW", name="桂花乌龙")
    alerts.file_new_product_tasks(product, by=clerk)
    assert Task.objects.filter(source="new_product").count() == 4


def test_a_catalogue_import_files_the_work_of_each_new_product(tmp_path, clerk, team):
    path = tmp_path / "c.csv"
    path.write_bytes("商家编码,商品名称\r\nSCT-A,菊花茶\r\nSCT-B,玫瑰花茶\r\n".encode("gb18030"))
    services.import_catalogue(path, name="c.csv", by=clerk)
    services.import_catalogue(path, name="c.csv", by=clerk)
    assert Task.objects.filter(source="new_product").count() == 8
    assert Product.objects.get(sku="SCT-A").price == Decimal("0.00")


def test_the_dashboard_says_in_words_that_a_checked_upload_is_not_imported_yet(client, clerk, team):
    from inventory.models import TaobaoImport

    TaobaoImport.objects.create(filename="订单报表.csv", stored_name="x.csv", status=TaobaoImport.Status.CHECKED,
                                created_by=clerk)
    client.force_login(team["manager"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "尚未导入:</span> 已检查：等您确认" in page


def test_a_short_delivery_goes_back_on_a_draft_and_the_alert_has_something_on_order(clerk, sent_request):
    tea, rose = (Product.objects.get(sku=sku) for sku in ("SCT-1", "SCT-2"))
    alerts.receive_restock(sent_request, received={tea.pk: 20, rose.pk: 0}, by=clerk)
    draft = RestockRequest.objects.get(status="draft")
    line = draft.lines.get()
    assert (line.product, line.quantity) == (rose, 20)
    assert line.alert is not None and line.alert.is_open
    assert f"#{sent_request.pk}" in draft.history.first().history_change_reason
    assert selectors.product_list().get(sku="SCT-2").open_restock == 20


def test_the_suppliers_sheet_shows_the_stock_at_download_and_says_when(client, clerk, sent_request):
    tea, rose = (Product.objects.get(sku=sku) for sku in ("SCT-1", "SCT-2"))
    services.record_move(tea, kind=StockMove.Kind.RECEIPT, quantity=4, by=clerk)  # 1 → 5 after drafting
    services.record_move(rose, kind=StockMove.Kind.SALE, quantity=-1, by=clerk)  # 2 → 1
    client.force_login(clerk)
    moment = datetime.datetime(2026, 11, 24, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Shanghai
    with time_machine.travel(moment, tick=False):
        response = client.get(sent_request.get_absolute_url(), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][2] == "当前库存"
    assert [r[:3] for r in rows[1:3]] == [("SCT-1", "菊花茶", 5), ("SCT-2", "玫瑰花茶", 1)]  # not 1 and 2
    assert "库存截至 2026-11-24 09:30" in [r[0] for r in rows[3:]]
