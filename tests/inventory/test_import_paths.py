"""The two ways a 宝贝报表 is read: set-based from rows staged in PostgreSQL (inventory/staging.py), and row by row
in Python (SQLite, and a file PostgreSQL cannot stage). The same files must end the same on both: the preview's
counts, every refused row with its reason, the orders, the lines and the ledger. The same for a 订单报表, whose
import on PostgreSQL writes the orders its check kept.

Stock before every test: SCT-001 菊花茶 100, SCT-002 玫瑰花茶 50, SCT-003 硚口枸杞 20 (食草堂).
"""

import csv
import io
import tracemalloc
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inventory import importing, staging, taobao
from inventory.models import (
    InventorySettings,
    Product,
    StockMove,
    TaobaoImport,
    TaobaoOrder,
    TaobaoOrderLine,
    TaobaoRefund,
)
from tests import exports
from tests.inventory.factories import stocked

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.postgres

DONE, PAID, SHIPPED, CLOSED = "交易成功", "买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易关闭"
A, B, C, D, E = (f"351234567890123456{n}" for n in range(5))


@pytest.fixture
def shelf(clerk):
    stocked(100, sku="SCT-001", name="菊花茶", price=Decimal("39.00"))
    stocked(50, sku="SCT-002", name="玫瑰花茶", price=Decimal("29.90"))
    stocked(20, sku="SCT-003", name="硚口枸杞", price=Decimal("15.00"))


def line(order, sku="SCT-001", *, sub="", quantity="1", status=DONE, paid="39.00", **more):
    row = {"子订单编号": sub, "主订单编号": order, "标题": "菊花茶", "价格": "39.00", "购买数量": quantity,
           "订单状态": status, "商家编码": sku, "买家实际支付金额": paid, "订单创建时间": "2022-03-01 09:59:00",
           "订单付款时间": "2022-03-01 10:00:00"}
    row.update(more)
    return row


# Rows in every form both readers must agree on: the usual ones (read in SQL), odd but readable ones (read by the
# Python reader on both paths), refused ones, and ragged, blank and `null` rows.
ODD_ROWS = [
    line(A, sub=f"{A}1", quantity="2", paid="78.00"),
    line(A, "SCT-002", sub=f"{A}2", 标题="玫瑰花茶", paid="29.90", 退款状态="退款成功", 退款金额="29.90"),  # refunded
    line(B, sub=f"{B}1", 订单付款时间="2022/3/2 9:05", 买家实际支付金额="39元", status="买家已付款,等待卖家发货"),
    line(B, "SCT-003", sub=f"{B}2", status=CLOSED, 标题="硚口枸杞 "),  # closed inside a paid order
    line(C, quantity="２", paid="1,280.00"),  # full-width digit: the Python reader reads it
    line(C),  # the same line again without 子订单编号: the order's second such line
    line(C, 订单付款时间="2022-03-01"),  # a date alone: read by Python; the third
    line(C, paid="12.345"),  # rounded half to even by Python: the fourth
    line(D, "\u3000'SCT-002 ", 标题="null", 商品属性="'净含量:50g", paid="-", 价格="29.90"),  # paid = price × qty
    line(D, "SCT-001", sub="3.51234E+18"),  # Excel's scientific notation: refused
    line("12345", "SCT-001"),  # too short for a Taobao number
    line("", "SCT-001"),
    line(E, "NOPE-9"),  # unknown 商家编码
    line(E, ""),  # no 商家编码
    line(E, status="已经飞走"),
    line(E, quantity="1.5"),
    line(E, quantity="0"),
    line(E, paid="abc"),
    line(E, 订单付款时间="2022-02-30 10:00:00"),
    line(E, 订单付款时间="2022-03-01T10:00:00", sub=f"{E}9"),  # ISO with a T: read by Python
    {"主订单编号": "null", "商家编码": "NULL", "标题": "'null"},  # nothing but nulls: skipped
    line(B, sub=f"{B}3", 标题="菊花\\茶\t特级\n50g\r"),  # what COPY's text format escapes
]


