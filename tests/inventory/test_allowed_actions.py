"""One rule answers "what may this person do to this move or restock request now" (inventory.rules): the pages
show its buttons and the services refuse the rest, so in every state the buttons on the page are exactly what the
service accepts. A sale an import wrote is corrected only by importing."""
import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from inventory import alerts, selectors, services
from inventory.models import Product, RestockRequest, StockMove, Supplier
from shopteam.errors import ServiceError
from tests import exports
from tests.actions import does
from tests.inventory.factories import stocked
from tests.inventory.test_taobao_import import CLOSED, LINES_2017, O2, ORDERS_2017, imported

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=selectors.SHANGHAI)


def reverse_buttons(client, product):
    page = client.get(product.get_absolute_url()).content.decode()
    return {move.pk for move in product.moves.all() if reverse("inventory:move_reverse", args=[move.pk]) in page}


def test_an_imported_sale_is_corrected_only_by_importing(client, tmp_path, clerk):
    rose = stocked(50, sku="SCT-002", name="玫瑰花茶")
    stocked(100, sku="SCT-001", name="菊花茶")
    stocked(20, sku="SCT-003", name="硚口枸杞")
    imported(tmp_path, "orders.csv", exports.orders_2017(ORDERS_2017), clerk)
    imported(tmp_path, "lines.csv", exports.lines_2017(LINES_2017), clerk)
    sale = StockMove.objects.get(product=rose, kind="sale")
    client.force_login(clerk)
    assert sale.pk not in reverse_buttons(client, rose)  # no 冲销 offered
    with translation.override("en"), pytest.raises(ServiceError, match="it is corrected only by importing"):
        services.reverse_move(sale, by=clerk, reason="客户退款")
    response = client.post(reverse("inventory:move_reverse", args=[sale.pk]), {"reason": "客户退款"}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "was written by a Taobao import" in response.content.decode()
    assert Product.objects.get(pk=rose.pk).on_hand == 49
    # Importing is the correction: the later export with the order closed reverses the sale, once.
    later = [dict(row) for row in ORDERS_2017]
    later[1].update({"订单状态": CLOSED, "订单关闭原因": "退款"})
    result = imported(tmp_path, "orders-later.csv", exports.orders_2017(later), clerk)
    assert result.summary["reversals_written"] >= 1
    assert StockMove.objects.get(kind="reversal", product=rose).reverses.order_line.order.order_id == O2
    assert Product.objects.get(pk=rose.pk).on_hand == 50 and selectors.stock_drift() == []


@pytest.mark.parametrize("username", ["product_lead", "kefu_a"])
def test_every_moves_reverse_button_is_what_the_service_accepts(client, tmp_path, team, username):
    clerk, user = team["product_lead"], team[username]
    stocked(100, sku="SCT-001")
    stocked(50, sku="SCT-002")
    stocked(20, sku="SCT-003")
    imported(tmp_path, "orders.csv", exports.orders_2017(ORDERS_2017), clerk)
    imported(tmp_path, "lines.csv", exports.lines_2017(LINES_2017), clerk)
    later = [dict(row) for row in ORDERS_2017]
    later[1].update({"订单状态": CLOSED, "订单关闭原因": "退款"})
    imported(tmp_path, "orders-later.csv", exports.orders_2017(later), clerk)  # an imported reversal too
    tea = Product.objects.get(sku="SCT-001")
    services.record_move(tea, kind="receipt", quantity=10, by=clerk)  # reversible
    wrong = services.record_move(tea, kind="sale", quantity=-2, by=clerk)
    services.reverse_move(wrong, by=clerk, reason="录错")  # reversed, and its reversal
    services.record_move(tea, kind="adjustment", quantity=-1, by=clerk, reason="破损")
    client.force_login(user)
    for product in Product.objects.all():
        shown = reverse_buttons(client, product)
        taken = {move.pk for move in product.moves.all()
                 if does(lambda move=move: services.reverse_move(move, by=user, reason="核对"))}
        assert shown == taken, product.sku
    kinds = {(m.kind, m.order_line_id is None) for m in StockMove.objects.all()}
    assert {("sale", False), ("reversal", False), ("sale", True), ("reversal", True), ("receipt", True)} <= kinds
    if username == "product_lead":
        assert taken  # the clerk's own receipt and adjustment are offered


def restock_buttons(client, restock):
    page = client.get(restock.get_absolute_url()).content.decode()
    urls = {action: reverse("inventory:restock_action", args=[restock.pk, action]) for action in ("send", "cancel")}
    urls["receive"] = reverse("inventory:restock_receive", args=[restock.pk])
    urls["edit"] = reverse("inventory:restock_edit", args=[restock.pk])
    return {action for action, url in urls.items() if url in page}


def restock_accepts(restock, user):
    calls = {
        "send": lambda: alerts.change_restock(restock, action="send", by=user),
        "cancel": lambda: alerts.change_restock(restock, action="cancel", by=user),
        "receive": lambda: alerts.receive_restock(
            restock, received={line.product_id: line.quantity for line in restock.lines.all()}, by=user),
        "edit": lambda: alerts.edit_restock_quantities(
            restock, quantities={line.product_id: line.quantity + 1 for line in restock.lines.all()}, by=user),
    }
    return {action for action, call in calls.items() if does(call)}


@pytest.mark.parametrize("username", ["product_lead", "manager", "kefu_a"])
def test_every_restock_states_buttons_are_what_the_service_accepts(client, team, username):
    clerk, user = team["product_lead"], team[username]
    stocked(1, sku="SCT-1", reorder_point=5)
    alerts.scan_low_stock(now=NOW)
    sent = RestockRequest.objects.get()
    alerts.change_restock(sent, action="send", by=clerk)
    stocked(2, sku="SCT-2", reorder_point=5)
    stocked(3, sku="SCT-3", reorder_point=5)
    alerts.scan_low_stock(now=NOW)
    draft = RestockRequest.objects.get(status="draft")
    received, cancelled = (RestockRequest.objects.create(supplier=Supplier.objects.create(name=name))
                           for name in ("甲供应商", "乙供应商"))
    for request, status in [(received, "received"), (cancelled, "cancelled")]:
        RestockRequest.objects.filter(pk=request.pk).update(status=status)
    empty = RestockRequest.objects.create(supplier=Supplier.objects.create(name="丙供应商"))  # a draft, no lines
    client.force_login(user)
    expected = {"draft": {"send", "cancel", "edit"}, "sent": {"receive", "cancel"}, "received": set(),
                "cancelled": set()}
    for restock in (draft, sent, received, cancelled, empty):
        restock.refresh_from_db()
        shown, taken = restock_buttons(client, restock), restock_accepts(restock, user)
        assert shown == taken, (restock.status, restock.pk)
        if username != "kefu_a" and restock != empty:
            assert taken == expected[restock.status]
    assert restock_buttons(client, empty) == ({"cancel"} if username != "kefu_a" else set())
