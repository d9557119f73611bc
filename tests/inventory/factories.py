"""Suppliers and products for inventory tests, stock put on the shelf through the ledger, and imported Taobao orders
(as an import leaves them, for the desks that work on them; the import itself is tested with real files)."""
import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from inventory import services, taobao
from inventory.models import Product, StockMove, Supplier, TaobaoOrder, TaobaoOrderLine


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"供应商{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    """A product with no stock: give it stock with `stocked(...)`, through the ledger like the shop does."""

    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SCT-{n:04d}")
    name = factory.Sequence(lambda n: f"食草堂草本茶{n}号")
    supplier = factory.LazyFunction(services.default_supplier)
    cost = Decimal("12.50")
    price = Decimal("39.00")
    reorder_point = 5
    reorder_quantity = 20


def stocked(quantity, *, by=None, **fields):
    """A product with `quantity` received into stock through the ledger."""
    product = ProductFactory(**fields)
    if quantity:
        services.record_move(product, kind=StockMove.Kind.RECEIPT, quantity=quantity, by=by, reference="入库单-测试")
    product.refresh_from_db()
    return product


class TaobaoOrderFactory(factory.django.DjangoModelFactory):
    """A paid order waiting to be shipped, as the 订单报表 exports it; pass `status=` (with its `status_rank` and
    `sold`) for another state: `TaobaoOrderFactory(**order_status("交易成功"))`."""

    class Meta:
        model = TaobaoOrder

    order_id = factory.Sequence(lambda n: f"35{n:017d}")
    status = "买家已付款，等待卖家发货"
    status_rank = taobao.PAID
    sold = True
    paid_amount = Decimal("78.00")
    total = Decimal("78.00")
    placed_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))
    paid_at = factory.LazyAttribute(lambda o: o.placed_at + datetime.timedelta(minutes=2))
    from_order_report = True
    buyer_nick = factory.Sequence(lambda n: f"买家{n}")
    receiver_name = factory.Sequence(lambda n: f"张{n}")
    receiver_phone = factory.Sequence(lambda n: f"138{n:08d}")
    address = "浙江省 杭州市 西湖区 文三路 100 号"


def order_status(status):
    """The status fields of an order the export says is in `status` (e.g. 交易成功)."""
    rank, sold = taobao.STATUSES[status]
    return {"status": status, "status_rank": rank, "sold": sold}


class TaobaoOrderLineFactory(factory.django.DjangoModelFactory):
    """A line of an order, for a product (a new one unless given); its target is what the import would sell."""

    class Meta:
        model = TaobaoOrderLine

    order = factory.SubFactory(TaobaoOrderFactory)
    product = factory.SubFactory(ProductFactory)
    line_key = factory.Sequence(lambda n: f"line-{n}")
    sku = factory.LazyAttribute(lambda line: line.product.sku)
    title = factory.LazyAttribute(lambda line: line.product.name)
    quantity = 1
    paid_amount = Decimal("39.00")
    status = factory.LazyAttribute(lambda line: line.order.status)
    paid_at = factory.LazyAttribute(lambda line: line.order.paid_at)