def odd_file():
    content = exports.lines_2022_csv(ODD_ROWS).decode("gb18030")
    rows = list(csv.reader(io.StringIO(content)))
    rows.insert(5, [])  # a blank line
    rows.insert(7, rows[6][:12])  # a ragged row: its last columns missing
    rows[8] = [*rows[8], "extra", "cells"]  # and one with cells beyond the header
    return exports.cells_csv(rows, encoding="gb18030")


def later_file():
    """A later export of A, B and C: B shipped, A's first line refunded in part, C's lines again."""
    return exports.lines_2022_csv([
        line(A, sub=f"{A}1", quantity="2", paid="78.00", status=SHIPPED, 退款状态="退款成功", 退款金额="10.00"),
        line(B, sub=f"{B}1", status=SHIPPED, 订单付款时间="2022/3/2 9:05"),
        line(B, "SCT-003", sub=f"{B}2", status=CLOSED, 标题="硚口枸杞"),
        line(C, quantity="2"), line(C), line(C, status=CLOSED), line(C, paid="12.345"),
    ])


def import_file(tmp_path, name, content, clerk, *, skip=True):
    path = tmp_path / name
    path.write_bytes(content)
    checked = importing.check(importing.upload(path, filename=name, by=clerk))
    preview = (checked.status, checked.summary, checked.problems, checked.problem_count, checked.rows_total)
    if checked.status != TaobaoImport.Status.CHECKED:
        return preview, None
    done = importing.start(checked, by=clerk, skip_bad_rows=skip)
    return preview, (done.status, done.refusal, done.summary, done.problems, done.problem_count, done.rows_done)


def state():
    return {
        "orders": sorted(TaobaoOrder.objects.values_list(
            "order_id", "status", "status_rank", "sold", "paid_amount", "total", "refund_amount", "paid_at",
            "placed_at", "close_reason", *taobao.ORDER_DETAILS, "from_order_report")),
        "lines": sorted(TaobaoOrderLine.objects.values_list(
            "order__order_id", "line_key", "sub_order_id", "sku", "title", "properties", "quantity", "paid_amount",
            "status", "refund_status", "refund_amount", "paid_at", "product__sku", "target", "sold")),
        "moves": sorted(
            # a reversal with no refund to date it is dated when it was written: "now" on either path
            (*move[:4], "now" if move[4].year > 2025 else move[4], *move[5:])
            for move in StockMove.objects.filter(order_line__isnull=False).values_list(
                "order_line__order__order_id", "order_line__line_key", "kind", "quantity", "moved_at", "reason",
                "reference", "amount", "reverses__order_line__line_key")),
        "refunds": sorted(TaobaoRefund.objects.values_list("refund_id", "line__line_key")),
        "stock": dict(Product.objects.values_list("sku", "on_hand")),
    }


class _Undo(Exception):
    pass


def same(staged, python):
    """Assert the two outcomes are equal, naming the first difference."""
    (staged_result, staged_state), (python_result, python_state) = staged, python
    for number, (one, other) in enumerate(zip(staged_result, python_result, strict=True)):
        assert one == other, f"file {number}"
    for key in python_state:
        assert staged_state[key] == python_state[key], key


def outcome(monkeypatch, staged, steps):
    """What `steps()` returns and leaves, on the staged or the Python path, undone afterwards."""
    monkeypatch.setattr(settings, "SHOPTEAM_IMPORT_IN_SQL", staged)
    seen = []
    try:
        with transaction.atomic():
            seen.append((steps(), state()))
            raise _Undo
    except _Undo:
        pass
    return seen[0]


