"""The 宝贝报表 staged: its rows read in SQL (the others by `taobao.read_line`), the preview counted, and the import's
orders and lines written a committed chunk at a time.
"""

from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from .. import taobao
from ..importing.batch import Batch
from ..importing.rules import line_key, refund_given
from ..models import Product, TaobaoImport, TaobaoOrderLine, TaobaoRefund
from . import copying
from .copying import CHUNK_TABLE, PYTHON_BATCH, RAW, STAGE, checked
from .sql import (
    DIGITS,
    FINAL,
    LINE,
    ORDER,
    PRODUCT,
    amount_ok,
    amount_text,
    amount_value,
    field_sql,
    fixed_layout,
    in_list,
    line_base_sql,
    line_key_sql,
    literal,
    moment_ok,
    moment_parts,
    moment_value,
    no_refund,
    rank_sql,
    sells_sql,
)


def stage(taobao_import, table):
    """Stage, read and count the file's rows: (summary, problems, problem count, deltas). Raises Fallback when
    PostgreSQL refuses the rows (nothing stays staged); a TableRefused from reading the file goes up."""

    def read(cursor, columns, _done):
        cursor.execute("SET LOCAL work_mem = '128MB'")  # numbering the lines sorts every row once
        cursor.execute(_stage_sql(columns), [taobao_import.pk])
        _read_in_python(cursor, taobao_import, columns)
        return (*_count(cursor, taobao_import), *_problems(cursor, taobao_import))

    summary, deltas, problems, count = checked(taobao_import, table, read)
    summary["rows"] = _staged_rows(taobao_import)
    return summary, problems, count, deltas


def _stage_sql(columns):
    """INSERT … SELECT from the copied cells (cleaned as `clean_cell` does, by `Table.clean_rows`) into the
    stage: read where SQL can read them, `needs_python` where the Python reader must (it also gives the reason of a
    refused row). Each step reads the one before through an `OFFSET 0` fence, so that no expression is worked out
    more than once per row."""
    index = {column: f"c{n}" for n, column in enumerate(columns)}
    # A line's place among the order's lines with its base (`line_key`), numbered among the rows SQL reads: the
    # rows left to Python renumber their orders' lines afterwards (`_read_in_python`).
    place = "row_number() OVER (PARTITION BY ok AND sub_order_id = '', order_id, base ORDER BY row_no)"
    field = field_sql(taobao.LINES, index)
    refs = [index[c] for c in ("订单编号", "主订单编号") if c in index]
    ref = refs[0] if len(refs) == 1 else (f"CASE WHEN {refs[0]} <> '' THEN {refs[0]} ELSE {refs[1]} END" if refs
                                          else "''")
    return f"""
    INSERT INTO {STAGE} (import_id, row_no, needs_python, order_id, sub_order_id, line_key, sku, title, properties,
                         quantity, paid_amount, status, refund_given, refund_status, refund_amount, paid_at,
                         created_at, ref)
    SELECT %s, row_no, NOT ok, order_id, sub_order_id,
           CASE WHEN ok THEN {line_key_sql("sub_order_id", "base", place)} ELSE '' END,
           sku, title, properties, quantity,
           CASE WHEN paid_amount IS NULL AND price IS NOT NULL THEN price * quantity ELSE paid_amount END,
           status, ok AND (refund_status <> '' OR refund_amount IS NOT NULL), CASE WHEN ok THEN refund_status ELSE ''
           END, refund_amount, paid_at, created_at, ref
    FROM (
        SELECT row_no, order_id, sub_order_id, sku, title, properties, status, ref, refund_status,
               {line_base_sql("sku", "properties", "title")} AS base,
               status_ok AND order_id_ok AND sub_order_id_ok AND quantity_ok AND price_ok AND paid_ok AND refund_ok
               AND paid_at_ok AND created_at_ok AND sku <> '' AS ok,
               CASE WHEN quantity_ok THEN quantity::int END AS quantity,
               {amount_value('price')} AS price, {amount_value('paid')} AS paid_amount,
               {amount_value('refund')} AS refund_amount,
               {moment_value('paid_at')} AS paid_at, {moment_value('created_at')} AS created_at
        FROM (
            SELECT *, status = '' OR status IN {in_list(taobao.STATUSES)} AS status_ok,
                   order_id ~ {literal(DIGITS)} AND octet_length(order_id) BETWEEN 6 AND 25 AS order_id_ok,
                   sub_order_id = '' OR sub_order_id ~ {literal(DIGITS)} AND octet_length(sub_order_id) BETWEEN 6
                       AND 25 AS sub_order_id_ok,
                   CASE WHEN quantity ~ '^[0-9]{{1,6}}$' THEN quantity::int BETWEEN 1 AND 100000 ELSE false END
                       AS quantity_ok,
                   {amount_ok('price')} AS price_ok, {amount_ok('paid')} AS paid_ok,
                   {amount_ok('refund')} AS refund_ok,
                   {moment_ok('paid_at')} AS paid_at_ok, {moment_ok('created_at')} AS created_at_ok
            FROM (
                SELECT *, {moment_parts('paid_at')}, {moment_parts('created_at')}
                FROM (
                    SELECT row_no, {fixed_layout('paid_at', field('paid_at'))},
                           {fixed_layout('created_at', field('created_at'))},
                           {field('order_id')} AS order_id, {field('sub_order_id')} AS sub_order_id,
                           left({field('title')}, 200) AS title, left({field('properties')}, 200) AS properties,
                           left({field('sku')}, 64) AS sku, {field('quantity')} AS quantity,
                           replace(replace({field('status')}, ',', '，'), ' ', '') AS status,
                           CASE WHEN {field('refund_status')} IN {no_refund()} THEN ''
                                ELSE left({field('refund_status')}, 30) END AS refund_status, {ref} AS ref,
                           {amount_text(field('price'))} AS price, {amount_text(field('paid_amount'))} AS paid,
                           {amount_text(field('refund_amount'))} AS refund,
                           {field('paid_at')} AS paid_at, {field('created_at')} AS created_at
                    FROM {RAW} OFFSET 0
                ) fields OFFSET 0
            ) split OFFSET 0
        ) checked OFFSET 0
    ) parsed
    """


