"""The Taobao/Tmall order import, as services: upload (the file is kept), check (a preview: counts and every
problem row, nothing written), then import.

An import brings the shop's record of each order, line and refund up to what the export says, then settles
the ledger: each line knows what should be sold (`target`: its quantity when the order is paid, shipped or
finished, the line is not closed and not fully refunded; else 0) and what the ledger holds for it (`sold`);
the import writes the sale, or the reversal of the earlier sale, that brings one to the other. Importing the
same file again, or an overlapping later export, finds every line already right and writes nothing.

The records are written in batches, each committed, so a large file shows its progress and never holds a
clerk's products locked for long; the ledger is then settled in one transaction, all or nothing (a product the
file would take below zero stops the whole settling with every short product named). A run that stopped is
simply run again.

Imports write one at a time: on PostgreSQL each run holds one advisory lock from its first batch to its settling
(`one_import_at_a_time`), so two files of the same orders never read and write the same records at once; on SQLite
the IMMEDIATE transactions serialise each batch. A check and a run are claimed by one worker with a lease it renews
at every batch (`TaobaoImport.beat`); a claim older than LEASE is a worker that died: `expire_stale` marks its
import stopped, to be run again. A file whose bytes equal one already imported without refused rows is recognised
at upload and not read again.

On PostgreSQL a 宝贝报表 is read once, when it is checked, into a staging table, and checked, counted and imported
from there set-based (`staging`); an 订单报表 likewise has its orders read, checked and counted in SQL when it is
checked (`staging.stage_orders`) and written set-based by its import (`staging.write_orders`); the 退款报表, a file
that names an order twice, and everything on SQLite, go through `Batch`.
"""
import csv
import hashlib
import io
import logging
import uuid
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError

from . import services, staging, tables, taobao
from .models import Product, StockMove, TaobaoImport, TaobaoOrder, TaobaoOrderLine, TaobaoRefund
from .tables import TableRefused

logger = logging.getLogger(__name__)

BATCH = 5000
# Files up to this size are checked and imported while the person waits; larger ones in the background.
INLINE_BYTES = 512 * 1024
Status = TaobaoImport.Status
SALE = StockMove.Kind.SALE
# A worker renews its claim at every batch (seconds apart); one not renewed for this long has died.
LEASE = timedelta(minutes=10)
# The PostgreSQL advisory lock an import holds while it writes (any number: the app takes no other).
IMPORTS_LOCK = 0x7A0BA0


def imports_dir():
    return Path(settings.VAR_DIR) / "imports"


def file_path(imp):
    return imports_dir() / imp.stored_name


# --- upload ----------------------------------------------------------------------------------------------


