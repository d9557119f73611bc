"""The 订单报表 staged: its orders read in SQL (the others by `taobao.read_order`), counted, and written set-based by
its import.
"""

from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from .. import taobao
from ..importing.batch import Batch
from ..models import TaobaoImport, TaobaoOrder, TaobaoOrderLine
from .copying import ORDER_STAGE, PYTHON_BATCH, RAW, Fallback, checked, staged, usable
from .sql import (
    DIGITS,
    ORDER,
    amount_ok,
    amount_text,
    amount_value,
    field_sql,
    fixed_layout,
    in_list,
    literal,
    moment_ok,
    moment_parts,
    moment_value,
    rank_sql,
    sells_sql,
)

NEW_ORDERS = "taobao_new_orders"
ORDERS_CHUNK = 50_000  # an order is one row: a chunk of orders writes fewer rows than one of lines


# --- the 订单报表: the orders its check read, kept for its import -----------------------------------------------

ORDER_COLUMNS = ("row_no", "order_id", "status", "status_rank", "sold", "paid_amount", "total", "refund_amount",
                 "paid_at", "placed_at", "close_reason", *taobao.ORDER_DETAILS)
# A known order takes each of the export's details that is not blank (`Batch.orders`): SQL for its new value.
KEPT_DETAILS = ", ".join([*(f"coalesce(nullif(s.{name}, ''), o.{name})" for name in taobao.ORDER_TEXTS),
                          *(f"coalesce(s.{name}, o.{name})" for name in taobao.ORDER_MOMENTS)])


def orders_usable(kind):
    return usable(kind, taobao.ORDERS)


def orders_staged(taobao_import):
    """Whether the check kept the orders it read: then the import writes them from there."""
    return staged(taobao_import, ORDER_STAGE)


def stage_orders(taobao_import, table):
    """Stage, read and count an 订单报表's orders, as `stage` does a 宝贝报表's lines: (summary, problems, problem
    count, deltas). SQL reads the forms the exports write; `taobao.read_order` reads the other rows (or refuses them,
    with its reason). The orders are kept for the import. Raises Fallback when PostgreSQL refuses the rows, or when
    the file names an order twice (its rows then apply one after the other, in Python); nothing stays staged."""

    def read(cursor, columns, done):
        cursor.execute(_order_stage_sql(columns), [taobao_import.pk])
        problems = _read_orders_in_python(cursor, taobao_import, columns) if cursor.rowcount < done else []
        summary, deltas = _count_orders(cursor, taobao_import)
        summary["rows"] = done
        return summary, problems[:TaobaoImport.PROBLEMS_KEPT], len(problems), deltas

    return checked(taobao_import, table, read)


MOMENTS = ("paid_at", "created_at", *taobao.ORDER_MOMENTS)  # the 订单报表's moments, as its stage SQL names them


def _order_stage_sql(columns):
    """INSERT … SELECT of the copied cells SQL can read into the order stage (the other rows are read in Python)."""
    field = field_sql(taobao.ORDERS, {column: f"c{n}" for n, column in enumerate(columns)})
    return f"""
    INSERT INTO {ORDER_STAGE} (import_id, {', '.join(ORDER_COLUMNS)})
    SELECT %s, row_no, order_id, status, {rank_sql('status')}, {sells_sql('status')}, {amount_value('paid')},
           {amount_value('total')}, {amount_value('refund')}, {moment_value('paid_at')},
           {moment_value('created_at')}, close_reason, {', '.join(taobao.ORDER_TEXTS)},
           {', '.join(moment_value(name) for name in taobao.ORDER_MOMENTS)}
    FROM (
        SELECT *, status IN {in_list(taobao.STATUSES)} AS status_ok,
               order_id ~ {literal(DIGITS)} AND octet_length(order_id) BETWEEN 6 AND 25 AS order_id_ok,
               {amount_ok('paid')} AS paid_ok, {amount_ok('total')} AS total_ok,
               {amount_ok('refund')} AS refund_ok,
               {', '.join(f"{moment_ok(name)} AS {name}_ok" for name in MOMENTS)}
        FROM (
            SELECT *, {', '.join(moment_parts(name) for name in MOMENTS)}
            FROM (
                SELECT row_no, {', '.join(fixed_layout(name, field(name)) for name in taobao.ORDER_MOMENTS)},
                       {fixed_layout('paid_at', field('paid_at'))}, {fixed_layout('created_at', field('created_at'))},
                       {field('order_id')} AS order_id,
                       replace(replace({field('status')}, ',', '，'), ' ', '') AS status,
                       {amount_text(field('paid_amount'))} AS paid, {amount_text(field('total'))} AS total,
                       {amount_text(field('refund_amount'))} AS refund,
                       {field('paid_at')} AS paid_at, {field('created_at')} AS created_at,
                       left({field('close_reason')}, 100) AS close_reason,
                       {', '.join(f"left({field(name)}, {n}) AS {name}" for name, n in taobao.ORDER_TEXTS.items())},
                       {', '.join(f"{field(name)} AS {name}" for name in taobao.ORDER_MOMENTS)}
                FROM {RAW} OFFSET 0
            ) fields OFFSET 0
        ) split OFFSET 0
    ) checked
    WHERE status_ok AND order_id_ok AND paid_ok AND total_ok AND refund_ok
          AND {' AND '.join(f"{name}_ok" for name in MOMENTS)}
    """