def _read_in_python(cursor, taobao_import, columns):
    """Read the rows SQL left to the Python reader: each is read (its values staged) or refused (its reason)."""
    cursor.execute(f"SELECT count(*) FROM {STAGE} WHERE import_id = %s AND needs_python", [taobao_import.pk])
    if not cursor.fetchone()[0]:
        return
    names = ", ".join(f"r.c{n}" for n in range(len(columns)))
    last, keyless = 0, False
    while True:
        cursor.execute(f"SELECT r.row_no, {names} FROM {RAW} r WHERE r.row_no > %s AND r.row_no IN "
                       f"(SELECT row_no FROM {STAGE} WHERE import_id = %s AND needs_python AND row_no > %s) "
                       f"ORDER BY r.row_no LIMIT {PYTHON_BATCH}", [last, taobao_import.pk, last])
        batch = cursor.fetchall()
        if not batch:
            break
        read, refused = [], []
        for number, *raw in batch:
            cells = dict(zip(columns, raw, strict=True))
            try:
                rec = taobao.read_line(cells)
            except ValueError as error:
                refused.append((number, str(error), cells.get("订单编号") or cells.get("主订单编号") or ""))
                continue
            # A line without 子订单编号 is keyed once its place among its order's lines is known (below).
            key = line_key(rec["sub_order_id"], "", None) if rec["sub_order_id"] else ""
            keyless = keyless or not key
            read.append((number, rec["order_id"], rec["sub_order_id"], key, rec["sku"], rec["title"],
                         rec["properties"], rec["quantity"], rec["paid_amount"], rec["status"],
                         refund_given(rec), rec["refund_status"],
                         rec["refund_amount"], rec["paid_at"], rec["created_at"]))
        if read:
            execute_values(cursor, f"""
                UPDATE {STAGE} s SET needs_python = false, order_id = v.order_id, sub_order_id = v.sub_order_id,
                    line_key = v.line_key, sku = v.sku, title = v.title, properties = v.properties,
                    quantity = v.quantity, paid_amount = v.paid_amount, status = v.status,
                    refund_given = v.refund_given, refund_status = v.refund_status,
                    refund_amount = v.refund_amount, paid_at = v.paid_at, created_at = v.created_at
                FROM (VALUES %s) v(row_no, order_id, sub_order_id, line_key, sku, title, properties, quantity,
                                   paid_amount, status, refund_given, refund_status, refund_amount, paid_at,
                                   created_at)
                WHERE s.import_id = {int(taobao_import.pk)} AND s.row_no = v.row_no""", read,
                template="(%s, %s, %s, %s, %s, %s, %s, %s::int, %s::numeric, %s, %s::boolean, %s, %s::numeric, "
                         "%s::timestamptz, %s::timestamptz)", page_size=PYTHON_BATCH)
        if refused:
            execute_values(cursor, f"""
                UPDATE {STAGE} s SET needs_python = false, reason = v.reason, ref = v.ref
                FROM (VALUES %s) v(row_no, reason, ref)
                WHERE s.import_id = {int(taobao_import.pk)} AND s.row_no = v.row_no""",
                refused, page_size=PYTHON_BATCH)
        last = batch[-1][0]
    if keyless:
        # Lines without a 子订单编号 are told apart by their place among the order's lines with the same 商家编码,
        # properties and title: number them again now that the Python reader has read some of them.
        key = line_key_sql("k.sub_order_id", "k.base", "k.n")
        cursor.execute(f"""
            UPDATE {STAGE} s SET line_key = {key}
            FROM (SELECT row_no, sub_order_id, base,
                         row_number() OVER (PARTITION BY order_id, base ORDER BY row_no) AS n
                  FROM (SELECT row_no, order_id, sub_order_id, {line_base_sql("sku", "properties", "title")} AS base
                        FROM {STAGE} WHERE import_id = %s AND reason IS NULL AND sub_order_id = ''
                        AND order_id IN (SELECT order_id FROM {STAGE} WHERE import_id = %s AND reason IS NULL
                                         AND line_key = '')) keyed) k
            WHERE s.import_id = %s AND s.row_no = k.row_no AND s.line_key <> {key}""",
                       [taobao_import.pk, taobao_import.pk, taobao_import.pk])


