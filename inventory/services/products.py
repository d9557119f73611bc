"""Products: their fields checked and normalised, created (with their opening stock and the work a new product
needs) and edited. Stock is never edited here: it changes by moves (ledger)."""
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError
from shopteam.money import NotMoney
from shopteam.money import parse as parse_money

from ..models import DEFAULT_SUPPLIER, InventorySettings, Product, StockMove, Supplier
from .ledger import record_moves, require_stock_rights
from .work import file_new_product_tasks

PRODUCT_FIELDS = ["sku", "name", "supplier", "category", "shelf", "cost", "price", "reorder_point",
                  "reorder_quantity", "status"]
MONEY_LIMIT = Decimal("9999999999.99")


def default_supplier() -> Supplier:
    """食草堂 (Shicaotang), created if an admin or a test emptied the table."""
    supplier, _created = Supplier.objects.get_or_create(name=DEFAULT_SUPPLIER, defaults={"note": "Shicaotang"})
    return supplier


def _money(value: Any, label: str) -> Decimal:
    if value in (None, ""):
        return Decimal("0.00")
    try:
        amount = parse_money(value)
    except NotMoney as error:
        if error.decimals:
            raise ServiceError(_("%(field)s has more than two decimals (fen): “%(value)s”.")
                               % {"field": label, "value": value}) from None
        raise ServiceError(_("%(field)s must be an amount, not “%(value)s”.") % {"field": label, "value": value}) \
            from None
    if amount < 0 or amount > MONEY_LIMIT:
        raise ServiceError(_("%(field)s cannot be %(value)s.") % {"field": label, "value": amount})
    return amount


def parse_count(value: Any, label: str) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ServiceError(_("%(field)s must be a whole number, not “%(value)s”.") % {"field": label, "value": value}) \
            from None
    if number < 0:
        raise ServiceError(_("%(field)s cannot be negative.") % {"field": label})
    if number > InventorySettings.MOVE_LIMIT_MOST:
        raise ServiceError(_("%(field)s cannot be %(value)s.") % {"field": label, "value": f"{number:,}"})
    return number


def clean_product_fields(fields: dict[str, Any], *, instance: Product | None = None) -> dict[str, Any]:
    """Checked and normalised product fields; every problem at once (ServiceError)."""
    problems: list[str] = []
    clean: dict[str, Any] = {}
    checks = {
        "cost": (_money, _("Cost")), "price": (_money, _("Price")),
        "reorder_point": (parse_count, _("Reorder point")), "reorder_quantity": (parse_count, _("Reorder quantity")),
    }
    for name, value in fields.items():
        if name in checks:
            check, label = checks[name]
            try:
                clean[name] = check(value, label)
            except ServiceError as error:
                problems += error.messages
        elif name in ("sku", "name", "category", "shelf"):
            clean[name] = " ".join(str(value or "").split())
        elif name == "status":
            if value not in Product.Status.values:
                problems.append(_("Unknown listing status “%(value)s”.") % {"value": value})
            clean[name] = value
        elif name == "supplier":
            clean[name] = value or default_supplier()
        else:
            raise ValueError(f"not a product field: {name}")
    if "sku" in clean:
        if not clean["sku"]:
            problems.append(_("Give the product its SKU (商家编码), as typed in the seller centre."))
        elif len(clean["sku"]) > 64:
            problems.append(_("Keep the SKU under 64 characters."))
        elif Product.objects.filter(sku=clean["sku"]).exclude(pk__in=[instance.pk] if instance else []).exists():
            problems.append(_("Another product already has the SKU %(sku)s.") % {"sku": clean["sku"]})
    if "name" in clean and not clean["name"]:
        problems.append(_("Give the product a name."))
    if "name" in clean and len(clean["name"]) > 200:
        problems.append(_("Keep the name under 200 characters."))
    if problems:
        raise ServiceError(problems)
    return clean


@transaction.atomic
def create_product(*, by: User | None, opening_stock: int | str = 0, **fields: Any) -> Product:
    """A new product (and its opening stock as an adjustment move); files the new-product work for the visual,
    marketing and customer-service groups."""
    require_stock_rights(by)
    fields.setdefault("supplier", None)
    clean = clean_product_fields(fields)
    opening = parse_count(opening_stock, _("Opening stock"))
    try:
        with transaction.atomic():
            product = Product.objects.create(created_by=by, **clean)
    except IntegrityError:
        raise ServiceError(_("Another product already has the SKU %(sku)s.") % {"sku": clean["sku"]}) from None
    if opening:
        record_moves([StockMove(product=product, kind=StockMove.Kind.ADJUSTMENT, quantity=opening,
                                reason=_("Opening stock"), key=f"opening:{product.pk}")], by=by)
    file_new_product_tasks(product, by=by)
    return product




@transaction.atomic
def update_product(product: Product, *, by: User | None, allow_negative: bool | None = None, **fields: Any) -> Product:
    """Change a product's fields (never its stock: that is a move). Only an admin lets it go below zero."""
    require_stock_rights(by)
    product = Product.objects.select_for_update().get(pk=product.pk)
    clean = clean_product_fields(fields, instance=product)
    if allow_negative is not None and allow_negative != product.allow_negative:
        if by is None or not by.is_superuser:
            raise ServiceError(_("Only an admin can let a product's stock go below zero."))
        if not allow_negative and product.on_hand < 0:
            raise ServiceError(_("%(sku)s has %(on_hand)d in stock: bring it back to zero or more before forbidding "
                                 "negative stock.") % {"sku": product.sku, "on_hand": product.on_hand})
        clean["allow_negative"] = allow_negative
    changed = [name for name, value in clean.items() if getattr(product, name) != value]
    if not changed:
        return product
    for name in changed:
        setattr(product, name, clean[name])
    product._change_reason = _("Edited by %(name)s") % {"name": by} if by else ""
    product.save(update_fields=changed)
    return product
