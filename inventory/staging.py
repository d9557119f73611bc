"""The 宝贝报表 (order lines) import on PostgreSQL, set-based: the check stages the file's rows once (cleaned by
`tables.clean_cell`, COPY into `inventory_taobao_stage`), reads them in SQL and counts the preview there; the
import then upserts the orders and changed lines from the staged rows in a few statements per chunk, without
reading the file again, and `settle_ledger` writes the new lines and every sale and reversal in one statement.

SQL reads only the forms the exports write (ids of 6–25 digits, whole quantities, amounts with at most two
decimals, `2017-07-08 00:42:32` or `2020/2/21 0:00`, a known status, a 商家编码). Every other row is read by
`taobao.read_line`, which holds every rule and every reason, so a row is read, or refused for the same reason,
on both paths. SQLite and the 退款报表 take the Python path (`importing.Batch`).

A 订单报表 is checked the same way (`stage_orders`: its orders read in SQL, the other rows by `taobao.read_order`,
staged in `inventory_taobao_order_stage`), and its import writes them set-based from there (`write_orders`) without
reading the file again.
"""
import datetime

import psycopg2
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from . import taobao
from .models import Product, StockMove, TaobaoImport, TaobaoOrder, TaobaoOrderLine, TaobaoRefund
from .tables import TableRefused

STAGE = "inventory_taobao_stage"
ORDER_STAGE = "inventory_taobao_order_stage"
ORDER_RAW = "taobao_order_raw"
NEW_ORDERS = "taobao_new_orders"
RAW = "taobao_raw"
CHUNK_TABLE = "taobao_chunk"
# Rows per COPY while checking (the progress bar moves between them) and per committed chunk while importing.
CHUNK = 25_000
ORDERS_CHUNK = 50_000  # an order is one row: a chunk of orders writes fewer rows than one of lines
JUDGED_BATCH = 2000
FEED_BYTES = 1 << 16  # text handed to COPY at a time
STAGED_FOR = datetime.timedelta(days=7)
# What Python's str.strip() takes off (str.isspace()), so that SQL trims amounts exactly as `parse_amount` does.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
              "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
DIGITS = "^[0-9]+$"
AMOUNT_RE = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
# The moments SQL reads: `2017-07-08 00:42:32` (the seller centre; its fields in range but the day of the month),
# and other `-` and `/` layouts (`2020/2/21 0:00`: an Excel re-save).
MOMENT_LIKE, MOMENT = "20__-__-__ __:__:__", r"^[0-9]+-[0-9]+-[0-9]+ [0-9]+:[0-9]+:[0-9]+$"  # (bounded: slow)
MOMENT_DASH = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$"
MOMENT_SLASH = r"^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2} [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$"


def _literal(text):
    return "'" + str(text).replace("'", "''") + "'"


def _in(values):
    return "(" + ", ".join(_literal(v) for v in values) + ")"


WS = _literal(WHITESPACE)


def _rank(status):
    """SQL for the rank of an order status (`taobao.STATUSES`); NULL for none."""
    return f"CASE {status} " + " ".join(f"WHEN {_literal(name)} THEN {rank}"
                                        for name, (rank, _sold) in taobao.STATUSES.items()) + " END"


def _sells(status):
    """SQL for whether an order status counts as sold; NULL for none."""
    return f"CASE {status} " + " ".join(f"WHEN {_literal(name)} THEN {'true' if sold else 'false'}"
                                        for name, (_rank, sold) in taobao.STATUSES.items()) + " END"


FINAL = taobao.FINAL


# Whether the 宝贝报表 is checked and imported set-based on PostgreSQL (tests turn it off to run the Python path
# on PostgreSQL too).
ENABLED = True


def usable(kind, staged_kind=taobao.LINES):
    """Whether an export of `kind` is staged at its check (PostgreSQL: the 宝贝报表's rows, an 订单报表's orders)."""
    return ENABLED and kind == staged_kind and connection.vendor == "postgresql"


def staged(imp, table=STAGE):
    """Whether the import's rows are staged (checked on PostgreSQL): then it is imported from there."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE import_id = %s)", [imp.pk])
        return cursor.fetchone()[0]


def purge():
    """Forget the rows staged for imports left waiting or stopped for a week: should one be started after all, it
    reads its file again (it is kept)."""
    with connection.cursor() as cursor:
        for stage in (STAGE, ORDER_STAGE):
            cursor.execute(f"DELETE FROM {stage} WHERE import_id IN (SELECT id FROM {TaobaoImport._meta.db_table} "
                           f"WHERE status IN (%s, %s) AND created_at < %s)",
                           [TaobaoImport.Status.CHECKED, TaobaoImport.Status.FAILED, timezone.now() - STAGED_FOR])


def discard(imp):
    """Forget the staged rows (the import is done, cancelled or refused)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {STAGE} WHERE import_id = %s", [imp.pk])
            cursor.execute(f"DELETE FROM {ORDER_STAGE} WHERE import_id = %s", [imp.pk])


# --- check: stage, clean, read, count -------------------------------------------------------------------------