def _staged_rows(taobao_import):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {STAGE} WHERE import_id = %s", [taobao_import.pk])
        return cursor.fetchone()[0]


def _problems(cursor, taobao_import):
    """The first PROBLEMS_KEPT refused rows (row, reason, ref) and how many there are: the reader's refusals and
    the lines whose 商家编码 no product has (their reason written now, for these rows only)."""
    where = (f"FROM {STAGE} s WHERE s.import_id = %s AND (s.reason IS NOT NULL OR NOT EXISTS "
             f"(SELECT 1 FROM {Product._meta.db_table} p WHERE p.sku = s.sku))")
    cursor.execute(f"SELECT count(*) {where}", [taobao_import.pk])
    count = cursor.fetchone()[0]
    if not count:
        return [], 0
    cursor.execute(f"SELECT s.row_no, s.reason, s.ref, s.sku, s.title, s.order_id {where} ORDER BY s.row_no "
                   f"LIMIT {TaobaoImport.PROBLEMS_KEPT}", [taobao_import.pk])
    problems = [
        {"row": row, "reason": reason if reason is not None else taobao.unknown_sku(sku, title),
         "ref": ref if reason is not None else order_id}
        for row, reason, ref, sku, title, order_id in cursor.fetchall()
    ]
    return problems, count


def _computed_sql(bounded):
    """Each readable staged line with a known product, joined to its order and line as the shop knows them, and
    what the line becomes: the rules of `importing.Batch.lines` and `importing.target_of`, set-based. Parameters:
    the import id (and the first and last row number if `bounded`)."""
    bounds = "AND s.row_no BETWEEN %s AND %s" if bounded else ""
    return f"""
    SELECT f.*, t.target,
           f.line_pk IS NOT NULL AND (
               (f.old_sub_order_id, f.old_sku, f.old_title, f.old_properties, f.old_quantity, f.old_product_id,
                f.old_paid_amount, f.old_paid_at, f.old_status, f.old_refund_status, f.old_refund_amount,
                f.old_target)
               IS DISTINCT FROM
               (f.sub_order_id, f.sku, f.title, f.properties, f.quantity, f.product_id, f.paid_amount,
                f.new_paid_at, f.new_status, f.new_refund_status, f.new_refund_amount, t.target)
               OR t.target <> f.old_sold) AS changed
    FROM (
        SELECT s.row_no, s.order_id, s.sub_order_id, s.line_key, s.sku, s.title, s.properties, s.quantity,
               s.paid_amount, p.id AS product_id, o.id AS order_pk, o.sold AS order_sold,
               l.id AS line_pk, l.target AS old_target, coalesce(l.sold, 0) AS old_sold,
               l.sub_order_id AS old_sub_order_id, l.sku AS old_sku, l.title AS old_title,
               l.properties AS old_properties, l.quantity AS old_quantity, l.product_id AS old_product_id,
               l.paid_amount AS old_paid_amount, l.paid_at AS old_paid_at, l.status AS old_status,
               l.refund_status AS old_refund_status, l.refund_amount AS old_refund_amount,
               CASE WHEN s.status <> '' AND (l.id IS NULL OR l.status = ''
                                             OR {rank_sql("s.status")} >= {rank_sql("l.status")}) THEN s.status
                    ELSE coalesce(l.status, '') END AS new_status,
               CASE WHEN s.refund_given THEN s.refund_status ELSE coalesce(l.refund_status, '') END
                   AS new_refund_status,
               CASE WHEN s.refund_given THEN s.refund_amount ELSE l.refund_amount END AS new_refund_amount,
               coalesce(s.paid_at, l.paid_at) AS new_paid_at
        FROM {STAGE} s
        JOIN {PRODUCT} p ON p.sku = s.sku
        LEFT JOIN {ORDER} o ON o.order_id = s.order_id
        LEFT JOIN {LINE} l ON l.order_id = o.id AND l.line_key = s.line_key
        WHERE s.import_id = %s AND s.reason IS NULL {bounds}
    ) f
    CROSS JOIN LATERAL (SELECT CASE
        WHEN f.order_sold IS FALSE THEN 0
        WHEN {rank_sql("f.new_status")} = {FINAL} AND NOT {sells_sql("f.new_status")} THEN 0
        WHEN f.new_refund_status = {literal(taobao.REFUND_DONE)} AND f.new_refund_amount <> 0
             AND f.paid_amount IS NOT NULL AND f.new_refund_amount >= f.paid_amount THEN 0
        WHEN f.order_sold OR {sells_sql("f.new_status")} THEN f.quantity
        ELSE 0 END AS target) t
    """


