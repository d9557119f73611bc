"""The 宝贝报表 rules that exist twice, in Python (`taobao.read_line`, `importing.rules`, `importing.settle_ledger`)
and in SQL (`inventory.staging`), fuzzed against each other with seeded random cells:

- the cells: every row SQL reads is read by `taobao.read_line` to the same values (ids, texts cut to length,
  quantity, paid = price × quantity, status, the refund and whether the row gives one, both moments), and SQL never
  reads a row the Python reader refuses; every line's key is the one `importing.rules.line_key` gives;
- what a line counts as sold, when a status replaces the known one, a refund replacing the known one, and the
  settlement: random 宝贝报表 and 订单报表 of the same orders, imported in turn, end the same on both paths.

The statuses and the line key are not fuzzed for their text: their SQL is generated from the Python definitions
(`staging.sql.rank_sql`, `sells_sql`, `line_key_sql`).
"""

import random
from types import SimpleNamespace

import pytest
from django.db import connection

from inventory import staging, taobao
from inventory.importing.rules import line_base, line_key, refund_given
from inventory.staging import copying, lines
from tests import exports
from tests.inventory.test_import_paths import (  # noqa: F401 - shelf is a fixture
    import_file,
    order,
    orders_file,
    outcome,
    same,
    shelf,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

COLUMNS = [names[0] for names in taobao.COLUMNS[taobao.LINES].values()]
FIELD = dict(zip(taobao.COLUMNS[taobao.LINES], COLUMNS, strict=True))
SPACES = ["", " ", "\u3000", "\xa0", "\t", "\u2003"]
STATUS_CELLS = [*taobao.STATUSES, "", "买家已付款,等待卖家发货", "交易 成功", "已经飞走", " 交易成功", "交易成功 "]
REFUND_STATUS_CELLS = ["", taobao.REFUND_DONE, "退款关闭", "买家已经申请退款，等待卖家同意", *taobao.NO_REFUND,
                       "退" * 40]


def amount(rng, digits=12):
    kind = rng.randrange(9)
    if kind == 0:
        odd = ["", "-", "无", "无退款申请", "没有申请退款", "abc", "1e3", ".5", "5.", "-1", "0", "0.00", "Infinity",
               "-Infinity", "1_000", "NaN", "nan", "sNaN"]
        return rng.choice(odd + (["99999999999.00", "9999999999.99"] if digits >= 12 else []))
    whole = str(rng.randrange(10 ** rng.randrange(1, digits)))
    if rng.random() < 0.3:
        whole = "0" * rng.randrange(3) + whole
    decimals = "" if rng.random() < 0.3 else "." + "".join(rng.choice("0123456789")
                                                            for _ in range(rng.randrange(0, 4)))
    text = whole + decimals
    if rng.random() < 0.2 and len(whole) > 3:
        text = f"{int(whole):,}" + decimals
    if rng.random() < 0.2:
        text = rng.choice(["¥", "￥", ""]) + text + rng.choice(["元", ""])
    if rng.random() < 0.2:
        text = rng.choice(SPACES) + text + rng.choice(SPACES)
    if rng.random() < 0.05:
        text = "-" + text
    return text


def moment(rng):
    if rng.random() < 0.1:
        return rng.choice(["", "昨天", "2022-03-01", "2022/3/1", "2022-03-01T10:00:00", "2022-03-01 10:00:00+08:00",
                           "2022-03-01 10:00:00.5", " 2022-03-01 10:00:00"])
    year = rng.choice([1999, 2000, 2017, 2020, 2022, 2023, 2024, 2099, 2100, rng.randrange(1990, 2110)])
    month, day = rng.randrange(0, 14), rng.randrange(0, 33)
    hour, minute, second = rng.randrange(0, 26), rng.randrange(0, 62), rng.randrange(0, 62)
    if rng.random() < 0.5:  # the seller centre's layout (sometimes out of range)
        return f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"
    sep = rng.choice("-/")
    pad = "02d" if rng.random() < 0.5 else "d"
    text = f"{year}{sep}{month:{pad}}{sep}{day:{pad}} {hour:{pad}}:{minute:02d}"
    return text + (f":{second:02d}" if rng.random() < 0.5 else "")


def text(rng, longest):
    alphabet = "菊花茶玫瑰枸杞 abcXYZ0123456789-_|#'\"%\\\t,;:：，。𠀋"
    return "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 5, 20, longest - 1, longest,
                                                                     longest + 1, longest + 30])))