class _Feed:
    """A file-like of COPY text (tab-separated) written from the next `limit` (row number, cells) of `rows` as
    COPY reads it: memory stays flat. A row whose cells hold a tab, a line break or a backslash has them escaped."""

    def __init__(self, rows, *, limit):
        self.rows, self.limit = rows, limit
        self.count = 0
        self.refusal = None  # the file stopped being readable (psycopg2 reports it as a failed COPY)

    def read(self, size=-1):
        try:
            return self._read(size)
        except TableRefused as refusal:
            self.refusal = refusal
            raise

    def _read(self, size):
        size = size if size and size > 0 else FEED_BYTES
        lines, length = [], 0
        if self.count >= self.limit:
            return ""
        for number, cells in self.rows:
            line = "\t".join(cells)
            if line.count("\t") != len(cells) - 1 or "\\" in line or "\n" in line or "\r" in line:
                line = "\t".join(cell.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                                  .replace("\r", "\\r") for cell in cells)
            lines.append(f"{number}\t{line}\n")
            length += len(line)
            self.count += 1
            if length >= size or self.count >= self.limit:
                break
        return "".join(lines)


class Fallback(Exception):
    """The file cannot be staged (e.g. a cell PostgreSQL cannot hold): read it the Python way."""


def _checked(imp, table, read):
    """COPY the file's cells (`_copy_cells`), then, in one transaction that holds the check's claim (its row
    locked till commit: no other check stages these rows), `read(cursor, columns, rows copied)` them into the
    stage; returns what `read` returns. On an error nothing stays staged: PostgreSQL's refusal becomes Fallback, a
    file that stopped being readable its own refusal; a Fallback from `read` goes up."""
    columns = list(table.columns)
    purge()
    discard(imp)
    feeds = []
    try:
        with connection.cursor() as cursor:
            done = _copy_cells(cursor, imp, table, feeds)
            with transaction.atomic():
                imp.beat(done)
                discard(imp)
                found = read(cursor, columns, done)
            cursor.execute(f"DROP TABLE IF EXISTS {RAW}")
    except Fallback:
        discard(imp)
        raise
    except (DatabaseError, psycopg2.Error) as error:
        discard(imp)
        _refused_or_fallback(feeds, error)
    finally:
        table.close()
    return found


def stage(imp, table):
    """Stage, read and count the file's rows: (summary, problems, problem count, deltas). Raises Fallback when
    PostgreSQL refuses the rows (nothing stays staged); a TableRefused from reading the file goes up."""

    def read(cursor, columns, _done):
        cursor.execute("SET LOCAL work_mem = '128MB'")  # numbering the lines sorts every row once
        cursor.execute(_stage_sql(columns), [imp.pk])
        _judge(cursor, imp, columns)
        return (*_count(cursor, imp), *_problems(cursor, imp))

    summary, deltas, problems, count = _checked(imp, table, read)
    summary["rows"] = _staged_rows(imp)
    return summary, problems, count, deltas


def _copy_cells(cursor, imp, table, feeds):
    """COPY the table's cleaned cells (`Table.clean_rows`) into the temporary RAW table (row_no, c0, c1, …), a
    committed CHUNK at a time so that the progress moves; returns how many rows. Each _Feed is appended to `feeds`
    (the last one knows whether the file stopped being readable)."""
    width = len(table.columns)
    copy_columns = ", ".join(["row_no", *(f"c{n}" for n in range(width))])
    rows = iter(table.clean_rows())
    cursor.execute(f"DROP TABLE IF EXISTS {RAW}")
    cursor.execute(f"CREATE TEMP TABLE {RAW} (row_no integer, {', '.join(f'c{n} text' for n in range(width))})")
    done = 0
    while not feeds or feeds[-1].count == CHUNK:
        feeds.append(_Feed(rows, limit=CHUNK))
        with transaction.atomic():
            cursor.copy_expert(f"COPY {RAW} ({copy_columns}) FROM STDIN", feeds[-1], size=FEED_BYTES)
        done += feeds[-1].count
        if feeds[-1].count:
            imp.beat(done)
    return done


def _refused_or_fallback(feeds, error):
    """After PostgreSQL refused the staging: the file's own refusal if reading it failed, else Fallback."""
    if feeds and feeds[-1].refusal is not None:
        raise feeds[-1].refusal from None
    raise Fallback(str(error)) from error


def _amount_sql(column):
    return (f"btrim(replace(replace(replace(replace({column}, '元', ''), '¥', ''), '￥', ''), ',', ''), {WS})")


ZONE = _literal(taobao.SHANGHAI.key)
NO_REFUND = _in(sorted(taobao.NO_REFUND))