COUNTS = """
    SELECT product_id, count(*), count(*) FILTER (WHERE line_pk IS NULL), count(*) FILTER (WHERE target > 0),
           count(*) FILTER (WHERE target = 0),
           count(*) FILTER (WHERE target = old_sold AND line_pk IS NOT NULL AND old_target = target),
           count(*) FILTER (WHERE target <> old_sold AND old_sold > 0),
           count(*) FILTER (WHERE target <> old_sold AND target > 0),
           count(DISTINCT order_id) FILTER (WHERE order_pk IS NULL),
           coalesce(sum(old_sold - target) FILTER (WHERE target <> old_sold), 0)
    FROM ({relation}) c GROUP BY GROUPING SETS ((), (product_id))
"""
COUNT_NAMES = ["lines", "new_lines", "sold_lines", "unsold_lines", "unchanged", "reversals", "sales", "new_orders"]


def _counts(cursor, relation, params):
    """(counts, deltas) of the computed lines in `relation`: the preview's numbers, and each product's change."""
    cursor.execute("SET LOCAL work_mem = '128MB'")
    cursor.execute(COUNTS.format(relation=relation), params)
    counts, deltas = {}, {}
    for product_id, *numbers, delta in cursor.fetchall():
        if product_id is None:
            counts = {name: number for name, number in zip(COUNT_NAMES, numbers, strict=True) if number}
        elif delta:
            deltas[product_id] = delta
    return counts, deltas


def _count(cursor, taobao_import):
    return _counts(cursor, _computed_sql(bounded=False), [taobao_import.pk])


def problems(taobao_import):
    with connection.cursor() as cursor:
        return _problems(cursor, taobao_import)


# --- import ---------------------------------------------------------------------------------------------------


def write(taobao_import):
    """Bring the shop's orders and lines up to the staged rows, a committed chunk at a time (progress, short
    locks): new orders, then the changed lines (locked in primary-key order). Lines new to the shop are held
    (`NEW_LINES`, a temporary table) and written by `settle` with their sales, in its transaction, so that no
    line is written twice; unless refunds wait for their lines: then they are written here and the refunds linked
    to them. Returns (the counts, as the check counted them; whether new lines are held for `settle`)."""
    summary = {}
    waiting_refunds = TaobaoRefund.objects.filter(line__isnull=True).exists()
    hold = not waiting_refunds
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NEW_LINES}")
        if hold:
            cursor.execute(f"CREATE TEMP TABLE {NEW_LINES} AS SELECT {NEW_LINE_COLUMNS}, 0 AS row_no FROM {LINE} "
                           f"WITH NO DATA")
        cursor.execute(f"SELECT coalesce(max(row_no), 0) FROM {STAGE} WHERE import_id = %s", [taobao_import.pk])
        last = cursor.fetchone()[0]
        done = 0
        for lo in range(0, last + 1, copying.CHUNK):  # (read at the call: a test makes the chunks small)
            hi = lo + copying.CHUNK - 1
            with transaction.atomic():
                counts = _write_chunk(cursor, taobao_import, lo, hi, hold=hold)
                cursor.execute(f"SELECT count(*) FROM {STAGE} WHERE import_id = %s AND row_no BETWEEN %s AND %s",
                               [taobao_import.pk, lo, hi])
                done += cursor.fetchone()[0]
                taobao_import.beat(done)
            for name, number in counts.items():
                summary[name] = summary.get(name, 0) + number
    if waiting_refunds:
        # Refunds imported before their lines: linked by the Python rules, on the few lines they can be about.
        waiting = set(TaobaoRefund.objects.filter(line__isnull=True).values_list("order_id", flat=True))
        lines = list(TaobaoOrderLine.objects.filter(last_import=taobao_import, sub_order_id__in=waiting)
                     .select_related("order").order_by("pk")) + list(
            TaobaoOrderLine.objects.filter(last_import=taobao_import, order__order_id__in=waiting).exclude(
                sub_order_id__in=waiting).select_related("order").order_by("pk"))
        for line in lines:
            line.order_number = line.order.order_id
        batch = Batch(taobao_import, write=True)
        with transaction.atomic():
            batch._link_waiting_refunds(lines)
        for name, number in batch.counts.items():
            summary[name] = summary.get(name, 0) + number
    summary["rows"] = done
    return summary, hold


