"""The SQL pieces the staged reads are built from, each the twin of a Python reader's rule in `inventory.taobao`:
literals, statuses and their ranks, amounts, moments, and each export field's column.
"""


from django.db import connection
from psycopg2 import sql

from .. import taobao
from ..importing.rules import BETWEEN, LINE_BASE_LENGTH, NTH, SUB_KEY
from ..models import Product, StockMove, TaobaoOrder, TaobaoOrderLine, TaobaoRefund

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


def render(composable):
    """The text of a `psycopg2.sql` composition, quoted by psycopg2 for this connection (its encoding). Every
    statement these pieces go into is run with parameters, so a `%` in it is doubled."""
    connection.ensure_connection()
    return composable.as_string(connection.connection).replace("%", "%%")


def literal(value):
    """A value as an SQL literal (`sql.Literal`)."""
    return render(sql.Literal(value))


def in_list(values):
    """`(v1, v2, …)` for an `IN`, each value a `sql.Literal`."""
    return render(sql.SQL("({})").format(sql.SQL(", ").join(sql.Literal(value) for value in values)))


def rank_sql(status):
    """SQL for the rank of an order status (`taobao.STATUSES`); NULL for none."""
    return f"CASE {status} " + " ".join(f"WHEN {literal(name)} THEN {int(rank)}"
                                        for name, (rank, _sold) in taobao.STATUSES.items()) + " END"


def sells_sql(status):
    """SQL for whether an order status counts as sold; NULL for none."""
    return f"CASE {status} " + " ".join(f"WHEN {literal(name)} THEN {'true' if sold else 'false'}"
                                        for name, (_rank, sold) in taobao.STATUSES.items()) + " END"


FINAL = taobao.FINAL


def amount_text(column):
    return (f"btrim(replace(replace(replace(replace({column}, '元', ''), '¥', ''), '￥', ''), ',', ''), "
            f"{literal(WHITESPACE)})")


def no_refund():
    """The cells that say "no refund" (`taobao.NO_REFUND`), for an `IN`."""
    return in_list(sorted(taobao.NO_REFUND))


def moment_ok(name):
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


def moment_value(name):
    p, zone = f"{name}_p", literal(taobao.SHANGHAI.key)
    return (f"CASE WHEN {name}_ok AND {name}_fixed THEN {name}::timestamp AT TIME ZONE {zone} "
            f"WHEN {name}_ok AND {p} IS NOT NULL THEN make_timestamp({p}[1]::int, {p}[2]::int, {p}[3]::int, "
            f"{p}[4]::int, {p}[5]::int, coalesce({p}[6], '0')::int) AT TIME ZONE {zone} END")


def amount_ok(name):
    return f"({name} = '' OR {name} IN {no_refund()} OR {name} ~ {literal(AMOUNT_RE)})"


def amount_value(name):
    return f"CASE WHEN {name}_ok AND {name} <> '' AND {name} NOT IN {no_refund()} THEN {name}::numeric(12, 2) END"


def fixed_layout(name, cell):
    """Whether the field `name` (the SQL `cell`) has the seller centre's layout."""
    return f"{cell} LIKE {literal(MOMENT_LIKE)} AND {cell} ~ {literal(MOMENT)} AS {name}_fixed"


def moment_parts(name):
    """The numbers of a moment in another layout SQL reads."""
    return (f"CASE WHEN {name} <> '' AND NOT {name}_fixed "
            f"AND ({name} ~ {literal(MOMENT_DASH)} OR {name} ~ {literal(MOMENT_SLASH)}) "
            f"THEN string_to_array(translate({name}, '-/ :', ',,,,'), ',') END AS {name}_p")


def line_base_sql(sku, properties, title):
    """`importing.rules.line_base` in SQL."""
    between = literal(BETWEEN)
    return f"left({sku} || {between} || {properties} || {between} || {title}, {int(LINE_BASE_LENGTH)})"


def line_key_sql(sub_order_id, base, place):
    """`importing.rules.line_key` in SQL: the one place the staged path writes a line's key."""
    return (f"CASE WHEN {sub_order_id} <> '' THEN {literal(SUB_KEY)} || {sub_order_id} "
            f"ELSE {base} || {literal(NTH)} || {place} END")


def field_sql(kind, index):
    """The SQL of each field of an export of `kind` whose copied columns are `index` (name -> column): whichever
    of the field's names the file has, as `taobao._fields` reads it; '' for a field it lacks."""
    names = taobao.COLUMNS[kind]
    return lambda name: next((index[column] for column in names[name] if column in index), "''")


# --- what importing the staged lines does (the preview counts it, the import writes it) -----------------------

LINE = TaobaoOrderLine._meta.db_table
ORDER = TaobaoOrder._meta.db_table
PRODUCT = Product._meta.db_table
MOVE = StockMove._meta.db_table
REFUND = TaobaoRefund._meta.db_table