def _moment_ok(name):
    p, day, month, year = f"{name}_p", f"substr({name}, 9, 2)", f"substr({name}, 6, 2)", f"substr({name}, 3, 2)"
    in_range = (f"{month} BETWEEN '01' AND '12' AND {day} >= '01' AND substr({name}, 12, 2) <= '23' "
                f"AND substr({name}, 15, 2) <= '59' AND substr({name}, 18, 2) <= '59'")
    fixed_days = (f"CASE WHEN {month} IN ('04', '06', '09', '11') THEN '30' WHEN {month} = '02' "
                  f"THEN CASE WHEN {year}::int %% 4 = 0 THEN '29' ELSE '28' END ELSE '31' END")
    days = (f"CASE WHEN {p}[2]::int IN (4, 6, 9, 11) THEN 30 WHEN {p}[2]::int = 2 "
            f"THEN CASE WHEN {p}[1]::int %% 4 = 0 THEN 29 ELSE 28 END ELSE 31 END")
    return (f"CASE WHEN {name} = '' THEN true WHEN {name}_fixed THEN {in_range} AND {day} <= {fixed_days} "
            f"WHEN {p} IS NOT NULL THEN {p}[1]::int BETWEEN 2000 AND 2099 AND {p}[2]::int BETWEEN 1 AND 12 "
            f"AND {p}[3]::int BETWEEN 1 AND {days} AND {p}[4]::int <= 23 AND {p}[5]::int <= 59 "
            f"AND coalesce({p}[6], '0')::int <= 59 ELSE false END")


def _moment_value(name):
    p = f"{name}_p"
    return (f"CASE WHEN {name}_ok AND {name}_fixed THEN {name}::timestamp AT TIME ZONE {ZONE} "
            f"WHEN {name}_ok AND {p} IS NOT NULL THEN make_timestamp({p}[1]::int, {p}[2]::int, {p}[3]::int, "
            f"{p}[4]::int, {p}[5]::int, coalesce({p}[6], '0')::int) AT TIME ZONE {ZONE} END")


def _amount_ok(name):
    return f"({name} = '' OR {name} IN {NO_REFUND} OR {name} ~ {_literal(AMOUNT_RE)})"


def _amount_value(name):
    return f"CASE WHEN {name}_ok AND {name} <> '' AND {name} NOT IN {NO_REFUND} THEN {name}::numeric(12, 2) END"


def _fixed(name, cell):
    """Whether the field `name` (the SQL `cell`) has the seller centre's layout."""
    return f"{cell} LIKE {_literal(MOMENT_LIKE)} AND {cell} ~ {_literal(MOMENT)} AS {name}_fixed"


def _parts(name):
    """The numbers of a moment in another layout SQL reads."""
    return (f"CASE WHEN {name} <> '' AND NOT {name}_fixed "
            f"AND ({name} ~ {_literal(MOMENT_DASH)} OR {name} ~ {_literal(MOMENT_SLASH)}) "
            f"THEN string_to_array(translate({name}, '-/ :', ',,,,'), ',') END AS {name}_p")


def _fields(kind, index):
    """The SQL of each field of an export of `kind` whose copied columns are `index` (name -> column): whichever
    of the field's names the file has, as `taobao._fields` reads it; '' for a field it lacks."""
    names = taobao.COLUMNS[kind]
    return lambda name: next((index[column] for column in names[name] if column in index), "''")


def _stage_sql(columns):
    """INSERT … SELECT from the copied cells (cleaned as `clean_cell` does, by `Table.clean_rows`) into the
    stage: read where SQL can read them, `judge` where the Python reader must (it also gives the reason of a
    refused row). Each step reads the one before through an `OFFSET 0` fence, so that no expression is worked out
    more than once per row."""
    index = {column: f"c{n}" for n, column in enumerate(columns)}
    field = _fields(taobao.LINES, index)
    refs = [index[c] for c in ("订单编号", "主订单编号") if c in index]
    ref = refs[0] if len(refs) == 1 else (f"CASE WHEN {refs[0]} <> '' THEN {refs[0]} ELSE {refs[1]} END" if refs
                                          else "''")
    return f"""
    INSERT INTO {STAGE} (import_id, row_no, judge, order_id, sub_order_id, line_key, sku, title, properties,
                         quantity, paid_amount, status, refund_given, refund_status, refund_amount, paid_at,
                         created_at, ref)
    SELECT %s, row_no, NOT ok, order_id, sub_order_id,
           CASE WHEN NOT ok THEN '' WHEN sub_order_id <> '' THEN 'sub:' || sub_order_id
                ELSE base || '#' || row_number() OVER (PARTITION BY ok AND sub_order_id = '', order_id, base
                                                       ORDER BY row_no) END,
           sku, title, properties, quantity,
           CASE WHEN paid_amount IS NULL AND price IS NOT NULL THEN price * quantity ELSE paid_amount END,
           status, ok AND (refund_status <> '' OR refund_amount IS NOT NULL), CASE WHEN ok THEN refund_status ELSE ''
           END, refund_amount, paid_at, created_at, ref
    FROM (
        SELECT row_no, order_id, sub_order_id, sku, title, properties, status, ref, refund_status,
               left(sku || '|' || properties || '|' || title, 90) AS base,
               status_ok AND order_id_ok AND sub_order_id_ok AND quantity_ok AND price_ok AND paid_ok AND refund_ok
               AND paid_at_ok AND created_at_ok AND sku <> '' AS ok,
               CASE WHEN quantity_ok THEN quantity::int END AS quantity,
               {_amount_value('price')} AS price, {_amount_value('paid')} AS paid_amount,
               {_amount_value('refund')} AS refund_amount,
               {_moment_value('paid_at')} AS paid_at, {_moment_value('created_at')} AS created_at
        FROM (
            SELECT *, status = '' OR status IN {_in(taobao.STATUSES)} AS status_ok,
                   order_id ~ {_literal(DIGITS)} AND octet_length(order_id) BETWEEN 6 AND 25 AS order_id_ok,
                   sub_order_id = '' OR sub_order_id ~ {_literal(DIGITS)} AND octet_length(sub_order_id) BETWEEN 6
                       AND 25 AS sub_order_id_ok,
                   CASE WHEN quantity ~ '^[0-9]{{1,6}}$' THEN quantity::int BETWEEN 1 AND 100000 ELSE false END
                       AS quantity_ok,
                   {_amount_ok('price')} AS price_ok, {_amount_ok('paid')} AS paid_ok,
                   {_amount_ok('refund')} AS refund_ok,
                   {_moment_ok('paid_at')} AS paid_at_ok, {_moment_ok('created_at')} AS created_at_ok
            FROM (
                SELECT *, {_parts('paid_at')}, {_parts('created_at')}
                FROM (
                    SELECT row_no, {_fixed('paid_at', field('paid_at'))}, {_fixed('created_at', field('created_at'))},
                           {field('order_id')} AS order_id, {field('sub_order_id')} AS sub_order_id,
                           left({field('title')}, 200) AS title, left({field('properties')}, 200) AS properties,
                           left({field('sku')}, 64) AS sku, {field('quantity')} AS quantity,
                           replace(replace({field('status')}, ',', '，'), ' ', '') AS status,
                           CASE WHEN {field('refund_status')} IN {NO_REFUND} THEN ''
                                ELSE left({field('refund_status')}, 30) END AS refund_status, {ref} AS ref,
                           {_amount_sql(field('price'))} AS price, {_amount_sql(field('paid_amount'))} AS paid,
                           {_amount_sql(field('refund_amount'))} AS refund,
                           {field('paid_at')} AS paid_at, {field('created_at')} AS created_at
                    FROM {RAW} OFFSET 0
                ) fields OFFSET 0
            ) split OFFSET 0
        ) checked OFFSET 0
    ) parsed
    """


