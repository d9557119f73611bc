"""Two imports at once end as if run in turn: a 订单报表 and a 宝贝报表 of the same orders, started at the same moment,
never overwrite each other (PostgreSQL; the imports take one lock for their whole run).

Stock before every test: SCT-001 菊花茶 1000.
"""
from decimal import Decimal

import pytest
from django.conf import settings

from inventory import importing, tasks
from inventory.models import Product, StockMove, TaobaoImport, TaobaoOrder, TaobaoOrderLine
from tests import exports
from tests.inventory.factories import stocked
from tests.threads import run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
]

PAID, CLOSED = "买家已付款，等待卖家发货", "交易关闭"
ORDER_IDS = [f"35153131473{n:06d}" for n in range(300)]


@pytest.fixture
def shelf(clerk):
    return stocked(1000, sku="SCT-001", name="菊花茶", price=Decimal("39.00"))


def files(tmp_path):
    """The 宝贝报表 exported while the orders were paid; the 订单报表 exported after they were closed (refunded before
    shipping): in turn, in either order, nothing stays sold."""
    orders = [{"订单编号": order, "买家实际支付金额": "0.00", "总金额": "39.00", "订单状态": CLOSED,
               "订单创建时间": "2017-07-08 09:00:00", "订单付款时间": "2017-07-08 09:01:00",
               "订单关闭原因": "退款"} for order in ORDER_IDS]
    lines = [{"订单编号": order, "标题": "菊花茶", "价格": "39.00", "购买数量": "1", "订单状态": PAID,
              "商家编码": "SCT-001"} for order in ORDER_IDS]
    made = []
    for name, content in [("orders.csv", exports.orders_2017(orders)), ("lines.csv", exports.lines_2017(lines))]:
        path = tmp_path / name
        path.write_bytes(content)
        made.append(path)
    return made


def queued(path, clerk, monkeypatch):
    """The file uploaded, checked and started on the worker (its task not sent: the test runs it)."""
    monkeypatch.setattr(tasks.run_taobao_import, "delay_on_commit", lambda pk: None)
    taobao_import = importing.check(importing.upload(path, filename=path.name, by=clerk))
    assert taobao_import.status == TaobaoImport.Status.CHECKED, taobao_import.refusal
    return importing.start(taobao_import, by=clerk, inline=False)


def state():
    return {
        "orders": sorted(TaobaoOrder.objects.values_list("order_id", "status", "sold")),
        "lines": sorted(TaobaoOrderLine.objects.values_list("order__order_id", "line_key", "target", "sold")),
        "stock": dict(Product.objects.values_list("sku", "on_hand")),
    }


def forget_imports(product):
    StockMove.objects.filter(order_line__isnull=False, reverses__isnull=False).delete()
    StockMove.objects.filter(order_line__isnull=False).delete()
    TaobaoOrderLine.objects.all().delete()
    TaobaoOrder.objects.all().delete()
    TaobaoImport.objects.all().delete()
    Product.objects.filter(pk=product.pk).update(on_hand=1000)


@pytest.mark.parametrize("staged", [True, False], ids=["lines-staged", "lines-in-python"])
def test_an_orders_file_and_a_lines_file_imported_at_once_end_as_if_run_in_turn(
        tmp_path, shelf, clerk, monkeypatch, staged):
    monkeypatch.setattr(settings, "SHOPTEAM_IMPORT_IN_SQL", staged)
    orders, lines = files(tmp_path)
    for path in (lines, orders):
        assert importing.run(queued(path, clerk, monkeypatch).pk).status == "done"
    in_turn = state()
    assert in_turn["stock"] == {"SCT-001": 1000} and {line[2] for line in in_turn["lines"]} == {0}
    forget_imports(shelf)

    first, second = queued(orders, clerk, monkeypatch), queued(lines, clerk, monkeypatch)
    outcomes = run_at_once(lambda: importing.run(first.pk).status, lambda: importing.run(second.pk).status)
    assert outcomes == ["done", "done"]
    assert state() == in_turn
