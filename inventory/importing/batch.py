"""One batch of an export's records applied to what the shop knows (`Batch`): orders, lines and refunds, written
(an import) or only counted (a check).
"""
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import taobao
from ..models import TaobaoImport, TaobaoOrder, TaobaoOrderLine, TaobaoRefund
from . import writes
from .rules import LINE_STATE, line_base, line_for_refund, line_key, line_state, newer, refund_given, target_of
from .writes import bulk_update, copy_rows, insert


class Batch:
    """One batch of records: loads what the shop knows about them, applies the export to it in memory, and
    either writes it (import) or only counts what would change (check)."""

    def __init__(self, taobao_import, *, write, waiting_refunds=True):
        self.taobao_import, self.write = taobao_import, write
        self.waiting_refunds = waiting_refunds  # whether any refund waits for its line (else no need to look)
        self.counts = defaultdict(int)
        self.dates = set()
        self.deltas = defaultdict(int)  # product id -> stock change the ledger settling will make
        self.problems = []

    def count_line_change(self, line, old_target, old_sold, *, known=True):
        """Count the ledger change the line's new target means (sold → target)."""
        if line.target == line.sold:
            if known and old_target == line.target:
                self.counts["unchanged"] += 1
            return
        if line.sold:
            self.counts["reversals"] += 1
        if line.target:
            self.counts["sales"] += 1
        self.deltas[line.product_id] += line.sold - line.target

    # -- orders --

    def orders(self, rows):
        ids = [rec["order_id"] for _n, rec in rows]
        known = {o.order_id: o for o in TaobaoOrder.objects.filter(order_id__in=ids)}
        touched = {}
        zone = timezone.get_current_timezone()  # timezone.localdate's, looked up once
        for _number, rec in rows:
            order = known.get(rec["order_id"]) or touched.get(rec["order_id"])
            if order is None:
                order = _NewOrder(rec["order_id"])  # a model instance only if it is written (build() below)
                known[rec["order_id"]] = order
                self.counts["new_orders"] += 1
            self.counts["orders"] += 1
            self.counts["sold_orders" if rec["sold"] else "unsold_orders"] += 1
            if not newer(rec["rank"], order.status_rank):
                continue
            before = (order.status, order.sold, order.paid_amount, order.paid_at, order.refund_amount)
            order.status, order.status_rank, order.sold = rec["status"], rec["rank"], rec["sold"]
            order.paid_amount, order.total, order.refund_amount = rec["paid_amount"], rec["total"], rec["refund_amount"]
            order.paid_at, order.placed_at, order.close_reason = rec["paid_at"], rec["created_at"], rec["close_reason"]
            order.from_order_report = True
            details_changed = False
            for name in taobao.ORDER_DETAILS:  # a blank cell keeps what an earlier export said
                if rec[name] not in ("", None) and rec[name] != getattr(order, name):
                    setattr(order, name, rec[name])
                    details_changed = True
            if before != (order.status, order.sold, order.paid_amount, order.paid_at, order.refund_amount) \
                    or details_changed or order.pk is None:
                touched[order.order_id] = order
                for moment in (before[3], order.paid_at):
                    if moment:
                        self.dates.add(moment.astimezone(zone).date())
        if self.write:
            now = timezone.now()
            for order in touched.values():
                order.last_import, order.updated_at = self.taobao_import, now
            _insert_orders([o for o in touched.values() if o.pk is None], now)
            bulk_update(TaobaoOrder, [o for o in touched.values() if o.pk is not None],
                         ["status", "status_rank", "sold", "paid_amount", "total", "refund_amount", "paid_at",
                          "placed_at", "close_reason", *taobao.ORDER_DETAILS, "from_order_report", "last_import",
                          "updated_at"])
        # The lines already known of orders whose status changed may change what is sold.
        changed = [o for o in touched.values() if o.pk is not None]
        lines = TaobaoOrderLine.objects.filter(order__in=changed).order_by("pk") if changed else []
        by_order = {o.pk: o for o in changed}
        self.retarget(lines, lambda line: by_order[line.order_id])

    def retarget(self, lines, order_of):
        updated = []
        for line in lines:
            old_target = line.target
            line.target = target_of(line, order_of(line))
            self.count_line_change(line, old_target, line.sold)
            if line.target != old_target or line.target != line.sold:
                updated.append(line)
        if self.write:
            for line in updated:
                line.last_import = self.taobao_import
            bulk_update(TaobaoOrderLine, updated, ["target", "refund_status", "refund_amount", "last_import"])

    # -- lines --

    def lines(self, rows, *, products, occurrences):
        ids = {rec["order_id"] for _n, rec in rows}
        orders = {o.order_id: o for o in TaobaoOrder.objects.filter(order_id__in=ids)}
        keys = []
        for _number, rec in rows:
            base, place = "", None
            if not rec["sub_order_id"]:
                base = line_base(rec["sku"], rec["properties"], rec["title"])
                place = occurrences[(rec["order_id"], base)] = occurrences.get((rec["order_id"], base), 0) + 1
            keys.append(line_key(rec["sub_order_id"], base, place))
        known = {
            (line.order.order_id, line.line_key): line
            for line in TaobaoOrderLine.objects.filter(order__order_id__in=ids).select_related("order")
        }
        new_orders, saved_lines, new_lines = {}, [], []
        for (number, rec), key in zip(rows, keys, strict=True):
            product_id = products.get(rec["sku"])
            if product_id is None:
                self.problems.append(taobao.Problem(number, taobao.unknown_sku(rec["sku"], rec["title"]),
                                                    rec["order_id"]))
                continue
            order = orders.get(rec["order_id"]) or new_orders.get(rec["order_id"])
            if order is None:
                order = new_orders[rec["order_id"]] = TaobaoOrder(order_id=rec["order_id"], paid_at=rec["paid_at"],
                                                                  placed_at=rec["created_at"])
                self.counts["new_orders"] += 1
            line = known.get((rec["order_id"], key))
            self.counts["lines"] += 1
            if line is None:
                line = TaobaoOrderLine(line_key=key, sold=0, target=0)
                line.order = order
                new_lines.append(line)
                self.counts["new_lines"] += 1
                old_target, before = 0, None
            else:
                old_target, before = line.target, line_state(line)
            line.order_number = rec["order_id"]
            line.sub_order_id, line.sku, line.title = rec["sub_order_id"], rec["sku"], rec["title"]
            line.properties, line.quantity, line.product_id = rec["properties"], rec["quantity"], product_id
            line.paid_amount, line.paid_at = rec["paid_amount"], rec["paid_at"] or line.paid_at
            if rec["status"] and newer(rec["rank"], taobao.status_of(line.status)[0] if line.status else None):
                line.status = rec["status"]
            if refund_given(rec):
                line.refund_status, line.refund_amount = rec["refund_status"], rec["refund_amount"]
            line.target = target_of(line, order)
            self.counts["sold_lines" if line.target else "unsold_lines"] += 1
            self.count_line_change(line, old_target, line.sold, known=line.pk is not None)
            if before is not None and (before != line_state(line) or line.target != line.sold):
                saved_lines.append(line)  # only what changed, or what the ledger has still to settle
        if self.write:
            now = timezone.now()
            for order in new_orders.values():
                order.last_import, order.updated_at = self.taobao_import, now
            insert(TaobaoOrder, list(new_orders.values()))
            made = dict(TaobaoOrder.objects.filter(order_id__in=list(new_orders)).values_list("order_id", "pk"))
            for order in new_orders.values():
                order.pk = made[order.order_id]
            for line in new_lines:
                line.order_id, line.last_import = line.order.pk, self.taobao_import
            for line in saved_lines:
                line.last_import = self.taobao_import
            if self.waiting_refunds:
                TaobaoOrderLine.objects.bulk_create(new_lines)  # their ids link the waiting refunds
            else:
                insert(TaobaoOrderLine, new_lines)
            bulk_update(TaobaoOrderLine, saved_lines, [*LINE_STATE, "last_import"])
            if self.waiting_refunds:
                self._link_waiting_refunds(new_lines)

    def _link_waiting_refunds(self, lines):
        """Refunds imported before their lines: link them now, and let them count."""
        if not lines:
            return
        subs = {line.sub_order_id: line for line in lines if line.sub_order_id}
        by_order = defaultdict(list)
        for line in lines:
            by_order[line.order_number].append(line)
        waiting = TaobaoRefund.objects.filter(line__isnull=True, order_id__in=set(subs) | set(by_order))
        changed = []
        for refund in waiting:
            line = line_for_refund(refund.order_id, refund.sku, subs, by_order)
            if line is not None:
                refund.line = line
                refund.save(update_fields=["line"])
                changed.append(line)
        if changed:
            self._apply_refunds({line.pk: line for line in changed})

    # -- refunds --

    def refunds(self, rows):
        ids = {rec["order_id"] for _n, rec in rows}
        lines = list(TaobaoOrderLine.objects.filter(sub_order_id__in=ids).select_related("order")) + list(
            TaobaoOrderLine.objects.filter(order__order_id__in=ids).select_related("order"))
        subs = {line.sub_order_id: line for line in lines if line.sub_order_id}
        by_order = defaultdict(list)
        for line in {line.pk: line for line in lines}.values():
            by_order[line.order.order_id].append(line)
        known = {r.refund_id: r for r in TaobaoRefund.objects.filter(refund_id__in=[rec["refund_id"] for _n, rec
                                                                                      in rows])}
        save, affected = [], {}
        for number, rec in rows:
            self.counts["refunds"] += 1
            line = line_for_refund(rec["order_id"], rec["sku"], subs, by_order)
            if line is None and by_order.get(rec["order_id"]):
                self.problems.append(taobao.Problem(number, _(
                    "Refund %(refund)s of order %(order)s: the order has several lines and the refund names no "
                    "商家编码 that tells which.") % {"refund": rec["refund_id"], "order": rec["order_id"]},
                    rec["order_id"]))
                continue
            refund = known.get(rec["refund_id"]) or TaobaoRefund(refund_id=rec["refund_id"])
            before = (refund.status, refund.amount, refund.finished_at)
            refund.order_id, refund.sku, refund.status = rec["order_id"], rec["sku"], rec["status"]
            refund.amount, refund.finished_at = rec["amount"], rec["finished_at"]
            refund.requested_at, refund.line = rec["requested_at"], line
            if refund.pk is None or before != (refund.status, refund.amount, refund.finished_at):
                save.append(refund)
                for moment in (before[2], refund.finished_at):
                    if moment:
                        self.dates.add(timezone.localdate(moment))
            if rec["status"] == taobao.REFUND_DONE:
                self.counts["refunds_done"] += 1
            if line is not None:
                affected[line.pk] = line
            else:
                self.counts["refunds_waiting"] += 1  # its order's lines are not imported yet
        # An order's first 退款报表 row moves its refund off its pay day (the 订单报表's 退款金额) to the finish day.
        for paid_at in TaobaoOrder.objects.filter(
                order_id__in={r.order_id for r in save if r.pk is None}, refund_amount__gt=0,
                paid_at__isnull=False).values_list("paid_at", flat=True):
            self.dates.add(timezone.localdate(paid_at))
        if self.write:
            for refund in save:
                refund.last_import = self.taobao_import
            TaobaoRefund.objects.bulk_create([r for r in save if r.pk is None])
            bulk_update(TaobaoRefund, [r for r in save if r.pk is not None],
                         ["order_id", "sku", "status", "amount", "finished_at", "requested_at", "line",
                          "last_import"])
        pending = {r.refund_id: r for r in save}
        self._apply_refunds(affected, pending=pending)

    def _apply_refunds(self, lines, pending=None):
        """A line's refund state: the successful refunds' total (or the latest request's status)."""
        if not lines:
            return
        refunds = defaultdict(dict)
        for refund in TaobaoRefund.objects.filter(line_id__in=list(lines)):
            refunds[refund.line_id][refund.refund_id] = refund
        for refund in (pending or {}).values():
            if refund.line is not None:
                refunds[refund.line.pk][refund.refund_id] = refund
        for pk, line in lines.items():
            done = [r for r in refunds[pk].values() if r.status == taobao.REFUND_DONE]
            latest = max(refunds[pk].values(), key=lambda r: (r.finished_at or r.requested_at or timezone.now()),
                         default=None)
            line.refund_status = taobao.REFUND_DONE if done else (latest.status if latest else line.refund_status)
            line.refund_amount = sum((r.amount for r in done), start=0) if done else line.refund_amount
        orders = {o.pk: o for o in TaobaoOrder.objects.filter(pk__in={line.order_id for line in lines.values()})}
        self.retarget(sorted(lines.values(), key=lambda line: line.pk), lambda line: orders[line.order_id])