def _read_orders_in_python(cursor, taobao_import, columns):
    """Read the rows SQL left to `taobao.read_order`: stage what it reads; returns the refused rows' problems
    ({row, reason, ref}, in row order)."""
    names = ", ".join(f"r.c{n}" for n in range(len(columns)))
    problems, last = [], 0
    while True:
        cursor.execute(f"SELECT r.row_no, {names} FROM {RAW} r WHERE r.row_no > %s AND NOT EXISTS "
                       f"(SELECT 1 FROM {ORDER_STAGE} s WHERE s.import_id = %s AND s.row_no = r.row_no) "
                       f"ORDER BY r.row_no LIMIT {PYTHON_BATCH}", [last, taobao_import.pk])
        batch = cursor.fetchall()
        if not batch:
            return problems
        read = []
        for number, *raw in batch:
            cells = dict(zip(columns, raw, strict=True))
            try:
                rec = taobao.read_order(cells)
            except ValueError as error:
                problems.append({"row": number, "reason": str(error), "ref": cells.get("订单编号") or ""})
                continue
            read.append((taobao_import.pk, number, rec["order_id"], rec["status"], rec["rank"], rec["sold"],
                         rec["paid_amount"], rec["total"], rec["refund_amount"], rec["paid_at"], rec["created_at"],
                         rec["close_reason"],
                         *(rec[name] for name in taobao.ORDER_DETAILS)))
        if read:
            execute_values(cursor, f"INSERT INTO {ORDER_STAGE} (import_id, {', '.join(ORDER_COLUMNS)}) VALUES %s",
                           read, page_size=PYTHON_BATCH)
        last = batch[-1][0]


# An order the shop knows takes the staged values when the export's status is not behind the known one
# (`importing.newer`) and they change what it records (as `Batch.orders` compares them).
ORDER_CHANGES = f"""s.import_id = %(import)s AND s.order_id = o.order_id
      AND (o.status_rank IS NULL OR s.status_rank IS NULL OR s.status_rank >= o.status_rank)
      AND ((o.status, o.sold, o.paid_amount, o.paid_at, o.refund_amount)
           IS DISTINCT FROM (s.status, s.sold, s.paid_amount, s.paid_at, s.refund_amount)
           OR ({', '.join(f"o.{name}" for name in taobao.ORDER_DETAILS)}) IS DISTINCT FROM ({KEPT_DETAILS}))"""
ORDER_CHUNK = """s.row_no BETWEEN %(lo)s AND %(hi)s"""
CHANGED_BATCH = 5000


def _count_orders(cursor, taobao_import):
    """What importing the staged orders would do, as `Batch.orders` counts it: (summary, stock deltas). The known
    lines of the orders that change are retargeted by the Python rules, without writing. Raises Fallback for a file
    that names an order twice."""
    cursor.execute(f"SELECT count(*), count(DISTINCT order_id), count(*) FILTER (WHERE sold), count(*) FILTER "
                   f"(WHERE NOT EXISTS (SELECT 1 FROM {ORDER} o WHERE o.order_id = s.order_id)) "
                   f"FROM {ORDER_STAGE} s WHERE s.import_id = %s", [taobao_import.pk])
    rows, distinct, sold, new = cursor.fetchone()
    if distinct < rows:
        raise Fallback("the file names an order twice")
    batch = Batch(taobao_import, write=False)
    cursor.execute(f"SELECT o.id, s.status, s.status_rank, s.sold, s.paid_amount, s.total, s.refund_amount, "
                   f"s.paid_at, s.placed_at, s.close_reason, {KEPT_DETAILS} FROM {ORDER} o, {ORDER_STAGE} s "
                   f"WHERE {ORDER_CHANGES} ORDER BY o.id", {"import": taobao_import.pk})
    while changed := cursor.fetchmany(CHANGED_BATCH):
        orders = TaobaoOrder.objects.in_bulk([row[0] for row in changed])
        for pk, *values in changed:
            for name, value in zip(STAGED_ORDER_FIELDS, values, strict=True):
                setattr(orders[pk], name, value)
        batch.retarget(TaobaoOrderLine.objects.filter(order_id__in=list(orders)).order_by("pk"),
                       lambda line, orders=orders: orders[line.order_id])
    counts = {"orders": rows, "new_orders": new, "sold_orders": sold, "unsold_orders": rows - sold, **batch.counts}
    return {name: number for name, number in counts.items() if number}, dict(batch.deltas)


STAGED_ORDER_FIELDS = ("status", "status_rank", "sold", "paid_amount", "total", "refund_amount", "paid_at",
                       "placed_at", "close_reason", *taobao.ORDER_DETAILS)