def number(rng):
    return rng.choice([
        "".join(rng.choice("0123456789") for _ in range(rng.choice([5, 6, 17, 18, 19, 25, 26]))),
        "", "3.51234E+18", "３５１２３４５６７８", "351234567890123456 ", "35123456789012345a",
    ])


def random_row(rng, orders):
    cells = {
        "order_id": rng.choice(orders) if rng.random() < 0.85 else number(rng),
        "sub_order_id": "" if rng.random() < 0.5 else number(rng),
        "title": rng.choice(["菊花茶", "玫瑰花茶"]) if rng.random() < 0.5 else text(rng, 200),
        # A price of at most 5 digits: price × quantity (at most 100,000) then fits the amount columns. (A larger
        # product makes PostgreSQL refuse the staging, and the file is read in Python: `Fallback`.)
        "price": amount(rng, digits=6),
        "quantity": rng.choice(["1", "2", "3", "100000", "100001", "0", "1.5", "２", " 3", "03", "1e2", "-1", "",
                                "999999", "1000000", "2.0"]),
        "sku": rng.choice(["SCT-001", "SCT-002", "SCT-003", "", "x" * 70, "a'b%c", " SCT-001"]),
        "properties": "" if rng.random() < 0.5 else text(rng, 200),
        "status": rng.choice(STATUS_CELLS),
        "paid_amount": amount(rng) if rng.random() < 0.8 else "",
        "refund_status": rng.choice(REFUND_STATUS_CELLS),
        "refund_amount": amount(rng) if rng.random() < 0.5 else "",
        "paid_at": moment(rng),
        "created_at": moment(rng),
    }
    typical = {"order_id": rng.choice(orders), "sub_order_id": "", "price": "39.00", "quantity": "1", "sku": "SCT-001",
               "status": "交易成功", "paid_amount": "39.00", "refund_status": "", "refund_amount": "",
               "paid_at": "2022-03-01 10:00:00", "created_at": "2022-03-01 09:59:00"}
    for field, cell in typical.items():  # most cells as the exports write them, so that SQL reads many rows
        if rng.random() < 0.8:
            cells[field] = cell
    return [cells[field] for field in FIELD]


class _Table:
    """What `copying.copy_cells` reads: the columns and the (row number, cells) of a file."""

    def __init__(self, rows):
        self.columns, self.rows = COLUMNS, rows

    def clean_rows(self):
        return iter(self.rows)


def staged_rows(rows, import_id):
    """Stage the rows as a check does (COPY, the stage statement, then the rows left to the Python reader), and
    return {row number: the staged row}, and the row numbers SQL read itself."""
    taobao_import = SimpleNamespace(pk=import_id, beat=lambda done: None)
    with connection.cursor() as cursor:
        copying.copy_cells(cursor, taobao_import, _Table(rows), [])
        cursor.execute(lines._stage_sql(COLUMNS), [import_id])
        cursor.execute(f"SELECT row_no FROM {copying.STAGE} WHERE import_id = %s AND NOT needs_python", [import_id])
        by_sql = {row for (row,) in cursor.fetchall()}
        lines._read_in_python(cursor, taobao_import, COLUMNS)
        cursor.execute(f"SELECT row_no, reason, order_id, sub_order_id, line_key, sku, title, properties, quantity, "
                       f"paid_amount, status, refund_given, refund_status, refund_amount, paid_at, created_at "
                       f"FROM {copying.STAGE} WHERE import_id = %s ORDER BY row_no", [import_id])
        names = [column.name for column in cursor.description]
        staged = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
        cursor.execute(f"DROP TABLE {copying.RAW}")
    return staged, by_sql


