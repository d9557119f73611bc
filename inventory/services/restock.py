"""Restock requests to suppliers: a draft per supplier collects the low-stock alerts' lines; it is edited,
sent, received (receipts in the ledger, what did not come back on a new draft) or cancelled. What may be done
to a request now is inventory.rules' (the page asks it too)."""
import re
from collections.abc import Mapping

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roles import selectors as roles_selectors
from shopteam.errors import ServiceError
from shopteam.notifications.services import notify
from shopteam.people import display_name

from .. import rules, selectors
from ..models import RestockLine, RestockRequest, StockMove, Supplier
from .ledger import move_limit, over_the_limit, record_moves, require_stock_rights
from .work import PRODUCT, in_shop_language


def draft_for(supplier: Supplier) -> RestockRequest:
    """The supplier's open draft request, created once (one draft per supplier, by a unique index)."""
    draft = RestockRequest.objects.select_for_update().filter(supplier=supplier, status=RestockRequest.Status.DRAFT)
    if (found := draft.first()) is not None:
        return found
    try:
        with transaction.atomic():
            return RestockRequest.objects.create(supplier=supplier)
    except IntegrityError:
        return draft.get()


RECEIVED_AT_MOST = 1_000_000
RECEIPT_REFERENCE = gettext_lazy("Restock request #%(id)s")
RECEIPT_REASON = gettext_lazy("%(asked)s asked of %(supplier)s, %(received)s received.")


@transaction.atomic
def change_restock(request: RestockRequest, *, action: str, by: User | None) -> RestockRequest:
    """Mark a restock request sent (a new draft then collects the next alerts) or cancelled. Receiving it records
    the goods: `receive_restock`."""
    require_stock_rights(by)
    if action not in ("send", "cancel"):
        raise ServiceError(_("Unknown action."))
    locked = _locked_in(request, action, by)
    return _moved_on(locked, rules.RESTOCK_MOVES[action][1], by)


@transaction.atomic
def receive_restock(request: RestockRequest, *, received: Mapping[int, int], by: User | None) -> RestockRequest:
    """The goods of a sent request arrived: one receipt move per product that came (`received`: {product id:
    units}; a product left out, or 0, did not come), with the request as its reference and what was asked beside
    what came as its reason; the request is then received. The stock, not the request, closes the alerts (the
    receipts lift the products above their reorder points). All or nothing; a second submit is refused."""
    require_stock_rights(by)
    target = RestockRequest.Status.RECEIVED
    already = RestockRequest.objects.select_for_update().get(pk=request.pk)
    if already.status == target:  # a second receipt of the same delivery: say who took it in, and when
        raise ServiceError(_("This delivery was already received by %(who)s at %(when)s.") % {
            "who": display_name(already.changed_by) if already.changed_by else _("Shopteam"),
            "when": formats.date_format(timezone.localtime(already.closed_at), "Y-m-d H:i")})
    locked = _locked_in(request, "receive", by)
    lines = {line.product_id: line for line in locked.lines.select_related("product")}
    problems = []
    for product_id, units in received.items():
        line = lines.get(product_id)
        if line is None:
            problems.append(_("A product that is not on this request cannot be received with it."))
        elif isinstance(units, bool) or not isinstance(units, int) or not 0 <= units <= RECEIVED_AT_MOST:
            problems.append(_("%(sku)s: the units received must be a whole number from 0 to %(most)s.")
                            % {"sku": line.product.sku, "most": f"{RECEIVED_AT_MOST:,}"})
    if problems:
        raise ServiceError(problems)
    arrived = {product_id: units for product_id, units in received.items() if units}
    if not arrived:
        raise ServiceError(_("Nothing was received: enter the units that arrived, or cancel the request."))
    reference = in_shop_language(RECEIPT_REFERENCE, id=locked.pk)
    record_moves([
        StockMove(product=lines[product_id].product, kind=StockMove.Kind.RECEIPT, quantity=units,
                  reference=reference, key=selectors.receipt_key(locked.pk, product_id),
                  reason=in_shop_language(RECEIPT_REASON, asked=lines[product_id].quantity,
                                           supplier=locked.supplier.name, received=units))
        for product_id, units in sorted(arrived.items())
    ], by=by)
    received_request = _moved_on(locked, target, by)
    reorder_shortfall(locked, {product_id: line.quantity - received.get(product_id, 0)
                               for product_id, line in lines.items()}, by=by)
    return received_request


WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+", re.ASCII)
EDIT_HISTORY = gettext_lazy("%(sku)s: quantity %(old)s → %(new)s")


