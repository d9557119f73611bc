"""The stock ledger: moves are written here and each product's cached on-hand is changed with F() under
its row lock, in the same transaction; nothing is ever deleted."""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopteam.errors import ServiceError

from .. import rules
from ..models import InventorySettings, LowStockAlert, Product, StockMove
from .work import in_shop_language

if TYPE_CHECKING:  # a development dependency: never imported when the app runs
    from django_stubs_ext import StrOrPromise

# The sign a kind's quantity must have (adjustments and stocktake differences go either way).
SIGNS: dict[str, int] = {StockMove.Kind.RECEIPT: 1, StockMove.Kind.SALE: -1, StockMove.Kind.RETURN: 1}
# Kinds a person records by hand; stocktake differences and reversals have their own services.
MANUAL_KINDS = [StockMove.Kind.RECEIPT, StockMove.Kind.SALE, StockMove.Kind.RETURN, StockMove.Kind.ADJUSTMENT]
UPDATE_CHUNK = 500


def require_stock_rights(user: User | None) -> None:
    """Refuse anyone but the product group, the shop manager and the admins (`rules.stock_rights_refusal`)."""
    rules.require(rules.stock_rights_refusal(user))


# What a wrong move of each signed kind is corrected with, said when its sign is refused.
SIGN_HINTS: dict[str, StrOrPromise] = {
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


def move_limit() -> int:
    """The most units one move a person records may hold (Admin → Inventory settings)."""
    return InventorySettings.current().move_limit


def over_the_limit(quantity: int, limit: int) -> str | None:
    """The refusal's words when `quantity` units are more than the shop's limit for one move, else None."""
    if abs(quantity) <= limit:
        return None
    return _("%(quantity)s units in one move is more than the limit of %(limit)s per move (Admin → Inventory "
             "settings): check the number, or ask an admin to raise the limit.") % {
        "quantity": f"{abs(quantity):,}", "limit": f"{limit:,}"}


def _check_move(move: StockMove, *, limit: int) -> str | None:
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
def record_moves(moves: Iterable[StockMove], *, by: User | None) -> list[StockMove]:
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
    deltas: defaultdict[int, int] = defaultdict(int)
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


def change_stock(locked: list[Product], deltas: Mapping[int, int], *, heading: str | None = None) -> None:
    """Change the stock of the `locked` products (`lock_products`) by `deltas` ({product id: units}), in the
    caller's transaction, alongside the moves that say why: refused whole, naming every product it would take
    below zero (after `heading`, if given); a product lifted above its reorder point has its alert closed."""
    short = shortages(locked, deltas)
    if short:
        raise ServiceError([heading, *short] if heading else short)
    add_to_stock({pk: delta for pk, delta in deltas.items() if delta})
    close_recovered_alerts(recovered(locked, deltas))


def lock_products(ids: Iterable[int]) -> list[Product]:
    """The products with these ids, locked in primary-key order (two writers never wait on each other in a
    cycle) and re-read under the lock."""
    return list(
        Product.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
        .only("pk", "sku", "name", "on_hand", "allow_negative", "reorder_point")
    )


def shortages(locked: list[Product], deltas: Mapping[int, int]) -> list[str]:
    """A message for every locked product that `deltas` would take below zero without an admin's allowance."""
    short = []
    for product in locked:
        delta = deltas.get(product.pk, 0)
        if delta < 0 and product.on_hand + delta < 0 and not product.allow_negative:
            short.append(_("%(sku)s %(name)s: %(on_hand)d in stock, %(needed)d to take out: short by %(short)d.") % {
                "sku": product.sku, "name": product.name, "on_hand": product.on_hand, "needed": -delta,
                "short": -(product.on_hand + delta)})
    return short


def add_to_stock(deltas: Mapping[int, int]) -> None:
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


def recovered(locked: list[Product], deltas: Mapping[int, int]) -> list[int]:
    """Ids of the locked products that `deltas` lift above their reorder point."""
    return [p.pk for p in locked if deltas.get(p.pk, 0) > 0 and p.on_hand + deltas[p.pk] > p.reorder_point]


def record_move(product: Product, *, kind: str, quantity: int, by: User | None, reason: str = "", reference: str = "",
                moved_at: datetime.datetime | None = None, amount: Decimal | None = None, key: str = "") -> StockMove:
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
def reverse_move(move: StockMove, *, by: User | None, reason: str, moved_at: datetime.datetime | None = None,
                 key: str = "") -> StockMove:
    """Correct a mistake: write the opposite move, pointing at it. What may be reversed is `rules.refusal`'s
    (the product page asks it too): a move reversed at most once, a reversal not reversed (record a new move
    instead), a move an import wrote corrected only by importing."""
    require_stock_rights(by)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the move is reversed."))
    original = StockMove.objects.select_for_update().select_related("product").get(pk=move.pk)
    rules.require(rules.refusal(original, by, "reverse", may_change=True))
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


def close_recovered_alerts(product_ids: list[int], *, note: str | None = None) -> list[LowStockAlert]:
    """Close the open alerts of these products (their stock is above the reorder point again), and mark the
    restock tasks about them done. Called in the transaction of the move that lifted the stock."""
    if not product_ids:
        return []
    from tasks.services import complete_tasks_about

    alerts = list(LowStockAlert.objects.select_for_update().filter(product_id__in=product_ids, closed_at__isnull=True))
    if not alerts:
        return []
    LowStockAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(closed_at=timezone.now())
    for alert in alerts:
        complete_tasks_about(alert, source="stock_alert",
                             note=note or in_shop_language(gettext_lazy("Stock recovered: the alert closed itself.")))
    return alerts