DETAILS = ", ".join(taobao.ORDER_DETAILS)
STAGED_DETAILS = ", ".join(f"s.{name}" for name in taobao.ORDER_DETAILS)


def write_orders(taobao_import):
    """Bring the shop's orders up to the staged ones, a committed chunk at a time: the known orders that change
    (locked in primary-key order), then the new ones, then the known lines of the changed orders are retargeted by
    the Python rules (`Batch.retarget`). Returns (the counts `Batch.orders` would give, the days changed)."""
    summary, dates = {}, set()
    params = {"import": taobao_import.pk, "zone": timezone.get_current_timezone_name()}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(row_no), 0) FROM {ORDER_STAGE} WHERE import_id = %s", [taobao_import.pk])
        last = cursor.fetchone()[0]
        done = 0
        for lo in range(0, last + 1, ORDERS_CHUNK):
            params.update(lo=lo, hi=lo + ORDERS_CHUNK - 1, now=timezone.now())
            batch = Batch(taobao_import, write=True)
            with transaction.atomic():
                cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE sold) FROM {ORDER_STAGE} "
                               f"WHERE import_id = %(import)s AND row_no BETWEEN %(lo)s AND %(hi)s", params)
                rows, sold = cursor.fetchone()
                cursor.execute(f"SELECT o.id, (o.paid_at AT TIME ZONE %(zone)s)::date, "
                               f"(s.paid_at AT TIME ZONE %(zone)s)::date FROM {ORDER} o, {ORDER_STAGE} s "
                               f"WHERE {ORDER_CHANGES} AND {ORDER_CHUNK} ORDER BY o.id FOR UPDATE OF o", params)
                changed = []
                for pk, before, after in cursor.fetchall():
                    changed.append(pk)
                    dates.update(day for day in (before, after) if day is not None)
                if changed:
                    cursor.execute(f"""
                        UPDATE {ORDER} o SET status = s.status, status_rank = s.status_rank, sold = s.sold,
                            paid_amount = s.paid_amount, total = s.total, refund_amount = s.refund_amount,
                            paid_at = s.paid_at, placed_at = s.placed_at, close_reason = s.close_reason,
                            ({', '.join(taobao.ORDER_DETAILS)}) = ROW({KEPT_DETAILS}),
                            from_order_report = true, last_import_id = %(import)s, updated_at = %(now)s
                        FROM {ORDER_STAGE} s WHERE {ORDER_CHANGES} AND {ORDER_CHUNK} AND o.id = ANY(%(changed)s)""",
                                   {**params, "changed": changed})
                # The new orders are found first, in a statement of their own: an INSERT that looked for them
                # itself would scan, for each row, the pages it has just written (a plan made for a small table).
                cursor.execute(f"DROP TABLE IF EXISTS {NEW_ORDERS}")
                cursor.execute(f"CREATE TEMP TABLE {NEW_ORDERS} AS SELECT s.row_no FROM {ORDER_STAGE} s "
                               f"WHERE s.import_id = %(import)s AND s.row_no BETWEEN %(lo)s AND %(hi)s "
                               f"AND NOT EXISTS (SELECT 1 FROM {ORDER} o WHERE o.order_id = s.order_id)", params)
                cursor.execute(f"""
                    WITH inserted AS (
                        INSERT INTO {ORDER} (order_id, status, status_rank, sold, paid_amount, total, refund_amount,
                                             paid_at, placed_at, close_reason, {DETAILS}, from_order_report,
                                             last_import_id, updated_at)
                        SELECT s.order_id, s.status, s.status_rank, s.sold, s.paid_amount, s.total, s.refund_amount,
                               s.paid_at, s.placed_at, s.close_reason, {STAGED_DETAILS}, true, %(import)s, %(now)s
                        FROM {ORDER_STAGE} s JOIN {NEW_ORDERS} n ON n.row_no = s.row_no
                        WHERE s.import_id = %(import)s
                        ORDER BY s.row_no
                        RETURNING paid_at
                    )
                    SELECT count(*), array_agg(DISTINCT (paid_at AT TIME ZONE %(zone)s)::date)
                                     FILTER (WHERE paid_at IS NOT NULL)
                    FROM inserted""", params)
                new, days = cursor.fetchone()
                cursor.execute(f"DROP TABLE {NEW_ORDERS}")
                dates.update(days or ())
                if changed:
                    orders = {o.pk: o for o in TaobaoOrder.objects.filter(pk__in=changed)}
                    batch.retarget(TaobaoOrderLine.objects.filter(order_id__in=changed).order_by("pk"),
                                    lambda line, orders=orders: orders[line.order_id])
                done += rows
                taobao_import.beat(done)
            counts = {"orders": rows, "new_orders": new, "sold_orders": sold, "unsold_orders": rows - sold,
                      **batch.counts}
            for name, number in counts.items():
                if number:
                    summary[name] = summary.get(name, 0) + number
    summary["rows"] = taobao_import.rows_total
    return summary, dates