def _judge(cursor, imp, columns):
    """Read the rows SQL left to the Python reader: each is read (its values staged) or refused (its reason)."""
    cursor.execute(f"SELECT count(*) FROM {STAGE} WHERE import_id = %s AND judge", [imp.pk])
    if not cursor.fetchone()[0]:
        return
    from psycopg2.extras import execute_values

    names = ", ".join(f"r.c{n}" for n in range(len(columns)))
    last, keyless = 0, False
    while True:
        cursor.execute(f"SELECT r.row_no, {names} FROM {RAW} r WHERE r.row_no > %s AND r.row_no IN "
                       f"(SELECT row_no FROM {STAGE} WHERE import_id = %s AND judge AND row_no > %s) "
                       f"ORDER BY r.row_no LIMIT {JUDGED_BATCH}", [last, imp.pk, last])
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
            key = f"sub:{rec['sub_order_id']}" if rec["sub_order_id"] else ""
            keyless = keyless or not key
            read.append((number, rec["order_id"], rec["sub_order_id"], key, rec["sku"], rec["title"],
                         rec["properties"], rec["quantity"], rec["paid_amount"], rec["status"],
                         bool(rec["refund_status"]) or rec["refund_amount"] is not None, rec["refund_status"],
                         rec["refund_amount"], rec["paid_at"], rec["created_at"]))
        if read:
            execute_values(cursor, f"""
                UPDATE {STAGE} s SET judge = false, order_id = v.order_id, sub_order_id = v.sub_order_id,
                    line_key = v.line_key, sku = v.sku, title = v.title, properties = v.properties,
                    quantity = v.quantity, paid_amount = v.paid_amount, status = v.status,
                    refund_given = v.refund_given, refund_status = v.refund_status,
                    refund_amount = v.refund_amount, paid_at = v.paid_at, created_at = v.created_at
                FROM (VALUES %s) v(row_no, order_id, sub_order_id, line_key, sku, title, properties, quantity,
                                   paid_amount, status, refund_given, refund_status, refund_amount, paid_at,
                                   created_at)
                WHERE s.import_id = {int(imp.pk)} AND s.row_no = v.row_no""", read,
                template="(%s, %s, %s, %s, %s, %s, %s, %s::int, %s::numeric, %s, %s::boolean, %s, %s::numeric, "
                         "%s::timestamptz, %s::timestamptz)", page_size=JUDGED_BATCH)
        if refused:
            execute_values(cursor, f"""
                UPDATE {STAGE} s SET judge = false, reason = v.reason, ref = v.ref
                FROM (VALUES %s) v(row_no, reason, ref) WHERE s.import_id = {int(imp.pk)} AND s.row_no = v.row_no""",
                refused, page_size=JUDGED_BATCH)
        last = batch[-1][0]
    if keyless:
        # Lines without a 子订单编号 are told apart by their place among the order's lines with the same 商家编码,
        # properties and title: number them again now that the Python reader has read some of them.
        cursor.execute(f"""
            UPDATE {STAGE} s SET line_key = k.base || '#' || k.n
            FROM (SELECT row_no, base, row_number() OVER (PARTITION BY order_id, base ORDER BY row_no) AS n
                  FROM (SELECT row_no, order_id, left(sku || '|' || properties || '|' || title, 90) AS base
                        FROM {STAGE} WHERE import_id = %s AND reason IS NULL AND sub_order_id = ''
                        AND order_id IN (SELECT order_id FROM {STAGE} WHERE import_id = %s AND reason IS NULL
                                         AND line_key = '')) keyed) k
            WHERE s.import_id = %s AND s.row_no = k.row_no AND s.line_key <> k.base || '#' || k.n""",
                       [imp.pk, imp.pk, imp.pk])