@pytest.mark.parametrize("seed", range(6))
def test_sql_reads_every_row_as_the_python_reader_does(seed):
    rng = random.Random(seed)
    orders = [f"35123456789012{n:04d}" for n in range(40)]
    rows = [(number, random_row(rng, orders)) for number in range(2, 1502)]
    staged, by_sql = staged_rows(rows, import_id=10**12 + seed)
    assert len(staged) == len(rows)
    places, read_by_python = {}, 0
    for number, cells in rows:
        row = staged[number]
        try:
            rec = taobao.read_line(dict(zip(COLUMNS, cells, strict=True)))
        except ValueError as error:
            assert number not in by_sql, (cells, row)  # SQL never reads what Python refuses
            assert row["reason"] == str(error)
            continue
        read_by_python += number not in by_sql
        assert row["reason"] is None, (cells, row["reason"])
        base, place = "", None
        if not rec["sub_order_id"]:
            base = line_base(rec["sku"], rec["properties"], rec["title"])
            place = places[(rec["order_id"], base)] = places.get((rec["order_id"], base), 0) + 1
        expected = {
            "order_id": rec["order_id"], "sub_order_id": rec["sub_order_id"],
            "line_key": line_key(rec["sub_order_id"], base, place), "sku": rec["sku"], "title": rec["title"],
            "properties": rec["properties"], "quantity": rec["quantity"], "paid_amount": rec["paid_amount"],
            "status": rec["status"], "refund_given": refund_given(rec), "refund_status": rec["refund_status"],
            "refund_amount": rec["refund_amount"], "paid_at": rec["paid_at"], "created_at": rec["created_at"],
        }
        assert {name: row[name] for name in expected} == expected, cells
    # The cells reach every way: read in SQL, read only by Python, and refused.
    assert len(by_sql) > 100 and read_by_python > 20
    assert sum(row["reason"] is not None for row in staged.values()) > 100
    assert sum(staged[n]["paid_amount"] is not None and not cells[FIELD_INDEX["paid_amount"]].strip()
               for n, cells in rows if n in by_sql) > 5  # paid = price × quantity, in SQL


FIELD_INDEX = {field: n for n, field in enumerate(FIELD)}


# --- what a line counts as sold, statuses replacing statuses, refunds, and the settlement ------------------------

LINE_STATUSES = [*taobao.STATUSES, ""]


def random_lines(rng, orders, count):
    """`count` 宝贝报表 rows of the given orders, readable, their statuses, quantities and refunds at random."""
    rows, subs = [], set()
    for _ in range(count):
        order_id = rng.choice(orders)
        paid = rng.choice(["39.00", "29.90", "15.00", "0.00", ""])
        # A 子订单编号 once per file, as the exports write it (the Python path cannot import one named twice: its
        # second new line is refused by the database, where the staged path keeps the last row), often again in
        # the next file.
        sub = f"{order_id}{rng.randrange(3)}" if rng.random() < 0.6 else ""
        sub = "" if sub in subs else sub
        subs.add(sub)
        row = {"主订单编号": order_id, "子订单编号": sub,
               "标题": rng.choice(["菊花茶", "玫瑰花茶"]), "价格": "39.00", "购买数量": str(rng.randrange(1, 4)),
               "订单状态": rng.choice(LINE_STATUSES), "商家编码": rng.choice(["SCT-001", "SCT-002", "SCT-003", "NOPE"]),
               "买家实际支付金额": paid, "订单创建时间": "2022-03-01 09:59:00",
               "订单付款时间": rng.choice(["2022-03-01 10:00:00", "2022/3/2 9:05", ""])}
        if rng.random() < 0.4:
            row["退款状态"] = rng.choice([taobao.REFUND_DONE, "退款关闭", "无退款申请"])
            row["退款金额"] = rng.choice([paid or "0", "10.00", "0", "", "100.00"])
        rows.append(row)
    return rows


def random_order_rows(rng, orders):
    return [order(order_id, rng.choice(list(taobao.STATUSES)), 退款金额=rng.choice(["0.00", "10.00"]))
            for order_id in rng.sample(orders, len(orders) // 2)]


@pytest.mark.parametrize("seed", range(4))
def test_random_line_exports_end_the_same_on_both_paths(tmp_path, shelf, clerk, monkeypatch, seed):  # noqa: F811
    rng = random.Random(seed)
    orders = [f"35123456789099{n:04d}" for n in range(12)]
    files = [("first.csv", exports.lines_2022_csv(random_lines(rng, orders, 30))),
             ("orders.csv", orders_file(random_order_rows(rng, orders))),
             ("second.csv", exports.lines_2022_csv(random_lines(rng, orders, 30))),
             ("older.csv", exports.lines_2022_csv(random_lines(rng, orders, 20)))]

    def steps():
        return [import_file(tmp_path, name, content, clerk) for name, content in files]

    python = outcome(monkeypatch, False, steps)
    monkeypatch.setattr(staging.copying, "CHUNK", 7)  # several committed chunks, orders across them
    staged = outcome(monkeypatch, True, steps)
    same(staged, python)
    results, state = python
    assert all(preview[0] == "checked" for preview, _done in results)
    assert {move[2] for move in state["moves"]} == {"sale", "reversal"}  # sales settled, and some reversed