NEW_LINES = "taobao_new_lines"
NEW_LINE_COLUMNS = ("order_id, line_key, sub_order_id, sku, title, properties, quantity, paid_amount, status, "
                    "refund_status, refund_amount, paid_at, product_id, target, last_import_id")


def _write_chunk(cursor, taobao_import, lo, hi, *, hold):
    now = timezone.now()
    cursor.execute(f"""
        INSERT INTO {ORDER} (order_id, status, status_rank, sold, paid_amount, total, refund_amount, paid_at,
                             placed_at, close_reason, from_order_report, last_import_id, updated_at)
        SELECT DISTINCT ON (s.order_id) s.order_id, '', NULL, NULL, NULL, NULL, NULL, s.paid_at, s.created_at, '',
               false, %s, %s
        FROM {STAGE} s JOIN {PRODUCT} p ON p.sku = s.sku
        WHERE s.import_id = %s AND s.reason IS NULL AND s.row_no BETWEEN %s AND %s
          AND NOT EXISTS (SELECT 1 FROM {ORDER} o WHERE o.order_id = s.order_id)
        ORDER BY s.order_id, s.row_no
        ON CONFLICT (order_id) DO NOTHING""", [taobao_import.pk, now, taobao_import.pk, lo, hi])
    new_orders = cursor.rowcount
    cursor.execute(f"DROP TABLE IF EXISTS {CHUNK_TABLE}")
    cursor.execute(f"CREATE TEMP TABLE {CHUNK_TABLE} AS {_computed_sql(bounded=True)}", [taobao_import.pk, lo, hi])
    counts, _deltas = _counts(cursor, f"SELECT * FROM {CHUNK_TABLE}", [])
    counts.pop("new_orders", None)
    if new_orders:
        counts["new_orders"] = new_orders
    # The lines that change, locked in primary-key order first (as every writer of lines does).
    cursor.execute(f"SELECT count(*) FROM (SELECT id FROM {LINE} WHERE id IN (SELECT line_pk FROM {CHUNK_TABLE} "
                   f"WHERE changed) ORDER BY id FOR UPDATE) locked")
    cursor.execute(f"""
        UPDATE {LINE} l SET sub_order_id = c.sub_order_id, sku = c.sku, title = c.title, properties = c.properties,
            quantity = c.quantity, product_id = c.product_id, paid_amount = c.paid_amount, paid_at = c.new_paid_at,
            status = c.new_status, refund_status = c.new_refund_status, refund_amount = c.new_refund_amount,
            target = c.target, last_import_id = %s
        FROM {CHUNK_TABLE} c WHERE l.id = c.line_pk AND c.changed""", [taobao_import.pk])
    new = f"""
        SELECT order_pk AS order_id, line_key, sub_order_id, sku, title, properties, quantity, paid_amount,
               new_status AS status, new_refund_status AS refund_status, new_refund_amount AS refund_amount,
               new_paid_at AS paid_at, product_id, target, %s AS last_import_id, row_no
        FROM {CHUNK_TABLE} c WHERE c.line_pk IS NULL"""
    if hold:
        cursor.execute(f"INSERT INTO {NEW_LINES} ({NEW_LINE_COLUMNS}, row_no) {new}", [taobao_import.pk])
    else:
        cursor.execute(f"""
            INSERT INTO {LINE} ({NEW_LINE_COLUMNS}, sold)
            SELECT {NEW_LINE_COLUMNS}, 0 FROM (
                SELECT DISTINCT ON (order_id, line_key) * FROM ({new}) n ORDER BY order_id, line_key, row_no DESC
            ) n ORDER BY row_no
            ON CONFLICT (order_id, line_key) DO NOTHING""", [taobao_import.pk])
    cursor.execute(f"DROP TABLE {CHUNK_TABLE}")
    return counts