def _staged_rows(imp):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {STAGE} WHERE import_id = %s", [imp.pk])
        return cursor.fetchone()[0]


def _problems(cursor, imp):
    """The first PROBLEMS_KEPT refused rows (row, reason, ref) and how many there are: the reader's refusals and
    the lines whose 商家编码 no product has (their reason written now, for these rows only)."""
    where = (f"FROM {STAGE} s WHERE s.import_id = %s AND (s.reason IS NOT NULL OR NOT EXISTS "
             f"(SELECT 1 FROM {Product._meta.db_table} p WHERE p.sku = s.sku))")
    cursor.execute(f"SELECT count(*) {where}", [imp.pk])
    count = cursor.fetchone()[0]
    if not count:
        return [], 0
    cursor.execute(f"SELECT s.row_no, s.reason, s.ref, s.sku, s.title, s.order_id {where} ORDER BY s.row_no "
                   f"LIMIT {TaobaoImport.PROBLEMS_KEPT}", [imp.pk])
    problems = [
        {"row": row, "reason": reason if reason is not None else taobao.unknown_sku(sku, title),
         "ref": ref if reason is not None else order_id}
        for row, reason, ref, sku, title, order_id in cursor.fetchall()
    ]
    return problems, count


# --- what importing the staged lines does (the preview counts it, the import writes it) -----------------------

LINE = TaobaoOrderLine._meta.db_table
ORDER = TaobaoOrder._meta.db_table
PRODUCT = Product._meta.db_table
MOVE = StockMove._meta.db_table
REFUND = TaobaoRefund._meta.db_table


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
                                             OR {_rank("s.status")} >= {_rank("l.status")}) THEN s.status
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
        WHEN {_rank("f.new_status")} = {FINAL} AND NOT {_sells("f.new_status")} THEN 0
        WHEN f.new_refund_status = {_literal(taobao.REFUND_DONE)} AND f.new_refund_amount <> 0
             AND f.paid_amount IS NOT NULL AND f.new_refund_amount >= f.paid_amount THEN 0
        WHEN f.order_sold OR {_sells("f.new_status")} THEN f.quantity
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


def _count(cursor, imp):
    return _counts(cursor, _computed_sql(bounded=False), [imp.pk])


def problems(imp):
    with connection.cursor() as cursor:
        return _problems(cursor, imp)


# --- import ---------------------------------------------------------------------------------------------------


def write(imp):
    """Bring the shop's orders and lines up to the staged rows, a committed chunk at a time (progress, short
    locks): new orders, then the changed lines (locked in primary-key order). Lines new to the shop are held
    (`NEW_LINES`, a temporary table) and written by `settle` with their sales, in its transaction, so that no
    line is written twice; unless refunds wait for their lines: then they are written here and the refunds linked
    to them. Returns (the counts, as the check counted them; whether new lines are held for `settle`)."""
    from .importing.batch import Batch

    summary = {}
    waiting_refunds = TaobaoRefund.objects.filter(line__isnull=True).exists()
    hold = not waiting_refunds
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NEW_LINES}")
        if hold:
            cursor.execute(f"CREATE TEMP TABLE {NEW_LINES} AS SELECT {NEW_LINE_COLUMNS}, 0 AS row_no FROM {LINE} "
                           f"WITH NO DATA")
        cursor.execute(f"SELECT coalesce(max(row_no), 0) FROM {STAGE} WHERE import_id = %s", [imp.pk])
        last = cursor.fetchone()[0]
        done = 0
        for lo in range(0, last + 1, CHUNK):
            hi = lo + CHUNK - 1
            with transaction.atomic():
                counts = _write_chunk(cursor, imp, lo, hi, hold=hold)
                cursor.execute(f"SELECT count(*) FROM {STAGE} WHERE import_id = %s AND row_no BETWEEN %s AND %s",
                               [imp.pk, lo, hi])
                done += cursor.fetchone()[0]
                imp.beat(done)
            for name, number in counts.items():
                summary[name] = summary.get(name, 0) + number
    if waiting_refunds:
        # Refunds imported before their lines: linked by the Python rules, on the few lines they can be about.
        waiting = set(TaobaoRefund.objects.filter(line__isnull=True).values_list("order_id", flat=True))
        lines = list(TaobaoOrderLine.objects.filter(last_import=imp, sub_order_id__in=waiting).select_related("order")
                     .order_by("pk")) + list(
            TaobaoOrderLine.objects.filter(last_import=imp, order__order_id__in=waiting).exclude(
                sub_order_id__in=waiting).select_related("order").order_by("pk"))
        for line in lines:
            line.order_number = line.order.order_id
        batch = Batch(imp, write=True)
        with transaction.atomic():
            batch._link_waiting_refunds(lines)
        for name, number in batch.counts.items():
            summary[name] = summary.get(name, 0) + number
    summary["rows"] = done
    return summary, hold


