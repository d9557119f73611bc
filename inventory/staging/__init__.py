"""The 宝贝报表 (order lines) import on PostgreSQL, set-based: the check stages the file's rows once (cleaned by
`spreadsheets.clean_cell`, COPY into `inventory_taobao_stage`), reads them in SQL and counts the preview there; the
import then upserts the orders and changed lines from the staged rows in a few statements per chunk, without
reading the file again, and `settle_ledger` writes the new lines and every sale and reversal in one statement.

SQL reads only the forms the exports write (ids of 6–25 digits, whole quantities, amounts with at most two
decimals, `2017-07-08 00:42:32` or `2020/2/21 0:00`, a known status, a 商家编码). Every other row is read by
`taobao.read_line`, which holds every rule and every reason, so a row is read, or refused for the same reason,
on both paths. SQLite and the 退款报表 take the Python path (`importing.Batch`).

A 订单报表 is checked the same way (`stage_orders`: its orders read in SQL, the other rows by `taobao.read_order`,
staged in `inventory_taobao_order_stage`), and its import writes them set-based from there (`write_orders`) without
reading the file again.

The package, by noun: `sql` (the pieces every statement is built from, each a twin of a rule in `taobao`),
`copying` (the stage tables: COPY in, staged or not, discard), `lines` (the 宝贝报表), `orders` (the 订单报表) and
`settle` (the ledger). `in_sql()` says whether this database takes the SQL path (SHOPTEAM_IMPORT_IN_SQL).
"""
from .copying import Fallback, discard, in_sql, purge, staged, usable
from .lines import problems, stage, write
from .orders import orders_staged, orders_usable, stage_orders, write_orders
from .settle import settle

__all__ = ["Fallback", "discard", "in_sql", "orders_staged", "orders_usable", "problems", "purge", "settle", "stage",
           "stage_orders", "staged", "usable", "write", "write_orders"]
