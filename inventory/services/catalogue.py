"""The product catalogue from a spreadsheet: read (what it would do) and imported (all or nothing)."""
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError

from ..models import DEFAULT_SUPPLIER, Product, Supplier
from ..spreadsheets import open_table
from .ledger import move_limit, over_the_limit, require_stock_rights
from .products import clean_product_fields, create_product, parse_count, update_product

CATALOGUE_COLUMNS = {
    "商家编码": "sku", "商品名称": "name", "供应商": "supplier", "成本价": "cost", "售价": "price",
    "补货点": "reorder_point", "补货量": "reorder_quantity", "期初库存": "opening_stock", "分类": "category",
    "货架": "shelf", "状态": "status",
}
STATUS_WORDS = {
    "在售": Product.Status.LISTED, "上架": Product.Status.LISTED, "出售中": Product.Status.LISTED,
    "下架": Product.Status.UNLISTED, "未上架": Product.Status.UNLISTED, "仓库中": Product.Status.UNLISTED,
    "停售": Product.Status.DISCONTINUED, "停产": Product.Status.DISCONTINUED,
    **{value: value for value in Product.Status.values},
}


def read_catalogue(path: str | Path, *, name: str) -> dict[str, Any]:
    """What importing the catalogue file would do, without writing anything:
    {"new": [fields], "changed": [(product, {field: (old, new)})], "unchanged": int, "problems": [(row, reason)],
     "new_suppliers": [names], "rows": int}. A file that is not a catalogue is refused whole (TableRefused)."""
    table = open_table(path, name=name, required=["商家编码", "商品名称"], optional=list(CATALOGUE_COLUMNS))
    existing = {p.sku: p for p in Product.objects.select_related("supplier")}
    suppliers = {s.name: s for s in Supplier.objects.all()}
    plan: dict[str, Any] = {"new": [], "changed": [], "unchanged": 0, "problems": [], "new_suppliers": [], "rows": 0,
            "columns": [c for c in CATALOGUE_COLUMNS if c in table.columns]}
    seen: dict[str, int] = {}
    limit = move_limit()
    for number, cells in table.rows():
        plan["rows"] += 1
        fields = {CATALOGUE_COLUMNS[column]: value for column, value in cells.items()}
        sku = " ".join(fields.get("sku", "").split())
        if sku in seen:
            plan["problems"].append((number, _("SKU %(sku)s is already on row %(row)s.") % {"sku": sku,
                                                                                           "row": seen[sku]}))
            continue
        seen[sku] = number
        product = existing.get(sku)
        supplier_name = fields.pop("supplier", "") or (product.supplier.name if product else DEFAULT_SUPPLIER)
        if supplier_name not in suppliers:
            suppliers[supplier_name] = Supplier(name=supplier_name)
            plan["new_suppliers"].append(supplier_name)
        fields["supplier"] = suppliers[supplier_name]
        if "status" in fields:
            status = fields["status"]
            fields["status"] = STATUS_WORDS.get(status, status) if status else (
                product.status if product else Product.Status.LISTED)
        opening = fields.pop("opening_stock", "")
        # An empty cell keeps the product's value (a new product gets the default).
        fields = {k: v for k, v in fields.items() if v not in ("", None) or k in ("sku", "name")}
        try:
            clean = clean_product_fields({k: v for k, v in fields.items() if k != "supplier"},
                                         instance=product)
            clean["supplier"] = fields["supplier"]
            opening = parse_count(opening, _("Opening stock"))
            if refusal := over_the_limit(opening, limit):
                raise ServiceError(refusal)
        except ServiceError as error:
            plan["problems"] += [(number, message) for message in error.messages]
            continue
        if product is None:
            plan["new"].append({**clean, "opening_stock": opening, "row": number})
            continue
        changes = {k: (getattr(product, k), v) for k, v in clean.items() if getattr(product, k) != v
                   and not (k == "supplier" and product.supplier_id == v.pk)}
        if changes:
            plan["changed"].append((product, changes))
        else:
            plan["unchanged"] += 1
    if not plan["rows"]:
        plan["problems"].append((table.header_row, _("The file has its header but no product rows.")))
    return plan


@transaction.atomic
def import_catalogue(path: str | Path, *, name: str, by: User | None) -> dict[str, Any]:
    """Create and update products from the file, all or nothing: a file with any problem row imports nothing
    and the error lists every row. Importing the same file again changes nothing. Returns the plan applied."""
    require_stock_rights(by)
    plan = read_catalogue(path, name=name)
    if plan["problems"]:
        raise ServiceError([_("Row %(row)s: %(reason)s") % {"row": row, "reason": reason}
                            for row, reason in plan["problems"]])
    for supplier_name in plan["new_suppliers"]:
        Supplier.objects.get_or_create(name=supplier_name)
    suppliers = {s.name: s for s in Supplier.objects.all()}
    for fields in plan["new"]:
        fields = dict(fields)
        fields.pop("row")
        fields["supplier"] = suppliers[fields["supplier"].name]
        create_product(by=by, **fields)
    for product, changes in plan["changed"]:
        values = {k: new for k, (_old, new) in changes.items()}
        if "supplier" in values:
            values["supplier"] = suppliers[values["supplier"].name]
        update_product(product, by=by, **values)
    return plan