NEW_LINES = "taobao_new_lines"
NEW_LINE_COLUMNS = ("order_id, line_key, sub_order_id, sku, title, properties, quantity, paid_amount, status, "
                    "refund_status, refund_amount, paid_at, product_id, target, last_import_id")


def _write_chunk(cursor, imp, lo, hi, *, hold):
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
        ON CONFLICT (order_id) DO NOTHING""", [imp.pk, now, imp.pk, lo, hi])
    new_orders = cursor.rowcount
    cursor.execute(f"DROP TABLE IF EXISTS {CHUNK_TABLE}")
    cursor.execute(f"CREATE TEMP TABLE {CHUNK_TABLE} AS {_computed_sql(bounded=True)}", [imp.pk, lo, hi])
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
        FROM {CHUNK_TABLE} c WHERE l.id = c.line_pk AND c.changed""", [imp.pk])
    new = f"""
        SELECT order_pk AS order_id, line_key, sub_order_id, sku, title, properties, quantity, paid_amount,
               new_status AS status, new_refund_status AS refund_status, new_refund_amount AS refund_amount,
               new_paid_at AS paid_at, product_id, target, %s AS last_import_id, row_no
        FROM {CHUNK_TABLE} c WHERE c.line_pk IS NULL"""
    if hold:
        cursor.execute(f"INSERT INTO {NEW_LINES} ({NEW_LINE_COLUMNS}, row_no) {new}", [imp.pk])
    else:
        cursor.execute(f"""
            INSERT INTO {LINE} ({NEW_LINE_COLUMNS}, sold)
            SELECT {NEW_LINE_COLUMNS}, 0 FROM (
                SELECT DISTINCT ON (order_id, line_key) * FROM ({new}) n ORDER BY order_id, line_key, row_no DESC
            ) n ORDER BY row_no
            ON CONFLICT (order_id, line_key) DO NOTHING""", [imp.pk])
    cursor.execute(f"DROP TABLE {CHUNK_TABLE}")
    return counts


# --- the ledger, set-based (every kind of export, on PostgreSQL) ----------------------------------------------


