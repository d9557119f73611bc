"""The desk against real imports of the seller centre's 订单报表: a later export that still says "waiting to ship"
flags an order shipped here; one that says shipped takes it off the desk and clears the flag."""
import pytest
from django.utils import timezone

from inventory import demo
from inventory.models import Product, TaobaoImport, TaobaoOrder
from shipping import selectors, services
from tests.inventory.factories import stocked

from .conftest import all_lines

pytestmark = pytest.mark.django_db
NUMBER, OTHER = "3515313147329399001", "3515313147329399002"


def order_row(number, status, *, waybill="", shipped=""):
    placed = timezone.localtime().replace(microsecond=0, tzinfo=None) - timezone.timedelta(hours=5)
    paid = placed + timezone.timedelta(minutes=3)
    return ",".join([f'="{number}"', "小鱼儿2019", "39.00", status, "39.00", "于晓雨", "浙江省 杭州市 西湖区 文三路",
                     "13857112345", demo._moment(placed), demo._moment(paid), "1", waybill,
                     "中通快递" if waybill else "", shipped, ""])


def import_orders(clerk, filename, rows):
    demo._import_rows(clerk, filename, demo.ORDERS_HEADER, rows)
    assert TaobaoImport.objects.get(filename=filename).status == TaobaoImport.Status.DONE


def test_later_exports_flag_then_close_an_order_shipped_here(team, packer, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    clerk = team["product_lead"]
    stocked(10, sku="SCT-JH50", name="食草堂 杭白菊 50g", by=clerk)
    demo._import_rows(clerk, "lines.csv", demo.LINES_HEADER,
                      [f'="{NUMBER}",食草堂 杭白菊 50g,39.00,1,null,null,null,null,{demo.WAITING},SCT-JH50,'])
    import_orders(clerk, "orders-1.csv", [order_row(NUMBER, demo.WAITING)])
    order = TaobaoOrder.objects.get(order_id=NUMBER)
    assert list(selectors.open_orders()) == [order] and Product.objects.get(sku="SCT-JH50").on_hand == 9
    services.ship_order(order, by=packer, carrier="中通快递", waybill="7300123", checked_lines=all_lines(order))
    assert list(selectors.flagged_parcels()) == []

    import_orders(clerk, "orders-2.csv", [order_row(NUMBER, demo.WAITING), order_row(OTHER, demo.WAITING)])
    assert [p.order.order_id for p in selectors.flagged_parcels()] == [NUMBER]

    now = demo._moment(timezone.localtime().replace(tzinfo=None))
    import_orders(clerk, "orders-3.csv", [order_row(NUMBER, demo.SHIPPED, waybill="7300123", shipped=now)])
    assert list(selectors.flagged_parcels()) == []
    assert [o.order_id for o in selectors.open_orders()] == [OTHER]