def upload(source, *, filename, by):
    """Keep the uploaded file (a Django UploadedFile, or a path for the command line) under VAR_DIR/imports/
    and create its import, to be checked. A file over SHOPTEAM_UPLOAD_MAX_MB is refused before it is stored."""
    services.require_stock_rights(by)
    filename = Path(filename).name[:200] or "export"
    tables.check_size(source.size if hasattr(source, "chunks") else Path(source).stat().st_size, name=filename)
    suffix = Path(filename).suffix.lower()[:10]
    stored = f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"
    target = imports_dir() / stored
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    chunks = source.chunks() if hasattr(source, "chunks") else _file_chunks(source)
    try:
        with open(target, "wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                tables.check_size(size, name=filename)  # a stream longer than it said
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    same = (TaobaoImport.objects.filter(sha256=digest.hexdigest(), status=Status.DONE, problem_count=0)
            .order_by("-finished_at", "-pk").first())
    if same is not None:
        # Byte for byte a file already imported whole: importing it again would change nothing. Not read again.
        target.unlink()
        return TaobaoImport.objects.create(
            filename=filename, stored_name=same.stored_name, size=size, sha256=same.sha256, created_by=by,
            status=Status.SAME, same_as=same, kind=same.kind, file_format=same.file_format,
            rows_total=same.rows_total, finished_at=timezone.now())
    return TaobaoImport.objects.create(filename=filename, stored_name=stored, size=size, sha256=digest.hexdigest(),
                                       created_by=by)


def _file_chunks(path, size=1 << 20):
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def runs_inline(imp):
    return imp.size <= INLINE_BYTES


def check_soon(imp):
    """Check now if the file is small; else in the background (the page polls its progress)."""
    if imp.status != Status.CHECKING:
        return imp  # already imported (the same file)
    if runs_inline(imp):
        return check(imp)
    from . import tasks

    tasks.check_taobao_import.delay_on_commit(imp.pk)
    return imp


# --- the state of orders, lines and refunds ----------------------------------------------------------------


def fully_refunded(line):
    """A successful refund covering what the line cost: the goods are not sold. A partial refund, or a request
    that was closed, reverses nothing (the export's money already nets it)."""
    if line.refund_status != taobao.REFUND_DONE or not line.refund_amount:
        return False
    return line.paid_amount is not None and line.refund_amount >= line.paid_amount


def target_of(line, order):
    """How many of the line's items count as sold."""
    if order.sold is False:  # the 订单报表 says unpaid or closed
        return 0
    line_status = taobao.status_of(line.status) if line.status else None
    if line_status == taobao.STATUSES["交易关闭"]:  # a line closed inside a paid or finished order
        return 0
    if fully_refunded(line):
        return 0
    if order.sold or (line_status is not None and line_status[1]):
        return line.quantity
    return 0


def _newer(rank, known_rank):
    """A status from an export replaces the known one unless the known one is further along (an older file
    imported after a newer one never moves an order back)."""
    return known_rank is None or rank is None or rank >= known_rank


class Batch:
    """One batch of records: loads what the shop knows about them, applies the export to it in memory, and
    either writes it (import) or only counts what would change (check)."""

    def __init__(self, imp, *, write, waiting_refunds=True):
        self.imp, self.write = imp, write
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
            if not _newer(rec["rank"], order.status_rank):
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
                order.last_import, order.updated_at = self.imp, now
            _insert_orders([o for o in touched.values() if o.pk is None], now)
            _bulk_update(TaobaoOrder, [o for o in touched.values() if o.pk is not None],
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
                line.last_import = self.imp
            _bulk_update(TaobaoOrderLine, updated, ["target", "refund_status", "refund_amount", "last_import"])

    # -- lines --

    def lines(self, rows, *, products, occurrences):
        ids = {rec["order_id"] for _n, rec in rows}
        orders = {o.order_id: o for o in TaobaoOrder.objects.filter(order_id__in=ids)}
        keys = []
        for _number, rec in rows:
            if rec["sub_order_id"]:
                key = f"sub:{rec['sub_order_id']}"
            else:
                base = f"{rec['sku']}|{rec['properties']}|{rec['title']}"[:90]
                seen = occurrences[(rec["order_id"], base)] = occurrences.get((rec["order_id"], base), 0) + 1
                key = f"{base}#{seen}"
            keys.append(key)
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
                old_target, before = line.target, _line_state(line)
            line.order_number = rec["order_id"]
            line.sub_order_id, line.sku, line.title = rec["sub_order_id"], rec["sku"], rec["title"]
            line.properties, line.quantity, line.product_id = rec["properties"], rec["quantity"], product_id
            line.paid_amount, line.paid_at = rec["paid_amount"], rec["paid_at"] or line.paid_at
            if rec["status"] and _newer(rec["rank"], taobao.status_of(line.status)[0] if line.status else None):
                line.status = rec["status"]
            if rec["refund_status"] or rec["refund_amount"] is not None:
                line.refund_status, line.refund_amount = rec["refund_status"], rec["refund_amount"]
            line.target = target_of(line, order)
            self.counts["sold_lines" if line.target else "unsold_lines"] += 1
            self.count_line_change(line, old_target, line.sold, known=line.pk is not None)
            if before is not None and (before != _line_state(line) or line.target != line.sold):
                saved_lines.append(line)  # only what changed, or what the ledger has still to settle
        if self.write:
            now = timezone.now()
            for order in new_orders.values():
                order.last_import, order.updated_at = self.imp, now
            insert(TaobaoOrder, list(new_orders.values()))
            made = dict(TaobaoOrder.objects.filter(order_id__in=list(new_orders)).values_list("order_id", "pk"))
            for order in new_orders.values():
                order.pk = made[order.order_id]
            for line in new_lines:
                line.order_id, line.last_import = line.order.pk, self.imp
            for line in saved_lines:
                line.last_import = self.imp
            if self.waiting_refunds:
                TaobaoOrderLine.objects.bulk_create(new_lines)  # their ids link the waiting refunds
            else:
                insert(TaobaoOrderLine, new_lines)
            _bulk_update(TaobaoOrderLine, saved_lines, [*LINE_STATE, "last_import"])
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
            line = _line_for_refund(refund.order_id, refund.sku, subs, by_order)
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
            line = _line_for_refund(rec["order_id"], rec["sku"], subs, by_order)
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
                refund.last_import = self.imp
            TaobaoRefund.objects.bulk_create([r for r in save if r.pk is None])
            _bulk_update(TaobaoRefund, [r for r in save if r.pk is not None],
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
    if connection.vendor != "postgresql":
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


LINE_STATE = ["sub_order_id", "sku", "title", "properties", "quantity", "product_id", "paid_amount", "paid_at",
              "status", "refund_status", "refund_amount", "target"]


def _line_state(line):
    return tuple(getattr(line, name) for name in LINE_STATE)


def _line_for_refund(order_id, sku, subs, by_order):
    """The line a refund is about: by 子订单编号 (the refund report's 订单编号 is the sub-order's), else the
    only line of the order, else the order's one line with that 商家编码."""
    if order_id in subs:
        return subs[order_id]
    lines = by_order.get(order_id, [])
    if len(lines) == 1:
        return lines[0]
    matching = [line for line in lines if sku and line.sku == sku]
    return matching[0] if len(matching) == 1 else None


def insert(model, objects):
    """Insert new rows fast: PostgreSQL's COPY (no ids come back), else bulk_create. Every field's value is what
    saving would write (defaults were set on the instances; auto_now(_add) here), so the rows are the same."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    stamped = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add",
                                                                                          False)]
    now = timezone.now()
    for obj in objects:
        for field in stamped:
            setattr(obj, field.attname, now)
    copy_rows(model, [field.attname for field in fields],
              ([getattr(obj, field.attname) for field in fields] for obj in objects))


def copy_rows(model, attnames, rows):
    """COPY `rows` (sequences of Python values in `attnames`' order) into the model's table (PostgreSQL)."""
    columns = [model._meta.get_field(name).column for name in attnames]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([_copy_value(value) for value in row])
    buffer.seek(0)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN "
                           f"WITH (FORMAT csv, NULL '\\N')", buffer)


def _copy_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return value


def _bulk_update(model, objects, fields):
    if objects:
        model.objects.bulk_update(sorted(objects, key=lambda o: o.pk), fields, batch_size=BATCH)


# --- check and import --------------------------------------------------------------------------------------


def _open(imp):
    """(kind, Table) of the import's file, its kind and format noted on the import."""
    kind, table = taobao.detect(file_path(imp), name=imp.filename)
    TaobaoImport.objects.filter(pk=imp.pk).update(kind=kind, file_format=table.kind)
    imp.kind, imp.file_format = kind, table.kind
    return kind, table


def _batches(records):
    batch = []
    for item in records:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _run(imp, *, write, opened=None):
    """Read the whole file in batches: count (and with `write`, apply) what it says. Returns (summary, problems,
    problem count, dates, deltas)."""
    kind, table = opened or _open(imp)
    records = taobao.records(kind, table)
    products = dict(Product.objects.values_list("sku", "pk")) if kind == taobao.LINES else {}
    summary, problems, problem_count = defaultdict(int), [], 0
    dates, deltas, occurrences = set(), defaultdict(int), {}
    waiting_refunds = kind == taobao.LINES and TaobaoRefund.objects.filter(line__isnull=True).exists()
    rows_done = 0
    for batch_records in _batches(records):
        good = [(number, record) for number, record, problem in batch_records if problem is None]
        bad = [problem for _n, _r, problem in batch_records if problem is not None]
        batch = Batch(imp, write=write, waiting_refunds=waiting_refunds)
        with transaction.atomic():
            if kind == taobao.ORDERS:
                batch.orders(good)
            elif kind == taobao.LINES:
                batch.lines(good, products=products, occurrences=occurrences)
            else:
                batch.refunds(good)
        bad += batch.problems
        problem_count += len(bad)
        for problem in sorted(bad, key=lambda p: p.row):
            if len(problems) < TaobaoImport.PROBLEMS_KEPT:
                problems.append({"row": problem.row, "reason": str(problem.reason), "ref": problem.ref})
        for key, value in batch.counts.items():
            summary[key] += value
        for pk, delta in batch.deltas.items():
            deltas[pk] += delta
        dates |= batch.dates
        rows_done += len(batch_records)
        imp.beat(rows_done)
    summary["rows"] = rows_done
    return dict(summary), problems, problem_count, dates, deltas


def _claim(pk, claimable, **changes):
    """Claim the check or the run for this worker, as the notification outbox claims a delivery: only the caller
    whose UPDATE changed the row does the work; a claim older than LEASE (its worker died) may be taken over.
    Returns the claimed import, or None."""
    now = timezone.now()
    if not TaobaoImport.objects.filter(pk=pk, status=claimable).filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)).update(claimed_at=now, **changes):
        return None
    return TaobaoImport.objects.get(pk=pk)


def _mine(imp):
    """The import, while this worker's claim holds."""
    return TaobaoImport.objects.filter(pk=imp.pk, claimed_at=imp.claimed_at)


def _over_time_limit(what):
    """The message of a job stopped by its time limit (SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS)."""
    seconds = settings.SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS
    if what == "check":
        return _("The check was stopped: it took longer than its time limit of %(seconds)s seconds (the "
                 "SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS setting). Nothing was imported; split the file and upload the "
                 "parts.") % {"seconds": seconds}
    return _("The import was stopped: it took longer than its time limit of %(seconds)s seconds (the "
             "SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS setting). Run it again: what was imported is not imported twice; "
             "or split the file.") % {"seconds": seconds}


def check(imp):
    """The preview: read and check every row, count what importing would do, write nothing but the import's
    own record (its kind, counts and problems). A file that is no export is refused whole. Claimed once: a second
    call, or a redelivered task, while the first is alive does nothing."""
    claimed = _claim(imp.pk, Status.CHECKING, rows_done=0)
    if claimed is None:
        return TaobaoImport.objects.get(pk=imp.pk)
    imp = claimed
    try:
        summary, problems, count, deltas = _check(imp)
    except TaobaoImport.ClaimLost:
        return TaobaoImport.objects.get(pk=imp.pk)
    except TableRefused as refusal:
        _mine(imp).update(status=Status.REFUSED, refusal=refusal.message, finished_at=timezone.now(),
                          claimed_at=None)
        return TaobaoImport.objects.get(pk=imp.pk)
    except SoftTimeLimitExceeded:
        logger.warning("checking Taobao import %s stopped at its time limit", imp.pk)
        TaobaoImport.objects.filter(pk=imp.pk).update(status=Status.FAILED, refusal=_over_time_limit("check"),
                                                      finished_at=timezone.now(), claimed_at=None)
        return TaobaoImport.objects.get(pk=imp.pk)
    except Exception:
        logger.exception("checking Taobao import %s failed", imp.pk)
        _mine(imp).update(
            status=Status.FAILED, claimed_at=None,
            refusal=_("The check stopped on an unexpected error; the admins can see it in the log. Nothing was "
                      "imported."))
        raise
    short = _shortage_warnings(deltas)
    summary["short"] = short
    _mine(imp).update(
        status=Status.CHECKED, claimed_at=None, summary=summary, problems=problems, problem_count=count,
        rows_total=summary.get("rows", 0), rows_done=summary.get("rows", 0), kind=imp.kind,
        file_format=imp.file_format,
    )
    return TaobaoImport.objects.get(pk=imp.pk)


def _check(imp):
    """(summary, problems, problem count, deltas): set-based from the staged rows where it can (a 宝贝报表 on
    PostgreSQL), else read in Python."""
    kind, table = _open(imp)
    if staging.usable(kind):
        try:
            return staging.stage(imp, table)
        except staging.Fallback as error:
            logger.warning("Taobao import %s is read in Python: it could not be staged (%s)", imp.pk, error)
            imp.refresh_from_db(fields=["claimed_at", "rows_done"])  # a beat in the undone transaction is undone
            kind, table = _open(imp)
    if staging.orders_usable(kind):
        # The orders the check reads are kept, so that the import does not read the file again.
        try:
            return staging.stage_orders(imp, table)
        except staging.Fallback as error:
            logger.warning("Taobao import %s is read in Python: its orders could not be staged (%s)", imp.pk, error)
            imp.refresh_from_db(fields=["claimed_at", "rows_done"])
            kind, table = _open(imp)
    summary, problems, count, _dates, deltas = _run(imp, write=False, opened=(kind, table))
    return summary, problems, count, deltas


def _write(imp):
    """Write the file's orders, lines or refunds: (summary, problems, problem count, dates, whether new lines wait
    for the settling). From the staged rows if the check staged them (refused rows are then known before anything
    is written), else read again."""
    if imp.kind == taobao.LINES and staging.staged(imp):
        problems, count = staging.problems(imp)
        if count and not imp.skip_bad_rows:
            raise _refused_since_check(count)  # before anything is written
        summary, held = staging.write(imp)
        return summary, problems, count, set(), held
    if imp.kind == taobao.ORDERS and staging.orders_staged(imp):
        # The orders the check read: the refused rows are those it found (an order row's reading never depends on
        # what the shop holds).
        summary, dates = staging.write_orders(imp)
        return summary, imp.problems, imp.problem_count, dates, False
    summary, problems, count, dates, _deltas = _run(imp, write=True)
    return summary, problems, count, dates, False


def _refused_since_check(count):
    return ServiceError(_("%(count)s row(s) are refused now that were not when the file was checked (a product was "
                          "removed?): check the file again.") % {"count": count})


def _shortage_warnings(deltas):
    products = Product.objects.filter(pk__in=[pk for pk, d in deltas.items() if d < 0]).only(
        "pk", "sku", "name", "on_hand", "allow_negative", "reorder_point")
    return services.shortages(list(products), deltas)


def start(imp, *, by, skip_bad_rows=False, inline=None):
    """Import a checked file: refused rows are skipped only when the person says so; a file with refused rows
    otherwise imports nothing. Small files import now, large ones in the background (`inline` decides)."""
    services.require_stock_rights(by)
    imp = TaobaoImport.objects.get(pk=imp.pk)
    if imp.status != Status.CHECKED:
        raise ServiceError(_("This file is not waiting to be imported (it is %(status)s).")
                           % {"status": imp.get_status_display()})
    if imp.problem_count and not skip_bad_rows:
        raise ServiceError(_("%(count)s row(s) of %(file)s are refused: fix the file, or choose to skip those rows.")
                           % {"count": imp.problem_count, "file": imp.filename})
    claimed = TaobaoImport.objects.filter(pk=imp.pk, status=Status.CHECKED).update(
        status=Status.QUEUED, skip_bad_rows=skip_bad_rows, applied_by=by, rows_done=0)
    if not claimed:
        raise ServiceError(_("This file is already being imported."))
    imp.refresh_from_db()
    if runs_inline(imp) if inline is None else inline:
        return run(imp.pk, wait=inline is not None)
    from . import tasks

    tasks.run_taobao_import.delay_on_commit(imp.pk)
    return imp


def retry(imp, *, by):
    """Run a stopped import again (its records are idempotent; the ledger settles only what is not yet right), or
    check again a file whose check stopped."""
    services.require_stock_rights(by)
    if TaobaoImport.objects.filter(pk=imp.pk, status=Status.FAILED, applied_by__isnull=True).update(
            status=Status.CHECKING, rows_done=0, refusal="", claimed_at=None, finished_at=None):
        return check_soon(TaobaoImport.objects.get(pk=imp.pk))
    if not TaobaoImport.objects.filter(pk=imp.pk, status=Status.FAILED, applied_by__isnull=False).update(
            status=Status.QUEUED, applied_by=by, rows_done=0, refusal="", claimed_at=None):
        raise ServiceError(_("Only a stopped import can be run again."))
    imp.refresh_from_db()
    if runs_inline(imp):
        return run(imp.pk, wait=False)
    from . import tasks

    tasks.run_taobao_import.delay_on_commit(imp.pk)
    return imp


@transaction.atomic
def cancel(imp, *, by):
    services.require_stock_rights(by)
    if not TaobaoImport.objects.filter(pk=imp.pk, status__in=[Status.CHECKED, Status.REFUSED]).update(
            status=Status.CANCELLED, finished_at=timezone.now()):
        raise ServiceError(_("Only a file waiting to be imported can be cancelled."))
    staging.discard(imp)


@contextmanager
def one_import_at_a_time(*, wait=True):
    """Hold the imports' lock (PostgreSQL, for the session: across the run's committed batches; a worker that dies
    loses it with its connection). Yields whether it is held: without `wait`, False when another import has it.
    Elsewhere yields True (SQLite's IMMEDIATE transactions serialise the writers)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)" if wait else "SELECT pg_try_advisory_lock(%s)", [IMPORTS_LOCK])
        held = cursor.fetchone()[0] is not False
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORTS_LOCK])


def run(import_id, *, wait=True):
    """The import itself, one at a time: it waits for an import already writing, or with `wait` False (the page)
    leaves itself to the worker then. Claimed once: a second worker, or a second call, does nothing."""
    if not TaobaoImport.objects.filter(pk=import_id, status=Status.QUEUED).exists():
        return TaobaoImport.objects.get(pk=import_id)
    with one_import_at_a_time(wait=wait) as held:
        if held:
            return _run_claimed(import_id)
    from . import tasks

    tasks.run_taobao_import.delay_on_commit(import_id)
    return TaobaoImport.objects.get(pk=import_id)


def _run_claimed(import_id):
    imp = _claim(import_id, Status.QUEUED, status=Status.RUNNING, started_at=timezone.now())
    if imp is None:
        return TaobaoImport.objects.get(pk=import_id)
    try:
        summary, problems, count, dates, new_lines = _write(imp)
        if count and not imp.skip_bad_rows:
            raise _refused_since_check(count)
        settled = settle_ledger(imp, new_lines=new_lines)
    except TaobaoImport.ClaimLost:
        return TaobaoImport.objects.get(pk=import_id)
    except ServiceError as error:
        TaobaoImport.objects.filter(pk=imp.pk).update(status=Status.FAILED, refusal="\n".join(
            str(m) for m in error.messages), finished_at=timezone.now(), claimed_at=None)
        return TaobaoImport.objects.get(pk=import_id)
    except SoftTimeLimitExceeded:
        logger.warning("Taobao import %s stopped at its time limit", imp.pk)
        TaobaoImport.objects.filter(pk=imp.pk).update(status=Status.FAILED, refusal=_over_time_limit("run"),
                                                      finished_at=timezone.now(), claimed_at=None)
        return TaobaoImport.objects.get(pk=import_id)
    except Exception:
        logger.exception("Taobao import %s failed", imp.pk)
        TaobaoImport.objects.filter(pk=imp.pk).update(
            status=Status.FAILED, finished_at=timezone.now(), claimed_at=None,
            refusal=_("The import stopped on an unexpected error; the admins can see it in the log. Run it again "
                      "once it is fixed: what was imported is not imported twice."))
        raise
    dates |= set(settled.pop("dates"))
    summary.update(settled)
    summary["skipped"] = count
    with transaction.atomic():
        now = timezone.now()
        TaobaoImport.objects.filter(pk=imp.pk).update(
            status=Status.DONE, summary=summary, problems=problems, problem_count=count, rows_total=summary["rows"],
            rows_done=summary["rows"], finished_at=now, claimed_at=None,
            money_days=[day.isoformat() for day in sorted(dates)], money_booked_at=None if dates else now)
        staging.discard(imp)
        if dates:  # booked after commit, retried, and swept nightly (services.book_taobao_money)
            transaction.on_commit(partial(services.book_taobao_money_after_commit, imp.pk))
    return TaobaoImport.objects.get(pk=import_id)


@transaction.atomic
def settle_ledger(imp, *, new_lines=False):
    """Write the sales and reversals that bring every line this import touched from `sold` to `target`, in one
    transaction: the lines and then their products are locked in primary-key order, every product the import
    would take below zero is named at once, and then nothing is written. On PostgreSQL in one statement
    (`staging.settle`, which also writes the new lines the staged import held: `new_lines`), elsewhere line by
    line."""
    imp.beat(imp.rows_done)  # the claim holds, and the import's row is locked until the settling commits
    reversal_reason = _("Taobao order %(order)s: the line is closed or fully refunded.")
    if connection.vendor == "postgresql":
        counts, deltas, dates, locked = staging.settle(imp, reversal_reason=reversal_reason, now=timezone.now(),
                                                       new_lines=new_lines)
        _change_stock(locked, deltas)
        counts["dates"] = dates
        return counts
    pending = list(
        TaobaoOrderLine.objects.filter(last_import=imp).exclude(target=F("sold")).order_by("pk")
        .values_list("pk", flat=True)
    )
    product_ids = set(
        TaobaoOrderLine.objects.filter(pk__in=pending).values_list("product_id", flat=True).distinct()
    ) if pending else set()
    by = imp.applied_by
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
                               -sale.amount if sale.amount is not None else None, sale.pk, "", pk, imp.pk))
                deltas[product_id] -= sale.quantity
                counts["reversals_written"] += 1
            if target:
                moved_at = paid_at or order_paid or placed or now
                moves.append((product_id, SALE, -target, moved_at, now, by_id, "", reference, paid_amount, None, "",
                               pk, imp.pk))
                deltas[product_id] -= target
                counts["sales_written"] += 1
                dates.add(timezone.localdate(moved_at))
        _insert_moves(moves)
        TaobaoOrderLine.objects.filter(pk__in=ids).update(sold=F("target"))
    _change_stock(locked, deltas)
    counts["dates"] = sorted(dates)
    return counts


def _change_stock(locked, deltas):
    services.change_stock(locked, deltas, heading=_(
        "Not enough stock to import these sales; receive the goods or count the stock first, then run the import "
        "again:"))


MOVE_COLUMNS = ["product_id", "kind", "quantity", "moved_at", "recorded_at", "by_id", "reason", "reference", "amount",
                "reverses_id", "key", "order_line_id", "taobao_import_id"]


def _insert_moves(moves):
    if not moves:
        return
    if connection.vendor == "postgresql":
        copy_rows(StockMove, MOVE_COLUMNS, moves)
    else:
        StockMove.objects.bulk_create([StockMove(**dict(zip(MOVE_COLUMNS, move, strict=True))) for move in moves])


def _refund_moment(line_id):
    refund = (TaobaoRefund.objects.filter(line_id=line_id, status=taobao.REFUND_DONE).exclude(finished_at=None)
              .order_by("-finished_at").first())
    return refund.finished_at if refund else None


def expire_stale():
    """The periodic sweep: a check or an import whose worker stopped renewing its claim (it died, was restarted,
    ran out of memory) is marked stopped, to be run again from its page. Returns how many."""
    now = timezone.now()
    stale = Q(claimed_at__lt=now - LEASE) | Q(claimed_at__isnull=True, started_at__lt=now - LEASE)
    checks = TaobaoImport.objects.filter(stale, status=Status.CHECKING).update(
        status=Status.FAILED, claimed_at=None, finished_at=now,
        refusal=_("The check stopped: the worker checking the file stopped. Run it again: nothing was imported."))
    runs = TaobaoImport.objects.filter(stale, status=Status.RUNNING).update(
        status=Status.FAILED, claimed_at=None, finished_at=now,
        refusal=_("The import stopped: the worker importing the file stopped. Run it again: what was imported is "
                  "not imported twice."))
    return checks + runs