def settle(imp, *, reversal_reason, now, new_lines=False):
    """Write, in one statement, the sales and reversals that bring every line the import touched from `sold` to
    `target` (the rules of `importing.settle_ledger`), once the lines and then their products are locked in
    primary-key order; with `new_lines`, the lines `write` held are written in the same statement, already
    settled (`sold` = `target`), with their sales. Returns (counts, deltas per product, dates of the sales,
    locked products)."""
    from . import services

    by_id = imp.applied_by_id
    prefix, suffix = (reversal_reason % {"order": "\x00"}).split("\x00")
    held = f"UNION SELECT product_id FROM {NEW_LINES} WHERE target > 0" if new_lines else ""
    inserted = f"""
            inserted AS (
                INSERT INTO {LINE} ({NEW_LINE_COLUMNS}, sold)
                SELECT {NEW_LINE_COLUMNS}, target FROM (
                    SELECT DISTINCT ON (order_id, line_key) * FROM {NEW_LINES}
                    ORDER BY order_id, line_key, row_no DESC
                ) n ORDER BY row_no
                ON CONFLICT (order_id, line_key) DO NOTHING
                RETURNING id, product_id, target, paid_amount, paid_at, order_id
            ),""" if new_lines else ""
    settled_new = f"""
                UNION ALL
                SELECT i.id, i.product_id, i.target, 0, i.paid_amount, i.paid_at, o.order_id, o.paid_at, o.placed_at
                FROM inserted i JOIN {ORDER} o ON o.id = i.order_id WHERE i.target > 0""" if new_lines else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT id FROM {LINE} WHERE last_import_id = %s AND target <> sold "
                       f"ORDER BY id FOR UPDATE) locked", [imp.pk])
        cursor.execute(f"SELECT DISTINCT product_id FROM {LINE} WHERE last_import_id = %s AND target <> sold {held}",
                       [imp.pk])
        product_ids = [row[0] for row in cursor.fetchall()]
        if not product_ids and not new_lines:
            return {"sales_written": 0, "reversals_written": 0}, {}, [], []
        locked = services.lock_products(product_ids)
        cursor.execute(f"""
            WITH {inserted} pending AS (
                SELECT l.id, l.product_id, l.target, l.sold, l.paid_amount, l.paid_at, o.order_id,
                       o.paid_at AS order_paid_at, o.placed_at
                FROM {LINE} l JOIN {ORDER} o ON o.id = l.order_id
                WHERE l.last_import_id = %(import)s AND l.target <> l.sold{settled_new}
            ), active AS (
                SELECT DISTINCT ON (m.order_line_id) m.id, m.order_line_id, m.quantity, m.amount
                FROM {MOVE} m JOIN pending p ON p.id = m.order_line_id
                WHERE p.sold > 0 AND m.kind = %(sale)s
                  AND NOT EXISTS (SELECT 1 FROM {MOVE} r WHERE r.reverses_id = m.id)
                ORDER BY m.order_line_id, m.moved_at, m.id
            ), moves AS (
                SELECT p.id AS line_id, 0 AS step, p.product_id, %(reversal)s AS kind, -a.quantity AS quantity,
                       coalesce((SELECT max(finished_at) FROM {REFUND} f WHERE f.line_id = p.id
                                 AND f.status = %(done)s AND f.finished_at IS NOT NULL), %(now)s) AS moved_at,
                       %(prefix)s || p.order_id || %(suffix)s AS reason, %(reference)s || p.order_id AS reference,
                       -a.amount AS amount, a.id AS reverses_id
                FROM pending p JOIN active a ON a.order_line_id = p.id
                UNION ALL
                SELECT p.id, 1, p.product_id, %(sale)s, -p.target,
                       coalesce(p.paid_at, p.order_paid_at, p.placed_at, %(now)s), '', %(reference)s || p.order_id,
                       p.paid_amount, NULL
                FROM pending p WHERE p.target > 0
            ), written AS (
                INSERT INTO {MOVE} (product_id, kind, quantity, moved_at, recorded_at, by_id, reason, reference,
                                    amount, reverses_id, key, order_line_id, taobao_import_id)
                SELECT product_id, kind, quantity, moved_at, %(now)s, %(by)s, reason, reference, amount,
                       reverses_id, '', line_id, %(import)s
                FROM moves ORDER BY line_id, step
                RETURNING product_id, kind, quantity, moved_at
            )
            SELECT product_id, kind, day, sum(quantity), count(*)
            FROM (SELECT product_id, kind, quantity,
                         CASE WHEN kind = %(sale)s THEN (moved_at AT TIME ZONE %(zone)s)::date END AS day
                  FROM written) w
            GROUP BY GROUPING SETS ((product_id, kind), (day))""", {
            "import": imp.pk, "sale": StockMove.Kind.SALE.value, "reversal": StockMove.Kind.REVERSAL.value,
            "done": taobao.REFUND_DONE, "reference": taobao.REFERENCE, "now": now, "prefix": prefix,
            "suffix": suffix, "by": by_id, "zone": timezone.get_current_timezone_name()})
        counts, deltas, dates = {"sales_written": 0, "reversals_written": 0}, {}, set()
        for product_id, kind, day, quantity, number in cursor.fetchall():
            if product_id is not None:
                deltas[product_id] = deltas.get(product_id, 0) + quantity
                counts["sales_written" if kind == StockMove.Kind.SALE else "reversals_written"] += number
            elif day is not None:
                dates.add(day)
        cursor.execute(f"UPDATE {LINE} SET sold = target WHERE last_import_id = %s AND target <> sold", [imp.pk])
        if new_lines:
            cursor.execute(f"DROP TABLE IF EXISTS {NEW_LINES}")
    return counts, deltas, sorted(dates), locked


# --- the 订单报表: the orders its check read, kept for its import -----------------------------------------------

ORDER_COLUMNS = ("row_no", "order_id", "status", "status_rank", "sold", "paid_amount", "total", "refund_amount",
                 "paid_at", "placed_at", "close_reason", *taobao.ORDER_DETAILS)
# A known order takes each of the export's details that is not blank (`Batch.orders`): SQL for its new value.
KEPT_DETAILS = ", ".join([*(f"coalesce(nullif(s.{name}, ''), o.{name})" for name in taobao.ORDER_TEXTS),
                          *(f"coalesce(s.{name}, o.{name})" for name in taobao.ORDER_MOMENTS)])


def orders_usable(kind):
    return usable(kind, taobao.ORDERS)


def orders_staged(imp):
    """Whether the check kept the orders it read: then the import writes them from there."""
    return staged(imp, ORDER_STAGE)


def stage_orders(imp, table):
    """Stage, read and count an 订单报表's orders, as `stage` does a 宝贝报表's lines: (summary, problems, problem
    count, deltas). SQL reads the forms the exports write; `taobao.read_order` reads the other rows (or refuses them,
    with its reason). The orders are kept for the import. Raises Fallback when PostgreSQL refuses the rows, or when
    the file names an order twice (its rows then apply one after the other, in Python); nothing stays staged."""

    def read(cursor, columns, done):
        cursor.execute(_order_stage_sql(columns), [imp.pk])
        problems = _judge_orders(cursor, imp, columns) if cursor.rowcount < done else []
        summary, deltas = _count_orders(cursor, imp)
        summary["rows"] = done
        return summary, problems[:TaobaoImport.PROBLEMS_KEPT], len(problems), deltas

    return _checked(imp, table, read)


MOMENTS = ("paid_at", "created_at", *taobao.ORDER_MOMENTS)  # the 订单报表's moments, as its stage SQL names them


