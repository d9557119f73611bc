"""The demo's stock: made through the services, the same after a second run."""
import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from inventory import selectors
from inventory.models import LowStockAlert, Product, StockMove, Stocktake, TaobaoImport, TaobaoOrder
from tasks.models import Task

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (Product, StockMove, LowStockAlert, TaobaoImport,
                                                                 Stocktake, Task)}


def test_the_demo_stock_loads_once(team, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    config = apps.get_app_config("inventory")
    summary = config.load_demo()
    first = counts()
    assert "7 product(s) added" in summary
    assert first["Product"] == 7 and first["TaobaoImport"] == 3 and first["Stocktake"] == 1
    assert first["LowStockAlert"] >= 2  # 枸杞 and 黄芪 sold down to their reorder points
    assert set(TaobaoImport.objects.values_list("status", flat=True)) == {"done"}
    assert Product.objects.get(sku="SCT-GQ250").on_hand == 11  # 14 − 2 − 1 sold on Taobao
    assert Task.objects.filter(source="new_product").count() == 7 * 4
    config.load_demo()
    assert counts() == first
    assert selectors.stock_drift() == []


def test_the_demo_week_gives_the_desks_orders_with_buyers(team, settings, tmp_path):
    """Paid orders to pack, unpaid ones from today, shipped and received ones, each with its buyer."""
    settings.VAR_DIR = tmp_path
    apps.get_app_config("inventory").load_demo()
    week = TaobaoOrder.objects.filter(order_id__startswith="35153131473293580")
    by_status = {status: week.filter(status=status).count() for status in ("买家已付款，等待卖家发货",
                                                                            "等待买家付款", "交易成功")}
    assert by_status == {"买家已付款，等待卖家发货": 8, "等待买家付款": 3, "交易成功": 10}
    waiting = week.filter(status="买家已付款，等待卖家发货").first()
    assert waiting.buyer_nick and waiting.receiver_phone.startswith("1") and "号" in waiting.address
    assert waiting.lines.count() >= 1 and waiting.shipped_at is None and waiting.waybill == ""
    done = week.filter(status="交易成功")
    assert all(order.received_at and order.shipped_at and order.waybill for order in done)
    assert done.filter(received_at__lte=timezone.now() - datetime.timedelta(days=7)).count() >= 4
    assert selectors.stock_drift() == []