@postgres_only
def test_the_staged_path_is_taken_and_its_rows_go_once_imported(tmp_path, shelf, clerk):
    path = tmp_path / "lines.csv"
    path.write_bytes(later_file())
    taobao_import = importing.check(importing.upload(path, filename="lines.csv", by=clerk))
    assert taobao_import.status == "checked" and staging.staged(taobao_import)
    path.unlink()  # the import does not read the file again
    assert importing.start(taobao_import, by=clerk).status == "done"
    assert not staging.staged(taobao_import)


def order(number, status=DONE, *, paid="39.00", **more):
    row = {"订单编号": number, "订单状态": status, "买家实际支付金额": paid, "总金额": paid, "退款金额": "0.00",
           "订单创建时间": "2022-03-01 09:59:00", "订单付款时间": "2022-03-01 10:00:00", "订单关闭原因": "订单未关闭"}
    row.update(more)
    return row


def orders_file(rows):
    return exports.csv_bytes(exports.ORDERS_2022, rows, encoding="gb18030")


@postgres_only
def test_an_order_export_is_imported_from_what_its_check_read(tmp_path, shelf, clerk):
    path = tmp_path / "orders.csv"
    path.write_bytes(orders_file([order(A), order(B, PAID), order("12345")]))
    taobao_import = importing.check(importing.upload(path, filename="orders.csv", by=clerk))
    assert taobao_import.status == "checked" and taobao_import.problem_count == 1
    assert staging.orders_staged(taobao_import)
    path.unlink()  # the import does not read the file again
    done = importing.start(taobao_import, by=clerk, skip_bad_rows=True)
    assert done.status == "done", done.refusal
    assert (done.summary["orders"], done.summary["new_orders"], done.problem_count) == (2, 2, 1)
    assert not staging.orders_staged(taobao_import)
    assert TaobaoOrder.objects.get(order_id=A).from_order_report


@postgres_only
def test_order_exports_after_their_lines_end_the_same_on_both_paths(tmp_path, shelf, clerk, monkeypatch):
    from inventory import signals

    days = []
    monkeypatch.setattr(signals.orders_imported, "send", lambda sender, import_id, dates: days.append(dates))

    def steps():
        results = [import_file(tmp_path, "lines.csv", exports.lines_2022_csv(ODD_ROWS[:4]), clerk)]
        results.append(import_file(tmp_path, "orders.csv", orders_file([
            order(A, CLOSED, paid="0.00", 退款金额="107.90", 订单关闭原因="退款"),  # closed: its sales reversed
            order(B, SHIPPED, paid="68.90", 订单付款时间="2022-03-02 09:05:00"),  # its pay day moves
            order(C, "等待买家付款", paid="0.00", 订单付款时间=""),  # new, unpaid
            order(D, paid="12.345"),  # refused
        ]), clerk))
        results.append(import_file(tmp_path, "older.csv", orders_file([
            order(A, PAID), order(B, PAID, paid="1.00"),  # older: never moves an order back
            order(E, DONE, 订单关闭原因="x" * 150),
        ]), clerk))
        results.append(import_file(tmp_path, "twice.csv", orders_file([order(C, PAID), order(C, DONE)]), clerk))
        return results, list(days)

    python = outcome(monkeypatch, False, steps)
    days.clear()
    same(outcome(monkeypatch, True, steps), python)
    (results, _days), python_state = python
    assert [done[0] for _preview, done in results] == ["done"] * 4
    assert python_state["stock"]["SCT-001"] == 99  # A's two sold were given back; B's one stays sold


@postgres_only
def test_odd_cells_refused_rows_and_later_exports_end_the_same_on_both_paths(tmp_path, shelf, clerk, monkeypatch):
    def steps():
        return [
            import_file(tmp_path, "odd.csv", odd_file(), clerk),
            import_file(tmp_path, "later.csv", later_file(), clerk),
            import_file(tmp_path, "odd-again.csv", odd_file(), clerk),  # older statuses never move a line back
        ]

    python = outcome(monkeypatch, False, steps)
    monkeypatch.setattr(staging.copying, "CHUNK", 4)  # several COPYs and committed chunks, orders across them
    staged = outcome(monkeypatch, True, steps)
    same(staged, python)
    (preview, done), _later, _again = python[0]
    assert preview[3] == 10 and [p["row"] for p in preview[2]][:3] == [13, 14, 15]
    assert done[0] == "done" and done[2]["skipped"] == 10


