"""Every change to the storeroom. Stock changes only here: moves are written to the ledger and each product's
cached on-hand is changed with F() under its row lock, in the same transaction; nothing is ever deleted."""
import datetime
import logging
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roles import selectors as roles_selectors
from shopteam.errors import ServiceError
from shopteam.money import NotMoney
from shopteam.money import parse as parse_money
from shopteam.notifications.services import notify
from shopteam.people import moment_text
from shopteam.queueing import queue_now, task_named

from . import rules, selectors, signals
from .models import (
    DEFAULT_SUPPLIER,
    DriftCheck,
    InventorySettings,
    Product,
    StockMove,
    Stocktake,
    StocktakeLine,
    Supplier,
    TaobaoImport,
)

logger = logging.getLogger(__name__)

# The sign a kind's quantity must have (adjustments and stocktake differences go either way).
SIGNS = {StockMove.Kind.RECEIPT: 1, StockMove.Kind.SALE: -1, StockMove.Kind.RETURN: 1}
# Kinds a person records by hand; stocktake differences and reversals have their own services.
MANUAL_KINDS = [StockMove.Kind.RECEIPT, StockMove.Kind.SALE, StockMove.Kind.RETURN, StockMove.Kind.ADJUSTMENT]
PRODUCT_FIELDS = ["sku", "name", "supplier", "category", "shelf", "cost", "price", "reorder_point",
                  "reorder_quantity", "status"]
MONEY_LIMIT = Decimal("9999999999.99")
UPDATE_CHUNK = 500


def default_supplier():
    """食草堂 (Shicaotang), created if an admin or a test emptied the table."""
    supplier, _created = Supplier.objects.get_or_create(name=DEFAULT_SUPPLIER, defaults={"note": "Shicaotang"})
    return supplier


def require_stock_rights(user):
    if user is not None and not selectors.can_change_stock(user):
        raise ServiceError(_("Only the product group, the shop manager and the admins can change stock."))


# --- products --------------------------------------------------------------------------------------------


def _money(value, label):
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


def _count(value, label):
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