class _NewOrder:
    """An order the shop does not know yet, as `Batch.orders` fills it in: what a TaobaoOrder would hold, without
    the cost of a model instance for each of a large file's orders (most are new, and a check writes none)."""

    __slots__ = ("order_id", "status", "status_rank", "sold", "paid_amount", "total", "refund_amount", "paid_at",
                 "placed_at", "close_reason", *taobao.ORDER_DETAILS, "from_order_report", "last_import",
                 "updated_at")
    pk = None

    def __init__(self, order_id):
        self.order_id = order_id
        self.status, self.status_rank, self.sold = "", None, None
        self.paid_amount = self.total = self.refund_amount = self.paid_at = self.placed_at = None
        self.close_reason, self.from_order_report, self.last_import, self.updated_at = "", False, None, None
        for name in taobao.ORDER_TEXTS:
            setattr(self, name, "")
        for name in taobao.ORDER_MOMENTS:
            setattr(self, name, None)

    def build(self):
        return TaobaoOrder(**{name: getattr(self, name) for name in self.__slots__})


def _insert_orders(orders, now):
    """Insert new orders (`_NewOrder`s) as `insert` inserts model instances: COPY on PostgreSQL (every column: a
    field `_NewOrder` does not know gets its default), else bulk_create."""
    if not orders:
        return
    if not writes.copies():  # (looked up at the call: the tests write as on SQLite on PostgreSQL too)
        insert(TaobaoOrder, [order.build() for order in orders])
        return
    fields = [field for field in TaobaoOrder._meta.concrete_fields if not field.primary_key]
    known = [field.name in _NewOrder.__slots__ for field in fields]
    defaults = [None if is_known else field.get_default() for field, is_known in zip(fields, known, strict=True)]

    def row(order):
        values = [getattr(order, field.name) if is_known else default
                  for field, is_known, default in zip(fields, known, defaults, strict=True)]
        return [value.pk if isinstance(value, TaobaoImport) else now if field.name == "updated_at" else value
                for field, value in zip(fields, values, strict=True)]

    copy_rows(TaobaoOrder, [field.attname for field in fields], (row(order) for order in orders))
