"""The demo's stock: made through the services, the same after a second run."""
import pytest
from django.apps import apps

from inventory import selectors
from inventory.models import LowStockAlert, Product, StockMove, Stocktake, TaobaoImport
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
    assert first["Product"] == 7 and first["TaobaoImport"] == 1 and first["Stocktake"] == 1
    assert first["LowStockAlert"] >= 2  # 枸杞 and 黄芪 sold down to their reorder points
    assert TaobaoImport.objects.get().status == "done"
    assert Product.objects.get(sku="SCT-GQ250").on_hand == 12  # 14 − 2 sold on Taobao
    assert Task.objects.filter(source="new_product").count() == 7 * 4
    config.load_demo()
    assert counts() == first
    assert selectors.stock_drift() == []
