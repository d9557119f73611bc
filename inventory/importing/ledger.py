"""Settling the ledger after an import: the sales and reversals that bring every line it touched from `sold` to
`target`, in one transaction.
"""
from collections import defaultdict

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import services, staging, taobao
from ..models import StockMove, TaobaoOrderLine, TaobaoRefund
from .writes import BATCH, insert_moves

SALE = StockMove.Kind.SALE


@transaction.atomic
def settle_ledger(taobao_import, *, new_lines=False):
    """Write the sales and reversals that bring every line this import touched from `sold` to `target`, in one
    transaction: the lines and then their products are locked in primary-key order, every product the import
    would take below zero is named at once, and then nothing is written. In SQL (`staging.in_sql`) in one statement
    (`staging.settle`, which also writes the new lines the staged import held: `new_lines`), elsewhere line by
    line."""
    # The claim holds, and the import's row is locked until the settling commits.
    taobao_import.beat(taobao_import.rows_done)
    reversal_reason = _("Taobao order %(order)s: the line is closed or fully refunded.")
    if staging.in_sql():
        counts, deltas, dates, locked = staging.settle(taobao_import, reversal_reason=reversal_reason,
                                                       now=timezone.now(), new_lines=new_lines)
        _change_stock(locked, deltas)
        counts["dates"] = dates
        return counts
    pending = list(
        TaobaoOrderLine.objects.filter(last_import=taobao_import).exclude(target=F("sold")).order_by("pk")
        .values_list("pk", flat=True)
    )
    product_ids = set(
        TaobaoOrderLine.objects.filter(pk__in=pending).values_list("product_id", flat=True).distinct()
    ) if pending else set()
    by = taobao_import.applied_by
    counts = {"sales_written": 0, "reversals_written": 0}
    deltas = defaultdict(int)
    dates = set()
    now = timezone.now()
    # Every line first, then the products, each in primary-key order: two imports settling at once, or a clerk
    # recording a move, never wait on each other in a cycle.
    for offset in range(0, len(pending), BATCH):
        list(TaobaoOrderLine.objects.select_for_update().filter(pk__in=pending[offset:offset + BATCH])
             .order_by("pk").values_list("pk", flat=True))
    locked = services.lock_products(product_ids)
    by_id = by.pk if by is not None else None
    for offset in range(0, len(pending), BATCH):
        ids = pending[offset:offset + BATCH]
        lines = list(TaobaoOrderLine.objects.filter(pk__in=ids).order_by("pk").values_list(
            "pk", "product_id", "target", "sold", "paid_amount", "paid_at", "order__order_id", "order__paid_at",
            "order__placed_at"))
        reversing = [line[0] for line in lines if line[3]]
        active = {m.order_line_id: m for m in StockMove.objects.filter(
            order_line__in=reversing, kind=SALE, reversed_by__isnull=True)} if reversing else {}
        moves = []  # the columns of MOVE_COLUMNS
        for pk, product_id, target, sold, paid_amount, paid_at, order_id, order_paid, placed in lines:
            if target == sold:
                continue  # another import settled it meanwhile
            reference = taobao.REFERENCE + order_id
            sale = active.get(pk)
            if sold and sale is not None:
                moves.append((product_id, StockMove.Kind.REVERSAL, -sale.quantity, _refund_moment(pk) or now, now,
                               by_id, reversal_reason % {"order": order_id}, reference,
                               -sale.amount if sale.amount is not None else None, sale.pk, "", pk, taobao_import.pk))
                deltas[product_id] -= sale.quantity
                counts["reversals_written"] += 1
            if target:
                moved_at = paid_at or order_paid or placed or now
                moves.append((product_id, SALE, -target, moved_at, now, by_id, "", reference, paid_amount, None, "",
                               pk, taobao_import.pk))
                deltas[product_id] -= target
                counts["sales_written"] += 1
                dates.add(timezone.localdate(moved_at))
        insert_moves(moves)
        TaobaoOrderLine.objects.filter(pk__in=ids).update(sold=F("target"))
    _change_stock(locked, deltas)
    counts["dates"] = sorted(dates)
    return counts


def _change_stock(locked, deltas):
    services.change_stock(locked, deltas, heading=_(
        "Not enough stock to import these sales; receive the goods or count the stock first, then run the import "
        "again:"))


def _refund_moment(line_id):
    refund = (TaobaoRefund.objects.filter(line_id=line_id, status=taobao.REFUND_DONE).exclude(finished_at=None)
              .order_by("-finished_at").first())
    return refund.finished_at if refund else None