@transaction.atomic
def edit_restock_quantities(request: RestockRequest, *, quantities: Mapping[int, int | str | None],
                            by: User | None) -> list[RestockLine]:
    """Change what a draft asks the supplier for before it is sent: `quantities` is {product id: the new
    quantity} (a number, or the text a person typed). Each must be a whole number from 1 to the shop's move
    limit; a problem anywhere refuses the whole edit and names every line at fault. Each changed line leaves a
    row in the request's history (who, when, “SKU: quantity old → new”). Returns the lines that changed."""
    require_stock_rights(by)
    locked = _locked_in(request, "edit", by)
    lines = {line.product_id: line for line in
             RestockLine.objects.select_for_update().select_related("product").filter(request=locked)}
    limit = move_limit()
    problems: list[str] = []
    changes: list[tuple[RestockLine, int]] = []
    for product_id, value in quantities.items():
        line = lines.get(product_id)
        if line is None:
            problems.append(_("A product that is not on this request cannot be edited with it."))
            continue
        quantity, problem = _asked_quantity(value, line.product.sku, limit)
        if problem:
            problems.append(problem)
        elif quantity is not None and quantity != line.quantity:
            changes.append((line, quantity))
    if problems:
        raise ServiceError(problems)
    for line, quantity in sorted(changes, key=lambda change: change[0].product.sku):
        old, line.quantity = line.quantity, quantity
        line.save(update_fields=["quantity"])
        locked.changed_by = by
        locked._history_user = by
        locked._change_reason = in_shop_language(EDIT_HISTORY, sku=line.product.sku, old=old, new=quantity)[:100]
        locked.save()
    return [line for line, _quantity in changes]


def _asked_quantity(value: int | str | None, sku: str, limit: int) -> tuple[int, None] | tuple[None, str]:
    """(quantity, None), or (None, the problem) for what a person asked the supplier for on one line."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return None, _("%(sku)s: enter the quantity to ask for.") % {"sku": sku}
    if not WHOLE_NUMBER.fullmatch(text):
        return None, _("%(sku)s: the quantity must be a whole number of units, not “%(value)s”.") % {
            "sku": sku, "value": text}
    quantity = int(text)
    if quantity <= 0:
        return None, _("%(sku)s: the quantity must be at least 1, not %(value)s. A line stays on the draft (its "
                       "product's alert counts on it); to ask for nothing at all, cancel the draft.") % {
            "sku": sku, "value": quantity}
    if refusal := over_the_limit(quantity, limit):
        return None, f"{sku}: {refusal}"
    return quantity, None


SHORT_REASON = gettext_lazy("%(missing)s of %(asked)s did not come with restock request #%(id)s.")
SHORT_HISTORY = gettext_lazy("From the short delivery of restock request #%(id)s")
SHORT_TITLE = gettext_lazy("Short delivery of restock request #%(id)s: back on a draft to %(supplier)s")
SHORT_BODY = gettext_lazy("%(lines)s did not come; they are on draft request #%(draft)s, to be sent again.")


def reorder_shortfall(received: RestockRequest, missing: Mapping[int, int], *,
                      by: User | None) -> RestockRequest | None:
    """What did not come with `received` goes onto the supplier's draft (added to a line the draft already has);
    each product's open alert moves to the draft's line, so it has something on order again. The product group
    is told. Nothing is drafted for a line that came in full."""
    short = {product_id: units for product_id, units in missing.items() if units > 0}
    if not short:
        return None
    draft = draft_for(received.supplier)
    old_lines = {line.product_id: line for line in received.lines.select_related("product", "alert")}
    for product_id, units in sorted(short.items()):
        old = old_lines[product_id]
        alert = old.alert if old.alert is not None and old.alert.is_open else None
        if alert is not None:
            RestockLine.objects.filter(pk=old.pk).update(alert=None)
        reason = in_shop_language(SHORT_REASON, missing=units, asked=old.quantity, id=received.pk)
        line = RestockLine.objects.select_for_update().filter(request=draft, product_id=product_id).first()
        if line is None:
            RestockLine.objects.create(request=draft, product=old.product, alert=alert, quantity=units,
                                       on_hand=old.product.on_hand, reorder_point=old.product.reorder_point,
                                       sold_30_days=old.sold_30_days, reason=reason)
        else:
            line.quantity += units
            line.reason = f"{line.reason}\n{reason}"
            line.alert = line.alert or alert
            line.save()
    draft.changed_by = by
    draft._change_reason = in_shop_language(SHORT_HISTORY, id=received.pk)[:100]
    draft.save()
    lines = "、".join(f"{old_lines[pid].product.sku} ×{units}" for pid, units in sorted(short.items()))
    notify(roles_selectors.leaders(PRODUCT), title=SHORT_TITLE, body=SHORT_BODY,
           params={"id": received.pk, "supplier": received.supplier.name, "lines": lines, "draft": draft.pk},
           url=draft.get_absolute_url(), event="stock.restock_short")
    return draft


def _locked_in(request: RestockRequest, action: str, by: User | None) -> RestockRequest:
    """The request locked, if `rules.refusal` (which the request's page asks too) allows `action` now."""
    locked = RestockRequest.objects.select_for_update().get(pk=request.pk)
    rules.require(rules.refusal(locked, by, action, may_change=True))
    return locked


def _moved_on(locked: RestockRequest, target: str, by: User | None) -> RestockRequest:
    now = timezone.now()
    locked.status, locked.changed_by = target, by
    if target == RestockRequest.Status.SENT:
        locked.sent_at = now
    else:
        locked.closed_at = now
    locked.save()
    return locked
