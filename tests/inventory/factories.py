"""Suppliers and products for inventory tests, and stock put on the shelf through the ledger."""
from decimal import Decimal

import factory

from inventory import services
from inventory.models import Product, StockMove, Supplier


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
