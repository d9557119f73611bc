"""Settling the ledger in SQL: the sales and reversals that bring every line an import touched from `sold` to
`target`, in one statement (`importing.settle_ledger` on PostgreSQL).
"""

from django.db import connection
from django.utils import timezone

from .. import services, taobao
from ..models import StockMove
from .lines import NEW_LINE_COLUMNS, NEW_LINES
from .sql import LINE, MOVE, ORDER, REFUND

# --- the ledger, set-based (every kind of export, on PostgreSQL) ----------------------------------------------


def settle(taobao_import, *, reversal_reason, now, new_lines=False):
    """Write, in one statement, the sales and reversals that bring every line the import touched from `sold` to
    `target` (the rules of `importing.settle_ledger`), once the lines and then their products are locked in
    primary-key order; with `new_lines`, the lines `write` held are written in the same statement, already
    settled (`sold` = `target`), with their sales. Returns (counts, deltas per product, dates of the sales,
    locked products)."""
    by_id = taobao_import.applied_by_id
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
                       f"ORDER BY id FOR UPDATE) locked", [taobao_import.pk])
        cursor.execute(f"SELECT DISTINCT product_id FROM {LINE} WHERE last_import_id = %s AND target <> sold {held}",
                       [taobao_import.pk])
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
            "import": taobao_import.pk, "sale": StockMove.Kind.SALE.value, "reversal": StockMove.Kind.REVERSAL.value,
            "done": taobao.REFUND_DONE, "reference": taobao.REFERENCE, "now": now, "prefix": prefix,
            "suffix": suffix, "by": by_id, "zone": timezone.get_current_timezone_name()})
        counts, deltas, dates = {"sales_written": 0, "reversals_written": 0}, {}, set()
        for product_id, kind, day, quantity, number in cursor.fetchall():
            if product_id is not None:
                deltas[product_id] = deltas.get(product_id, 0) + quantity
                counts["sales_written" if kind == StockMove.Kind.SALE else "reversals_written"] += number
            elif day is not None:
                dates.add(day)
        cursor.execute(f"UPDATE {LINE} SET sold = target WHERE last_import_id = %s AND target <> sold",
                       [taobao_import.pk])
        if new_lines:
            cursor.execute(f"DROP TABLE IF EXISTS {NEW_LINES}")
    return counts, deltas, sorted(dates), locked