def clean_product_fields(fields, *, instance=None):
    """Checked and normalised product fields; every problem at once (ServiceError)."""
    problems, clean = [], {}
    checks = {
        "cost": (_money, _("Cost")), "price": (_money, _("Price")),
        "reorder_point": (_count, _("Reorder point")), "reorder_quantity": (_count, _("Reorder quantity")),
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
        elif Product.objects.filter(sku=clean["sku"]).exclude(pk=instance.pk if instance else None).exists():
            problems.append(_("Another product already has the SKU %(sku)s.") % {"sku": clean["sku"]})
    if "name" in clean and not clean["name"]:
        problems.append(_("Give the product a name."))
    if "name" in clean and len(clean["name"]) > 200:
        problems.append(_("Keep the name under 200 characters."))
    if problems:
        raise ServiceError(problems)
    return clean


@transaction.atomic
def create_product(*, by, opening_stock=0, **fields):
    """A new product (and its opening stock as an adjustment move); files the new-product work for the visual,
    marketing and customer-service groups."""
    require_stock_rights(by)
    fields.setdefault("supplier", None)
    clean = clean_product_fields(fields)
    opening = _count(opening_stock, _("Opening stock"))
    try:
        with transaction.atomic():
            product = Product.objects.create(created_by=by, **clean)
    except IntegrityError:
        raise ServiceError(_("Another product already has the SKU %(sku)s.") % {"sku": clean["sku"]}) from None
    if opening:
        record_moves([StockMove(product=product, kind=StockMove.Kind.ADJUSTMENT, quantity=opening,
                                reason=_("Opening stock"), key=f"opening:{product.pk}")], by=by)
    from .alerts import file_new_product_tasks

    file_new_product_tasks(product, by=by)
    return product




@transaction.atomic
def update_product(product, *, by, allow_negative=None, **fields):
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


# --- the ledger ------------------------------------------------------------------------------------------


# What a wrong move of each signed kind is corrected with, said when its sign is refused.
SIGN_HINTS = {
    StockMove.Kind.RECEIPT: gettext_lazy("it counts the units that came in. To correct a wrong receipt, reverse it "
                                         "in the movement history, or record an adjustment with the reason."),
    StockMove.Kind.RETURN: gettext_lazy("it counts the units that came back. To correct a wrong return, reverse it "
                                        "in the movement history, or record an adjustment with the reason."),
    StockMove.Kind.SALE: gettext_lazy("it counts the units that went out. To correct a wrong sale, reverse it in "
                                      "the movement history, or record an adjustment with the reason."),
}
# Kinds not held to the shop's move limit: a reversal undoes a move as it was, a stocktake difference comes from
# counts that were held to it.
UNLIMITED_KINDS = (StockMove.Kind.REVERSAL, StockMove.Kind.STOCKTAKE)


def move_limit():
    """The most units one move a person records may hold (Admin → Inventory settings)."""
    return InventorySettings.current().move_limit


def over_the_limit(quantity, limit):
    """The refusal's words when `quantity` units are more than the shop's limit for one move, else None."""
    if abs(quantity) <= limit:
        return None
    return _("%(quantity)s units in one move is more than the limit of %(limit)s per move (Admin → Inventory "
             "settings): check the number, or ask an admin to raise the limit.") % {
        "quantity": f"{abs(quantity):,}", "limit": f"{limit:,}"}


def _check_move(move, *, limit):
    if not isinstance(move.quantity, int) or isinstance(move.quantity, bool) or move.quantity == 0:
        return _("%(sku)s: a move needs a quantity other than zero.") % {"sku": move.product.sku}
    sign = SIGNS.get(move.kind)
    if sign is not None and move.quantity * sign < 0:
        return _("%(sku)s: a %(kind)s cannot be %(quantity)+d: %(hint)s") % {
            "sku": move.product.sku, "kind": move.get_kind_display(), "quantity": move.quantity,
            "hint": SIGN_HINTS[move.kind]}
    if move.kind not in UNLIMITED_KINDS and (refusal := over_the_limit(move.quantity, limit)):
        return f"{move.product.sku}: {refusal}"
    if move.kind == StockMove.Kind.REVERSAL and move.reverses_id is None:
        return _("A reversal must name the move it reverses.")
    if move.kind in (StockMove.Kind.ADJUSTMENT, StockMove.Kind.REVERSAL) and not move.reason.strip():
        return _("%(sku)s: say why (an adjustment or a reversal needs a reason).") % {"sku": move.product.sku}
    return None


@transaction.atomic
def record_moves(moves, *, by):
    """Write `moves` (unsaved StockMoves) to the ledger and change each product's stock by their sum.

    The products are locked in primary-key order (so two writers touching several products never deadlock)
    and re-read under the lock; if any would go below zero without an admin's allowance, nothing is written
    and the error names every short product and by how much. Returns the saved moves; their `product`
    instances carry the new stock.
    """
    moves = list(moves)
    if not moves:
        return []
    require_stock_rights(by)
    limit = move_limit()
    problems = [problem for move in moves if (problem := _check_move(move, limit=limit))]
    if problems:
        raise ServiceError(problems)
    deltas = defaultdict(int)
    for move in moves:
        deltas[move.product_id] += move.quantity
    locked = lock_products(deltas)
    change_stock(locked, deltas)
    for move in moves:
        move.by = by if move.by_id is None else move.by
    StockMove.objects.bulk_create(moves)
    after = {product.pk: product.on_hand + deltas[product.pk] for product in locked}
    for move in moves:
        move.product.on_hand = after[move.product_id]
    return moves


def change_stock(locked, deltas, *, heading=None):
    """Change the stock of the `locked` products (`lock_products`) by `deltas` ({product id: units}), in the
    caller's transaction, alongside the moves that say why: refused whole, naming every product it would take
    below zero (after `heading`, if given); a product lifted above its reorder point has its alert closed."""
    short = shortages(locked, deltas)
    if short:
        raise ServiceError([heading, *short] if heading else short)
    add_to_stock({pk: delta for pk, delta in deltas.items() if delta})
    from .alerts import close_recovered_alerts

    close_recovered_alerts(recovered(locked, deltas))


def lock_products(ids):
    """The products with these ids, locked in primary-key order (two writers never wait on each other in a
    cycle) and re-read under the lock."""
    return list(
        Product.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
        .only("pk", "sku", "name", "on_hand", "allow_negative", "reorder_point")
    )


def shortages(locked, deltas):
    """A message for every locked product that `deltas` would take below zero without an admin's allowance."""
    short = []
    for product in locked:
        delta = deltas.get(product.pk, 0)
        if delta < 0 and product.on_hand + delta < 0 and not product.allow_negative:
            short.append(_("%(sku)s %(name)s: %(on_hand)d in stock, %(needed)d to take out: short by %(short)d.") % {
                "sku": product.sku, "name": product.name, "on_hand": product.on_hand, "needed": -delta,
                "short": -(product.on_hand + delta)})
    return short


def add_to_stock(deltas):
    """on_hand += delta per product, with F() (the rows are already locked), in few statements."""
    items = sorted(deltas.items())
    for offset in range(0, len(items), UPDATE_CHUNK):
        chunk = items[offset:offset + UPDATE_CHUNK]
        if len(chunk) == 1:
            Product.objects.filter(pk=chunk[0][0]).update(on_hand=F("on_hand") + chunk[0][1])
            continue
        change = Case(*[When(pk=pk, then=Value(delta)) for pk, delta in chunk], default=Value(0),
                      output_field=IntegerField())
        Product.objects.filter(pk__in=[pk for pk, _delta in chunk]).update(on_hand=F("on_hand") + change)


def recovered(locked, deltas):
    """Ids of the locked products that `deltas` lift above their reorder point."""
    return [p.pk for p in locked if deltas.get(p.pk, 0) > 0 and p.on_hand + deltas[p.pk] > p.reorder_point]


def record_move(product, *, kind, quantity, by, reason="", reference="", moved_at=None, amount=None, key=""):
    """One move of `quantity` (signed: + into stock, − out of it)."""
    if kind not in MANUAL_KINDS and kind != StockMove.Kind.STOCKTAKE:
        raise ServiceError(_("That kind of move is recorded by its own step (a reversal reverses a move)."))
    move = StockMove(
        product=product, kind=kind, quantity=quantity, reason=(reason or "").strip(),
        reference=(reference or "").strip()[:100], moved_at=moved_at or timezone.now(), amount=amount, key=key,
    )
    if amount is None and kind in (StockMove.Kind.SALE, StockMove.Kind.RETURN):
        move.amount = -quantity * product.price  # a sale brings the price in, a return pays it back
    return record_moves([move], by=by)[0]


@transaction.atomic
def reverse_move(move, *, by, reason, moved_at=None, key=""):
    """Correct a mistake: write the opposite move, pointing at it. What may be reversed is `rules.move_refusal`'s
    (the product page asks it too): a move reversed at most once, a reversal not reversed (record a new move
    instead), a move an import wrote corrected only by importing."""
    require_stock_rights(by)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the move is reversed."))
    original = StockMove.objects.select_for_update().select_related("product").get(pk=move.pk)
    rules.require(rules.move_refusal(original, by, "reverse", may_change=True))
    reversal = StockMove(
        product=original.product, kind=StockMove.Kind.REVERSAL, quantity=-original.quantity, reverses=original,
        amount=-original.amount if original.amount is not None else None, reason=reason,
        reference=original.reference, moved_at=moved_at or timezone.now(), key=key,
    )
    try:
        with transaction.atomic():
            return record_moves([reversal], by=by)[0]
    except IntegrityError:
        raise ServiceError(_("This move was already reversed.")) from None


# --- the nightly drift check -----------------------------------------------------------------------------

DRIFT_TITLE = gettext_lazy("Stock drift: %(count)s product(s) disagree with the ledger")
DRIFT_BODY = gettext_lazy("The cached stock of these products differs from the sum of their moves:\n%(lines)s\n"
                          "Nothing was changed; find the cause before correcting anything.")


def drift_watchers():
    """Who hears about drift: the admins and whoever holds the product group's leader post."""
    people = list(get_user_model().objects.filter(is_superuser=True, is_active=True))
    return people + roles_selectors.leaders(selectors.PRODUCT_DEPARTMENT)


def check_drift(*, now=None):
    """Re-add the ledger of every product and record the result, once per day (a second run that day returns
    the first check). Drift is reported to the admins and the product leader; nothing is corrected."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    existing = DriftCheck.objects.filter(day=day).first()
    if existing:
        return existing
    with transaction.atomic():
        drift = selectors.stock_drift()
        check, created = DriftCheck.objects.get_or_create(
            day=day, defaults={"checked_at": now, "drift": drift, "products_checked": Product.objects.count()}
        )
        if created and drift:
            lines = "\n".join(f"{d['sku']}: {d['on_hand']} ≠ {d['ledger']}" for d in drift[:50])
            notify(drift_watchers(), title=DRIFT_TITLE, body=DRIFT_BODY, params={"count": len(drift), "lines": lines},
                   url="/stock/", event="stock.drift")
    return check


# --- the product catalogue from a spreadsheet ------------------------------------------------------------

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


def read_catalogue(path, *, name):
    """What importing the catalogue file would do, without writing anything:
    {"new": [fields], "changed": [(product, {field: (old, new)})], "unchanged": int, "problems": [(row, reason)],
     "new_suppliers": [names], "rows": int}. A file that is not a catalogue is refused whole (TableRefused)."""
    from .tables import open_table

    table = open_table(path, name=name, required=["商家编码", "商品名称"], optional=list(CATALOGUE_COLUMNS))
    existing = {p.sku: p for p in Product.objects.select_related("supplier")}
    suppliers = {s.name: s for s in Supplier.objects.all()}
    plan = {"new": [], "changed": [], "unchanged": 0, "problems": [], "new_suppliers": [], "rows": 0,
            "columns": [c for c in CATALOGUE_COLUMNS if c in table.columns]}
    seen, limit = {}, move_limit()
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
            opening = _count(opening, _("Opening stock"))
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
def import_catalogue(path, *, name, by):
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


# --- stocktakes ------------------------------------------------------------------------------------------

def _stocktake_products(scope, value):
    products = Product.objects.exclude(status=Product.Status.DISCONTINUED)
    if scope == Stocktake.Scope.CATEGORY:
        products = products.filter(category=value)
    elif scope == Stocktake.Scope.SHELF:
        products = products.filter(shelf=value)
    return products


@transaction.atomic
def start_stocktake(*, by, scope="all", scope_value="", note=""):
    """Start counting all products, a category or a shelf. A product is in one open count at a time (two counts
    posting their differences would correct the same shortfall twice)."""
    require_stock_rights(by)
    scope_value = " ".join((scope_value or "").split())
    if scope not in Stocktake.Scope.values:
        raise ServiceError(_("Choose what to count: all products, a category or a shelf."))
    if scope != Stocktake.Scope.ALL and not scope_value:
        raise ServiceError(_("Name the category or shelf to count."))
    products = list(_stocktake_products(scope, scope_value).order_by("pk").values_list("pk", flat=True))
    if not products:
        raise ServiceError(_("No product is in %(scope)s “%(value)s”.") % {"scope": Stocktake.Scope(scope).label,
                                                                          "value": scope_value})
    busy = (StocktakeLine.objects.filter(open=True, product_id__in=products)
            .select_related("stocktake", "product").order_by("product__sku")[:5])
    if busy:
        raise ServiceError([_("%(sku)s is already being counted in %(stocktake)s: post or abandon that count first.")
                            % {"sku": line.product.sku, "stocktake": line.stocktake} for line in busy])
    stocktake = Stocktake.objects.create(scope=scope, scope_value=scope_value if scope != "all" else "",
                                         note=(note or "").strip(), started_by=by)
    try:
        with transaction.atomic():
            StocktakeLine.objects.bulk_create(StocktakeLine(stocktake=stocktake, product_id=pk) for pk in products)
    except IntegrityError:
        raise ServiceError(_("Another count of some of these products started at the same moment.")) from None
    return stocktake


def can_count(user):
    """Who counts: the product group, the shop manager, the admins, and customer service (the playbook has the
    customer-service leader help the product group count the storeroom). Posting is the product group's."""
    if selectors.can_change_stock(user):
        return True
    return roles_selectors.holds_in(user, "customer-service")


def _open_stocktake(stocktake):
    locked = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    if locked.status != Stocktake.Status.COUNTING:
        raise ServiceError(_("%(stocktake)s is %(status)s: it cannot change any more.")
                           % {"stocktake": locked, "status": locked.get_status_display()})
    return locked


@transaction.atomic
def count_line(line, *, counted, by):
    """Record what is on the shelf now. The expected stock is the ledger's at this moment (read under the
    product's lock, after any move being written), so sales recorded later are not undone by the posting."""
    if not can_count(by):
        raise ServiceError(_("Only the product group, customer service, the shop manager and the admins count "
                             "stock."))
    try:
        counted = int(str(counted).strip())
    except ValueError:
        raise ServiceError(_("Count in whole items, not “%(value)s”.") % {"value": counted}) from None
    if counted < 0:
        raise ServiceError(_("A count of %(value)s items cannot be right.") % {"value": counted})
    if refusal := over_the_limit(counted, move_limit()):
        raise ServiceError(refusal)
    line = StocktakeLine.objects.select_for_update().get(pk=line.pk)
    _open_stocktake(line.stocktake)
    product = Product.objects.select_for_update().only("pk", "on_hand").get(pk=line.product_id)
    line.expected_at_count = product.on_hand
    line.counted, line.counted_at, line.counted_by = counted, timezone.now(), by
    line.save(update_fields=["expected_at_count", "counted", "counted_at", "counted_by"])
    return line


@transaction.atomic
def post_stocktake(stocktake, *, by):
    """Write each counted difference (counted − expected when counted) as a stocktake move; the count is then
    closed. Refused while any line is uncounted, and, like any move, if a difference would go below zero."""
    require_stock_rights(by)
    stocktake = _open_stocktake(stocktake)
    lines = list(stocktake.lines.select_related("product").order_by("pk"))
    uncounted = [line for line in lines if line.counted is None]
    if uncounted:
        raise ServiceError(_("%(count)d product(s) are not counted yet (%(skus)s): count them, or press “We cannot "
                             "finish this count”.") % {"count": len(uncounted), "skus": "、".join(
                                 line.product.sku for line in uncounted[:5]) + ("…" if len(uncounted) > 5 else "")})
    differing = [line for line in lines if line.difference]
    moves = [
        StockMove(product=line.product, kind=StockMove.Kind.STOCKTAKE, quantity=line.difference,
                  reason=_("Counted %(counted)d, the ledger said %(expected)d at %(when)s.") % {
                      "counted": line.counted, "expected": line.expected_at_count,
                      "when": moment_text(line.counted_at)},
                  reference=str(stocktake)[:100])
        for line in differing
    ]
    record_moves(moves, by=by)
    for line, move in zip(differing, moves, strict=True):
        line.move = move
    StocktakeLine.objects.bulk_update(differing, ["move"])
    stocktake.lines.update(open=False)
    stocktake.status, stocktake.closed_by, stocktake.closed_at = stocktake.Status.POSTED, by, timezone.now()
    stocktake.save(update_fields=["status", "closed_by", "closed_at"])
    return stocktake


@transaction.atomic
def abandon_stocktake(stocktake, *, by, reason):
    require_stock_rights(by)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the count is abandoned."))
    stocktake = _open_stocktake(stocktake)
    stocktake.lines.update(open=False)
    stocktake.status, stocktake.closed_by, stocktake.closed_at = stocktake.Status.ABANDONED, by, timezone.now()
    stocktake.close_reason = reason
    stocktake.save(update_fields=["status", "closed_by", "closed_at", "close_reason"])
    return stocktake


UNCLEAR_DIFFICULTY = "stocktake-incomplete"  # 盘点不清 in roles.playbook


def raise_stocktake_unclear(stocktake, *, by, description=""):
    """“We cannot finish this count”: raise the playbook's 盘点不清 from the person's product-group post, about
    this stocktake (once: pressing it again returns the same case). The count stays open for the helpers."""
    from escalation.services import raise_case
    from roles.models import Difficulty

    posts = selectors.product_posts_held(by)
    if not posts:
        raise ServiceError(_("盘点不清 is the product group's difficulty: only someone holding a post in the product "
                             "group can raise it. Ask the product leader, or raise a free-form case from My posts."))
    difficulty = Difficulty.objects.filter(code=UNCLEAR_DIFFICULTY).first()
    if difficulty is None:
        raise ServiceError(_("The playbook's 盘点不清 difficulty is missing: ask an admin to load the playbook."))
    lines = stocktake.lines.all()
    counted = lines.exclude(counted=None).count()
    summary = _("%(stocktake)s: %(counted)d of %(total)d products counted.") % {
        "stocktake": stocktake, "counted": counted, "total": lines.count()}
    text = "\n".join(part for part in [summary, (description or "").strip()] if part)
    return raise_case(by=by, post=posts[0], difficulty=difficulty, description=text, subject=stocktake,
                      key=f"stocktake-{stocktake.pk}")


# --- Taobao money: the booking outbox -----------------------------------------------------------------------
# An import records the days whose money it changed (TaobaoImport.money_days) in its own transaction; after
# commit they are booked here, a failure is retried by tasks.book_taobao_money, and the nightly sweep
# (tasks.book_pending_taobao_money) books any import still waiting. The dashboard says when one waits.


# The retrying job (tasks.book_taobao_money), queued by name: the task module imports this one.
BOOK_TAOBAO_MONEY = "inventory.tasks.book_taobao_money"


def book_taobao_money(import_id):
    """Book a done import's money days: `orders_imported` is sent synchronously (finance's day sync listens) and
    the import is marked booked only if no receiver raised; an error propagates so the job retries. Safe to run
    again: finance rewrites a day only when its total changed, and a booked import is not sent again. A receiver
    may return a note (finance: the refusal it told finance of, final, not retried), kept on the import. True when
    this call booked it."""
    imp = TaobaoImport.objects.filter(pk=import_id, status=TaobaoImport.Status.DONE, money_booked_at=None).first()
    if imp is None:
        return False
    dates = [datetime.date.fromisoformat(day) for day in imp.money_days]
    responses = signals.orders_imported.send(sender=TaobaoImport, import_id=imp.pk, dates=dates)
    note = "\n".join(str(response) for _receiver, response in responses if response)
    return bool(TaobaoImport.objects.filter(pk=imp.pk, money_booked_at=None)
                .update(money_booked_at=timezone.now(), money_note=note))


def book_taobao_money_after_commit(import_id):
    """Right after an import commits: book it at once; if that fails, the retrying job takes it over (and were the
    broker down too, the nightly sweep)."""
    try:
        book_taobao_money(import_id)
    except Exception:  # noqa: BLE001 - the import is committed; the job retries and the sweep is behind it
        logger.exception("Taobao import %s: its money could not be booked now; the booking job retries", import_id)
        job = task_named(BOOK_TAOBAO_MONEY)
        queue_now(job.apply_async, job.name, [((), {"args": (import_id,), "countdown": 60})])


def book_pending_taobao_money():
    """The nightly sweep: book every done import still waiting, oldest first. One that fails again stays waiting
    (logged) and the others go on. Returns how many were booked."""
    booked = 0
    for pk in selectors.taobao_imports_unbooked().order_by("finished_at", "pk").values_list("pk", flat=True):
        try:
            booked += book_taobao_money(pk)
        except Exception:  # noqa: BLE001 - the next import is booked all the same; this one waits for the next night
            logger.exception("Taobao import %s: its money could not be booked by the sweep", pk)
    return booked