def _order_stage_sql(columns):
    """INSERT … SELECT of the copied cells SQL can read into the order stage (the other rows are judged)."""
    field = _fields(taobao.ORDERS, {column: f"c{n}" for n, column in enumerate(columns)})
    return f"""
    INSERT INTO {ORDER_STAGE} (import_id, {', '.join(ORDER_COLUMNS)})
    SELECT %s, row_no, order_id, status, {_rank('status')}, {_sells('status')}, {_amount_value('paid')},
           {_amount_value('total')}, {_amount_value('refund')}, {_moment_value('paid_at')},
           {_moment_value('created_at')}, close_reason, {', '.join(taobao.ORDER_TEXTS)},
           {', '.join(_moment_value(name) for name in taobao.ORDER_MOMENTS)}
    FROM (
        SELECT *, status IN {_in(taobao.STATUSES)} AS status_ok,
               order_id ~ {_literal(DIGITS)} AND octet_length(order_id) BETWEEN 6 AND 25 AS order_id_ok,
               {_amount_ok('paid')} AS paid_ok, {_amount_ok('total')} AS total_ok,
               {_amount_ok('refund')} AS refund_ok,
               {', '.join(f"{_moment_ok(name)} AS {name}_ok" for name in MOMENTS)}
        FROM (
            SELECT *, {', '.join(_parts(name) for name in MOMENTS)}
            FROM (
                SELECT row_no, {', '.join(_fixed(name, field(name)) for name in taobao.ORDER_MOMENTS)},
                       {_fixed('paid_at', field('paid_at'))}, {_fixed('created_at', field('created_at'))},
                       {field('order_id')} AS order_id,
                       replace(replace({field('status')}, ',', '，'), ' ', '') AS status,
                       {_amount_sql(field('paid_amount'))} AS paid, {_amount_sql(field('total'))} AS total,
                       {_amount_sql(field('refund_amount'))} AS refund,
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


def _judge_orders(cursor, imp, columns):
    """Read the rows SQL left to `taobao.read_order`: stage what it reads; returns the refused rows' problems
    ({row, reason, ref}, in row order)."""
    from psycopg2.extras import execute_values

    names = ", ".join(f"r.c{n}" for n in range(len(columns)))
    problems, last = [], 0
    while True:
        cursor.execute(f"SELECT r.row_no, {names} FROM {RAW} r WHERE r.row_no > %s AND NOT EXISTS "
                       f"(SELECT 1 FROM {ORDER_STAGE} s WHERE s.import_id = %s AND s.row_no = r.row_no) "
                       f"ORDER BY r.row_no LIMIT {JUDGED_BATCH}", [last, imp.pk])
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
            read.append((imp.pk, number, rec["order_id"], rec["status"], rec["rank"], rec["sold"], rec["paid_amount"],
                         rec["total"], rec["refund_amount"], rec["paid_at"], rec["created_at"], rec["close_reason"],
                         *(rec[name] for name in taobao.ORDER_DETAILS)))
        if read:
            execute_values(cursor, f"INSERT INTO {ORDER_STAGE} (import_id, {', '.join(ORDER_COLUMNS)}) VALUES %s",
                           read, page_size=JUDGED_BATCH)
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


def _count_orders(cursor, imp):
    """What importing the staged orders would do, as `Batch.orders` counts it: (summary, stock deltas). The known
    lines of the orders that change are retargeted by the Python rules, without writing. Raises Fallback for a file
    that names an order twice."""
    from .importing.batch import Batch

    cursor.execute(f"SELECT count(*), count(DISTINCT order_id), count(*) FILTER (WHERE sold), count(*) FILTER "
                   f"(WHERE NOT EXISTS (SELECT 1 FROM {ORDER} o WHERE o.order_id = s.order_id)) "
                   f"FROM {ORDER_STAGE} s WHERE s.import_id = %s", [imp.pk])
    rows, distinct, sold, new = cursor.fetchone()
    if distinct < rows:
        raise Fallback("the file names an order twice")
    batch = Batch(imp, write=False)
    cursor.execute(f"SELECT o.id, s.status, s.status_rank, s.sold, s.paid_amount, s.total, s.refund_amount, "
                   f"s.paid_at, s.placed_at, s.close_reason, {KEPT_DETAILS} FROM {ORDER} o, {ORDER_STAGE} s "
                   f"WHERE {ORDER_CHANGES} ORDER BY o.id", {"import": imp.pk})
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


def write_orders(imp):
    """Bring the shop's orders up to the staged ones, a committed chunk at a time: the known orders that change
    (locked in primary-key order), then the new ones, then the known lines of the changed orders are retargeted by
    the Python rules (`Batch.retarget`). Returns (the counts `Batch.orders` would give, the days changed)."""
    from .importing.batch import Batch

    summary, dates = {}, set()
    params = {"import": imp.pk, "zone": timezone.get_current_timezone_name()}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(row_no), 0) FROM {ORDER_STAGE} WHERE import_id = %s", [imp.pk])
        last = cursor.fetchone()[0]
        done = 0
        for lo in range(0, last + 1, ORDERS_CHUNK):
            params.update(lo=lo, hi=lo + ORDERS_CHUNK - 1, now=timezone.now())
            batch = Batch(imp, write=True)
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
                imp.beat(done)
            counts = {"orders": rows, "new_orders": new, "sold_orders": sold, "unsold_orders": rows - sold,
                      **batch.counts}
            for name, number in counts.items():
                if number:
                    summary[name] = summary.get(name, 0) + number
    summary["rows"] = imp.rows_total
    return summary, dates