@postgres_only
@pytest.mark.parametrize("make", [exports.lines_2022, exports.lines_2017], ids=["xlsx-2022", "csv-2017"])
def test_refunds_before_their_lines_and_every_layout_end_the_same_on_both_paths(
        tmp_path, shelf, clerk, monkeypatch, make):
    refunds = [{"订单编号": f"{A}2", "退款编号": "20220310000001", "买家退款金额": "29.90", "退款状态": "退款成功",
                "退款完结时间": "2022-03-10 12:00:00"},
               {"订单编号": B, "退款编号": "20220310000002", "买家退款金额": "15.00", "退款状态": "退款成功",
                "退款完结时间": "2022-03-11 12:00:00", "商品编码": "SCT-003"}]
    rows = [dict(r, 订单编号=r["主订单编号"]) for r in ODD_ROWS[:4]]

    def steps():
        return [
            import_file(tmp_path, "refunds.csv", exports.refunds(refunds), clerk),
            import_file(tmp_path, "lines", make(rows), clerk),
            # The same lines in another order: other bytes (a byte-identical file is recognised as the same, and
            # two .xlsx files are byte-identical only when written in the same second), so it is read again.
            import_file(tmp_path, "lines-again", make(rows[::-1]), clerk),
        ]

    same(outcome(monkeypatch, True, steps), outcome(monkeypatch, False, steps))


@postgres_only
def test_a_shortage_and_its_retry_end_the_same_on_both_paths(tmp_path, shelf, clerk, monkeypatch):
    from inventory import services

    rows = [line(A, sub=f"{A}1", quantity="150"), line(B, "SCT-002", sub=f"{B}1")]

    def steps():
        preview, done = import_file(tmp_path, "short.csv", exports.lines_2022_csv(rows), clerk)
        services.record_move(Product.objects.get(sku="SCT-001"), kind="receipt", quantity=60, by=clerk)
        taobao_import = TaobaoImport.objects.get(filename="short.csv")
        again = importing.retry(taobao_import, by=clerk)
        # The Python path wrote the lines before the settling stopped; the staged one writes them with their sales.
        return preview, done, (again.status, {k: v for k, v in again.summary.items() if k != "new_lines"})

    python = outcome(monkeypatch, False, steps)
    same(outcome(monkeypatch, True, steps), python)
    (_preview, done, again), _state = python
    assert "short by 50" in done[1] and again[0] == "done"


@postgres_only
def test_a_file_postgresql_cannot_stage_is_read_in_python(tmp_path, shelf, clerk):
    # A NUL character (PostgreSQL text cannot hold it) in a title far enough in to pass the file sniffing.
    rows = [line(A, sub=f"{A}{n:03d}", 标题="菊花茶" + "特级" * 40) for n in range(400)]
    rows.append(line(B, sub=f"{B}1", 标题="菊花\x00茶"))
    path = tmp_path / "nul.csv"
    path.write_bytes(exports.lines_2022_csv(rows))
    assert b"\x00" not in path.read_bytes()[:65536]
    taobao_import = importing.check(importing.upload(path, filename="nul.csv", by=clerk))
    summary = taobao_import.summary
    assert (taobao_import.status, taobao_import.problem_count) == ("checked", 0)
    assert (summary["lines"], summary["sales"]) == (401, 401)
    assert not staging.staged(taobao_import)


@postgres_only
def test_the_staged_import_keeps_memory_flat_in_the_file_size(tmp_path, clerk):
    InventorySettings.objects.create(pk=1, move_limit=InventorySettings.MOVE_LIMIT_MOST)  # a deep opening stock
    stocked(10_000_000, sku="SCT-001", name="菊花茶", price=Decimal("39.00"))

    def peak(lines, first):
        rows = [line(str(first + n // 2), sub=str(first * 10 + n)) for n in range(lines)]
        path = tmp_path / f"{lines}.csv"
        path.write_bytes(exports.lines_2022_csv(rows))
        tracemalloc.start()
        taobao_import = importing.check(importing.upload(path, filename=path.name, by=clerk))
        done = importing.start(taobao_import, by=clerk, inline=True)
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert done.status == "done" and done.summary["sales_written"] == lines
        return top

    small, large = peak(1000, 35123456789012000), peak(8000, 35123456789022000)
    assert large < small * 2


def test_the_fast_cleaning_gives_what_clean_cell_gives(tmp_path):
    """`Table.clean_rows` passes a row on as it is when no cell needs cleaning: every tricky cell must be seen."""
    import random

    from inventory.spreadsheets import open_table

    pieces = ["", " ", "\u3000", "\t", "\xa0", "\x85", "=", '="', '"', "'", "null", "NULL", "None", "'null", "a",
              "硚", "1", ",", "\n"]
    rng = random.Random(7)
    header = ["商家编码", "标题", "购买数量", "备注"]
    rows = [["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 4))) for _ in range(rng.randrange(2, 7))]
            for _ in range(3000)]
    path = tmp_path / "cells.csv"
    path.write_bytes(exports.cells_csv([header, *rows], encoding="utf-8"))

    def table():
        return open_table(path, name="cells.csv", required=header[:2], optional=header[2:])

    slow = [(number, list(cells.values())) for number, cells in table().rows()]
    assert list(table().clean_rows()) == slow
    assert len(slow) > 2000  # most rows have a cell to clean or keep


@postgres_only
def test_rows_staged_for_a_file_left_waiting_a_week_go_and_it_imports_from_its_file(tmp_path, shelf, clerk):
    import datetime

    from django.utils import timezone

    path = tmp_path / "old.csv"
    path.write_bytes(later_file())
    old = importing.check(importing.upload(path, filename="old.csv", by=clerk))
    TaobaoImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    path_new = tmp_path / "new.csv"
    path_new.write_bytes(exports.lines_2022_csv([line(A, sub=f"{A}1")]))
    new = importing.check(importing.upload(path_new, filename="new.csv", by=clerk))
    assert staging.staged(new) and not staging.staged(old)
    done = importing.start(old, by=clerk)
    assert (done.status, done.summary["sales_written"]) == ("done", 5)


def test_a_file_that_stops_being_text_is_refused_whole_on_both_paths(tmp_path, shelf, clerk, monkeypatch, caplog):
    rows = [line(A, sub=f"{A}{n:03d}", 标题="菊花茶" + "特级" * 40) for n in range(400)]
    path = tmp_path / "broken.csv"
    path.write_bytes(exports.lines_2022_csv(rows) + b"\xff\xff\xff\r\n")  # not GB18030, far into the file
    refusals = []
    for staged in (True, False):
        monkeypatch.setattr(settings, "SHOPTEAM_IMPORT_IN_SQL", staged)
        taobao_import = importing.check(importing.upload(path, filename="broken.csv", by=clerk))
        assert taobao_import.status == "refused" and "is not readable text after line" in taobao_import.refusal
        assert not staging.staged(taobao_import)
        refusals.append(taobao_import.refusal)
    assert refusals[0] == refusals[1]
    assert "could not be staged" not in caplog.text  # refused as it is, not read a second time


# Each field's cells, drawn at random into 订单报表 rows: what SQL reads, what only the Python reader reads, and
# what it refuses. Both paths must give the same preview, the same refused rows and reasons and the same orders.
ODD_ORDER_CELLS = {
    "订单状态": [DONE, PAID, SHIPPED, CLOSED, "等待买家付款", "买家已付款,等待卖家发货", "交易 成功", "", "已经飞走",
             "卖家部分发货", "交易被淘宝关闭"],
    "买家实际支付金额": ["39.00", "0", "1,280.00", "39元", "¥12.5", "￥0.10", "12.345", "-", "", "无", "abc", "-1",
                 "1e3", " 7.1 ", "99999999999.00", "9999999999.99", ".5", "5."],
    "总金额": ["39.00", "", "12", "无退款申请", "x"],
    "退款金额": ["0.00", "", "10.00", "没有申请退款", "3.333", "-"],
    "订单付款时间": ["2022-03-01 10:00:00", "", "2022/3/2 9:05", "2022-3-2 9:05:07", "2022-03-01",
               "2022-02-30 10:00:00", "2024-02-29 23:59:59", "2023-02-29 00:00:00", "2022-03-01T10:00:00",
               "2022-13-01 10:00:00", "2022-03-01 24:00:00", "1999/1/1 0:00", "2022-03-01 10:00", "昨天"],
    "订单创建时间": ["2022-03-01 09:59:00", "", "2022/3/1 9:59", "2022-03-01 09:59:60"],
    "订单关闭原因": ["订单未关闭", "", "退款", "x" * 150, "买家\t不想要了"],
    "发货时间": ["2022-03-02 10:00:00", "", "2022/3/3 8:00", "2022-02-30 10:00:00", "明天"],
    "确认收货时间": ["2022-03-09 10:00:00", "", "2022-03-09"],
    "买家会员名": ["tb_12345", "", "买家 小明", "y" * 120],
    "收货地址": ["浙江省 杭州市 西湖区 文三路 100 号", "", "上海 上海市"],
    "联系手机": ["13812345678", "'13812345678", ""],
    "物流单号": ["YT1234567890123", "", "SF 123"],
    "物流公司": ["圆通速递", "", "顺丰"],
}


def random_orders(rng, count):
    """`count` 订单报表 rows of random cells (a few of them naming an order twice or badly)."""
    ids = [f"3512345678901{n:05d}" for n in range(count)] + ["12345", "", "3.51234E+18", "３５１２３４５６７８"]
    rows = []
    for number in rng.sample(ids, count):
        row = order(number)
        row.update({column: rng.choice(cells) for column, cells in ODD_ORDER_CELLS.items() if rng.random() < 0.4})
        rows.append(row)
    return rows


@postgres_only
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_order_cells_end_the_same_on_both_paths(tmp_path, shelf, clerk, monkeypatch, seed):
    import random

    first, second = random_orders(random.Random(seed), 120), random_orders(random.Random(seed + 100), 120)
    stage_orders, staged_checks = staging.stage_orders, []

    def stage_and_note(taobao_import, table):
        found = stage_orders(taobao_import, table)
        staged_checks.append(taobao_import.pk)
        return found

    monkeypatch.setattr(staging, "stage_orders", stage_and_note)

    lines = exports.lines_2022_csv([line(f"3512345678901{n:05d}", sub=f"3512345678901{n:05d}1") for n in range(60)])

    def steps():
        return [import_file(tmp_path, "lines.csv", lines, clerk),  # lines whose orders the exports then change
                import_file(tmp_path, "first.csv", orders_file(first), clerk),
                import_file(tmp_path, "second.csv", orders_file(second), clerk)]

    python = outcome(monkeypatch, False, steps)
    staged = outcome(monkeypatch, True, steps)
    same(staged, python)
    assert len(staged_checks) == 2  # both 订单报表 were checked in SQL (none fell back to Python)
    previews = [preview for preview, _done in python[0][1:]]
    assert all(preview[0] == "checked" for preview in previews)
    assert previews[1][1].get("reversals") or previews[1][1].get("sales")  # the second moves some lines' sales
    assert all(0 < preview[3] < 120 for preview in previews)  # some rows refused, most read


@pytest.mark.parametrize("staged", [True, False], ids=["sql", "python"])
def test_an_order_keeps_who_bought_it_and_how_it_went_and_a_blank_cell_erases_nothing(
        tmp_path, shelf, clerk, monkeypatch, staged):
    monkeypatch.setattr(settings, "SHOPTEAM_IMPORT_IN_SQL", staged)
    first = order(A, PAID, 买家会员名="tb_小明", 收货人姓名="张小明", 联系手机="'13812345678",
                  收货地址="浙江省 杭州市 西湖区 文三路 100 号", 物流公司="", 物流单号="")
    _preview, done = import_file(tmp_path, "paid.csv", orders_file([first]), clerk)
    assert done[0] == "done"
    known = TaobaoOrder.objects.get(order_id=A)
    assert (known.buyer_nick, known.receiver_name, known.receiver_phone, known.address) == (
        "tb_小明", "张小明", "13812345678", "浙江省 杭州市 西湖区 文三路 100 号")
    assert (known.carrier, known.waybill, known.shipped_at, known.received_at) == ("", "", None, None)

    # A later export: shipped and received; this layout's buyer and address cells are blank (masked or missing).
    later = order(A, DONE, 买家会员名="", 收货人姓名="", 联系手机="", 收货地址="", 物流公司="圆通速递",
                  物流单号="YT1234567890123", 发货时间="2022-03-02 10:00:00", 确认收货时间="2022/3/9 8:00")
    _preview, done = import_file(tmp_path, "done.csv", orders_file([later]), clerk)
    assert done[0] == "done"
    known.refresh_from_db()
    assert (known.buyer_nick, known.receiver_phone, known.address) == (
        "tb_小明", "13812345678", "浙江省 杭州市 西湖区 文三路 100 号")
    assert (known.status, known.carrier, known.waybill) == (DONE, "圆通速递", "YT1234567890123")
    assert [timezone.localtime(m, taobao.SHANGHAI).strftime("%m-%d %H:%M") for m in
            (known.shipped_at, known.received_at)] == ["03-02 10:00", "03-09 08:00"]

    # Only a detail changes (the waybill was corrected in the seller centre): the order takes it.
    corrected = {**later, "物流单号": "YT9999999999999"}
    _preview, done = import_file(tmp_path, "corrected.csv", orders_file([corrected]), clerk)
    known.refresh_from_db()
    assert known.waybill == "YT9999999999999" and known.buyer_nick == "tb_小明"


@pytest.mark.parametrize("staged", [True, False], ids=["sql", "python"])
def test_an_unreadable_ship_time_refuses_its_row_with_its_reason(tmp_path, shelf, clerk, monkeypatch, staged):
    monkeypatch.setattr(settings, "SHOPTEAM_IMPORT_IN_SQL", staged)
    preview, _done = import_file(tmp_path, "orders.csv", orders_file([order(A), order(B, 发货时间="明天")]), clerk)
    assert preview[3] == 1
    assert preview[2][0]["reason"] == "Ship time “明天” is not a date and time."


def test_a_2017_export_fills_in_the_buyer_and_the_waybill(tmp_path, shelf, clerk):
    content = exports.orders_2017([{"订单编号": A, "订单状态": SHIPPED, "买家实际支付金额": "39.00", "总金额": "39.00",
                                    "订单创建时间": "2017-07-08 00:40:00", "订单付款时间": "2017-07-08 00:42:32",
                                    "买家会员名": "tb_老王", "收货人姓名": "王五", "联系手机": "'13900001111",
                                    "收货地址": "广东省 深圳市 南山区 科技园", "物流单号": "No:3312345",
                                    "物流公司": "韵达快递"}])
    _preview, done = import_file(tmp_path, "ExportOrderList201707081200.csv", content, clerk)
    assert done[0] == "done", done
    known = TaobaoOrder.objects.get(order_id=A)
    assert (known.buyer_nick, known.receiver_name, known.receiver_phone, known.carrier) == (
        "tb_老王", "王五", "13900001111", "韵达快递")
    assert known.address.startswith("广东省 深圳市") and known.waybill == "No:3312345"
