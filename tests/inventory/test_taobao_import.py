"""Importing the seller centre's exports, every year's layout, with the numbers each file must produce beside it.

Stock before every test: SCT-001 菊花茶 100, SCT-002 玫瑰花茶 50, SCT-003 硚口枸杞 20 (食草堂).
"""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from inventory import importing, selectors, signals
from inventory.importing import writes
from inventory.models import Product, StockMove, TaobaoImport, TaobaoOrder, TaobaoOrderLine
from shopteam.errors import ServiceError
from tests import exports
from tests.inventory.factories import stocked

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["staged", "python", "python-as-on-sqlite"] if connection.vendor == "postgresql"
                else ["python"])
def read_by(request, monkeypatch):
    """Every test on both ways a 宝贝报表 is read on PostgreSQL: staged and set-based, and row by row in Python (as
    on SQLite); see test_import_paths.py. And the Python path once more writing its rows as it does on SQLite
    (bulk_create, not COPY), so that SQLite's whole import and settlement run in CI, where the database is
    PostgreSQL."""
    monkeypatch.setattr(settings, "SHOPTEAM_IMPORT_IN_SQL", request.param == "staged")
    if request.param == "python-as-on-sqlite":
        monkeypatch.setattr(writes, "copies", lambda: False)
    return request.param

SHANGHAI = selectors.SHANGHAI
PAID, SHIPPED, DONE = "买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功"
UNPAID, CLOSED = "等待买家付款", "交易关闭"
O1, O2, O3, O4, O5 = (f"3515313147329357{n}" for n in range(5))  # 17 digits, as in 2017


@pytest.fixture
def shelf(clerk):
    return {
        "SCT-001": stocked(100, sku="SCT-001", name="菊花茶", price=Decimal("39.00")),
        "SCT-002": stocked(50, sku="SCT-002", name="玫瑰花茶", price=Decimal("29.90")),
        "SCT-003": stocked(20, sku="SCT-003", name="硚口枸杞", price=Decimal("15.00")),
    }


def stock():
    return dict(Product.objects.order_by("sku").values_list("sku", "on_hand"))


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def checked(tmp_path, name, content, by):
    taobao_import = importing.upload(write(tmp_path, name, content), filename=name, by=by)
    return importing.check(taobao_import)


def read_again():
    """Forget the files' hashes: the next upload of the same bytes is read again, as an overlapping export is."""
    TaobaoImport.objects.update(sha256="")


def imported(tmp_path, name, content, by, *, skip=False):
    taobao_import = checked(tmp_path, name, content, by)
    assert taobao_import.status == TaobaoImport.Status.CHECKED, taobao_import.refusal
    return importing.start(taobao_import, by=by, skip_bad_rows=skip)


# -- 2017: 订单报表 + 宝贝报表, GBK CSV, `="…"` ids, quoted fields with commas, trailing spaces and commas --------

ORDERS_2017 = [
    {
        "订单编号": O1,
        "买家会员名": "tb_花花",
        "买家实际支付金额": "78.00",
        "总金额": "78.00",
        "订单状态": DONE,
        "收货地址": "湖北省 武汉市 硚口区，宝丰路 1 号",
        "订单创建时间": "2017-07-08 00:40:11",
        "订单付款时间": "2017-07-08 00:42:32",
        "宝贝标题": "菊花茶,特级 50g",
        "订单关闭原因": "订单未关闭",
        "联系手机": "'13800000000",
        "退款金额": "0",
    },
    {
        "订单编号": O2,
        "买家实际支付金额": "29.90",
        "总金额": "29.90",
        "订单状态": PAID,
        "订单创建时间": "2017-07-08 09:00:00",
        "订单付款时间": "2017-07-08 09:01:00",
        "订单关闭原因": "订单未关闭",
    },
    {
        "订单编号": O3,
        "买家实际支付金额": "0.00",
        "总金额": "39.00",
        "订单状态": UNPAID,
        "订单创建时间": "2017-07-08 10:00:00",
        "订单付款时间": "",
        "订单关闭原因": "订单未关闭",
    },
    {
        "订单编号": O4,
        "买家实际支付金额": "0.00",
        "总金额": "45.00",
        "订单状态": CLOSED,
        "订单创建时间": "2017-07-07 10:00:00",
        "订单付款时间": "",
        "订单关闭原因": "买家未付款",
    },
    {
        "订单编号": O5,
        "买家实际支付金额": "69.00",
        "总金额": "99.00",
        "订单状态": SHIPPED,
        "订单创建时间": "2017-07-08 11:00:00",
        "订单付款时间": "2017-07-08 11:05:00",
        "订单关闭原因": "订单未关闭",
    },
]
LINES_2017 = [
    {
        "订单编号": O1,
        "标题": "菊花茶,特级 50g",
        "价格": "39.00",
        "购买数量": "2",
        "订单状态": DONE,
        "商家编码": "SCT-001",
    },
    {"订单编号": O2, "标题": "玫瑰花茶", "价格": "29.90", "购买数量": "1", "订单状态": PAID, "商家编码": "SCT-002 "},
    {
        "订单编号": O3,
        "标题": "菊花茶,特级 50g",
        "价格": "39.00",
        "购买数量": "1",
        "订单状态": UNPAID,
        "商家编码": "SCT-001",
    },
    {"订单编号": O4, "标题": "硚口枸杞", "价格": "15.00", "购买数量": "3", "订单状态": CLOSED, "商家编码": "SCT-003"},
    {
        "订单编号": O5,
        "标题": "菊花茶,特级 50g",
        "价格": "39.00",
        "购买数量": "1",
        "订单状态": SHIPPED,
        "商家编码": "SCT-001",
    },
    {"订单编号": O5, "标题": "硚口枸杞", "价格": "15.00", "购买数量": "2", "订单状态": CLOSED, "商家编码": "SCT-003"},
]
# Sold: O1 2×SCT-001 (finished), O2 1×SCT-002 (paid), O5 1×SCT-001 (shipped; its 枸杞 line closed inside it).
# Not sold: O3 (unpaid), O4 (closed), O5's closed line. → SCT-001 97, SCT-002 49, SCT-003 20; 3 sale moves.
AFTER_2017 = {"SCT-001": 97, "SCT-002": 49, "SCT-003": 20}


def test_the_2017_files_are_gbk_csv_with_quirks_the_reader_survives():
    orders, lines = exports.orders_2017(ORDERS_2017), exports.lines_2017(LINES_2017)
    assert f'"=""{O1}"""'.encode() in orders and "硚".encode("gbk") in orders
    assert b'"\xb6\xa9\xb5\xa5\xb8\xb6\xbf\xee\xca\xb1\xbc\xe4 "' in orders  # "订单付款时间 " with its space
    assert lines.split(b"\r\n")[1].endswith(b",")


def test_the_2017_pair_sells_what_was_paid_shipped_or_finished(tmp_path, shelf, clerk):
    orders = imported(tmp_path, "ExportOrderList201707081200.csv", exports.orders_2017(ORDERS_2017), clerk)
    assert (orders.kind, orders.file_format, orders.summary["orders"], orders.summary["sold_orders"]) == (
        "orders",
        "csv",
        5,
        3,
    )
    lines = imported(tmp_path, "ExportOrderDetailList201707081200.csv", exports.lines_2017(LINES_2017), clerk)
    assert lines.status == "done", lines.refusal
    assert (lines.kind, lines.summary["lines"], lines.summary["sales_written"]) == ("lines", 6, 3)
    assert stock() == AFTER_2017
    sale = StockMove.objects.get(order_line__order__order_id=O1)
    assert (sale.quantity, sale.amount, sale.by, sale.reference) == (-2, Decimal("78.00"), clerk, f"淘宝 {O1}")
    assert sale.moved_at == datetime.datetime(2017, 7, 8, 0, 42, 32, tzinfo=SHANGHAI)  # when it was paid
    assert TaobaoOrder.objects.get(order_id=O1).paid_amount == Decimal("78.00")
    assert selectors.stock_drift() == []


def test_the_lines_alone_sell_the_same(tmp_path, shelf, clerk):
    imported(tmp_path, "lines.csv", exports.lines_2017(LINES_2017), clerk)
    assert stock() == AFTER_2017


def test_the_same_files_again_change_nothing(tmp_path, shelf, clerk):
    for _round in range(2):
        read_again()
        imported(tmp_path, "orders.csv", exports.orders_2017(ORDERS_2017), clerk)
        again = imported(tmp_path, "lines.csv", exports.lines_2017(LINES_2017), clerk)
    assert (again.summary["sales_written"], again.summary["reversals_written"], again.summary["unchanged"]) == (0, 0, 6)
    assert stock() == AFTER_2017
    assert StockMove.objects.filter(kind="sale").count() == 3


def test_a_later_export_reverses_a_line_that_was_closed_and_sells_one_that_was_paid(tmp_path, shelf, clerk):
    imported(tmp_path, "orders.csv", exports.orders_2017(ORDERS_2017), clerk)
    imported(tmp_path, "lines.csv", exports.lines_2017(LINES_2017), clerk)
    later = [dict(row) for row in ORDERS_2017]
    later[1].update({"订单状态": CLOSED, "订单关闭原因": "退款"})  # O2 refunded in full before shipping → closed
    later[2].update({"订单状态": PAID, "订单付款时间": "2017-07-09 08:00:00", "买家实际支付金额": "39.00"})  # O3 paid
    later[0].update({"订单状态": SHIPPED})  # an older status for O1 (a stale file): it stays finished
    result = imported(tmp_path, "orders-later.csv", exports.orders_2017(later), clerk)
    # O2's sale of 1×SCT-002 reversed; O3's 1×SCT-001 sold now.
    assert (result.summary["sales_written"], result.summary["reversals_written"]) == (1, 1)
    assert stock() == {"SCT-001": 96, "SCT-002": 50, "SCT-003": 20}
    reversal = StockMove.objects.get(kind="reversal")
    assert reversal.reverses.order_line.order.order_id == O2 and reversal.quantity == 1
    assert TaobaoOrder.objects.get(order_id=O1).status == DONE
    # And the first files once more: nothing goes back.
    read_again()
    imported(tmp_path, "orders.csv", exports.orders_2017(ORDERS_2017), clerk)
    imported(tmp_path, "lines.csv", exports.lines_2017(LINES_2017), clerk)
    assert stock() == {"SCT-001": 96, "SCT-002": 50, "SCT-003": 20}


# -- 2018: GB18030 with `null`s ------------------------------------------------------------------------------


def test_the_2018_gb18030_files_with_nulls(tmp_path, shelf, clerk):
    order = {
        "订单编号": "35153131473299999",
        "买家实际支付金额": "117.00",
        "总金额": "117.00",
        "订单状态": DONE,
        "收货地址": "湖北省武汉市硚口区",
        "订单创建时间": "2018-06-01 10:00:00",
        "订单付款时间": "2018-06-01 10:02:00",
        "退款金额": "null",
        "订单关闭原因": "订单未关闭",
    }
    content = exports.orders_2018([order])
    assert b"null" in content and "硚".encode("gb18030") in content
    result = imported(tmp_path, "orders-2018.csv", content, clerk)
    assert (result.summary["orders"], result.problem_count) == (1, 0)
    lines = [
        {
            "订单编号": "35153131473299999",
            "标题": "硚口枸杞",
            "价格": "39.00",
            "购买数量": "3",
            "订单状态": DONE,
            "商家编码": "SCT-003",
        }
    ]
    imported(tmp_path, "lines-2018.csv", exports.lines_2018(lines), clerk)  # null 外部系统编号, 商品属性, 备注…
    assert stock()["SCT-003"] == 17


# -- 2022: .xlsx pair with refund columns --------------------------------------------------------------------

A, B, C = "3512345678901234567", "3512345678901234568", "3512345678901234569"  # 19 digits: more than a float holds
ORDERS_2022 = [
    {
        "订单编号": A,
        "买家实际支付金额": "89.90",
        "总金额": "89.90",
        "订单状态": DONE,
        "订单付款时间": "2022-03-01 10:00:00",
        "订单创建时间": "2022-03-01 09:59:00",
        "退款金额": "70.00",
        "主订单编号": A,
    },
    {
        "订单编号": B,
        "买家实际支付金额": "15.00",
        "总金额": "15.00",
        "订单状态": DONE,
        "订单付款时间": "2022-03-02 10:00:00",
        "订单创建时间": "2022-03-02 09:59:00",
        "退款金额": "0",
        "主订单编号": B,
    },
    {
        "订单编号": C,
        "买家实际支付金额": "59.80",
        "总金额": "59.80",
        "订单状态": CLOSED,
        "订单付款时间": "2022-03-02 11:00:00",
        "订单创建时间": "2022-03-02 10:59:00",
        "退款金额": "59.80",
        "主订单编号": C,
    },
]
LINES_2022 = [
    {
        "子订单编号": f"{A[:-1]}1",
        "主订单编号": A,
        "标题": "菊花茶",
        "价格": "30.00",
        "购买数量": "2",
        "订单状态": DONE,
        "商家编码": "SCT-001",
        "买家实际支付金额": "60.00",
        "退款状态": "退款成功",
        "退款金额": "60.00",
        "订单付款时间": "2022-03-01 10:00:00",
    },  # fully refunded: not sold
    {
        "子订单编号": f"{A[:-1]}2",
        "主订单编号": A,
        "标题": "玫瑰花茶",
        "价格": "29.90",
        "购买数量": "1",
        "订单状态": DONE,
        "商家编码": "SCT-002",
        "买家实际支付金额": "29.90",
        "退款状态": "退款成功",
        "退款金额": "10.00",
        "订单付款时间": "2022-03-01 10:00:00",
    },  # partly refunded: sold
    {
        "子订单编号": B,
        "主订单编号": B,
        "标题": "硚口枸杞",
        "价格": "15.00",
        "购买数量": "1",
        "订单状态": DONE,
        "商家编码": "SCT-003",
        "买家实际支付金额": "15.00",
        "退款状态": "退款关闭",
        "退款金额": "15.00",
    },  # request closed: sold
    {
        "子订单编号": C,
        "主订单编号": C,
        "标题": "玫瑰花茶",
        "价格": "29.90",
        "购买数量": "2",
        "订单状态": CLOSED,
        "商家编码": "SCT-002",
        "买家实际支付金额": "59.80",
        "退款状态": "退款成功",
        "退款金额": "59.80",
    },  # closed: not sold
]
AFTER_2022 = {"SCT-001": 100, "SCT-002": 49, "SCT-003": 19}


def test_the_2022_xlsx_pair_with_refund_columns(tmp_path, shelf, clerk):
    imported(tmp_path, "ExportOrderList.xlsx", exports.orders_2022(ORDERS_2022), clerk)
    result = imported(tmp_path, "ExportOrderDetailList.xlsx", exports.lines_2022(LINES_2022), clerk)
    assert (result.file_format, result.summary["lines"], result.summary["sales_written"]) == ("xlsx", 4, 2)
    assert stock() == AFTER_2022
    assert TaobaoOrder.objects.get(order_id=A).order_id == A  # 19 digits kept as text
    assert StockMove.objects.get(kind="sale", product__sku="SCT-002").amount == Decimal("29.90")  # as exported


def test_lines_imported_before_their_orders_file_settle_the_same(tmp_path, shelf, clerk):
    imported(tmp_path, "lines.xlsx", exports.lines_2022(LINES_2022), clerk)
    imported(tmp_path, "orders.xlsx", exports.orders_2022(ORDERS_2022), clerk)
    assert stock() == AFTER_2022


# -- 2025/26: .xlsx, the export on its second sheet, 商品 ID with a space --------------------------------------

D = "4012345678901234567"


def test_the_2025_xlsx_files(tmp_path, shelf, clerk):
    orders = [
        {
            "订单编号": D,
            "支付单号": "2025010122001100000000000001",
            "总金额": "78.00",
            "买家实付金额": "78.00",
            "订单状态": SHIPPED,
            "收货地址": "湖北省武汉市****",
            "订单创建时间": "2025-12-30 21:15:00",
            "宝贝总数量": "2",
        }
    ]
    lines = [
        {
            "子订单编号": D,
            "主订单编号": D,
            "商品标题": "菊花茶",
            "商品价格": "39.00",
            "购买数量": "2",
            "订单状态": SHIPPED,
            "商家编码": "SCT-001",
            "买家实付金额": "78.00",
            "退款状态": "",
            "退款金额": "",
            "订单付款时间": "2025-12-30 21:16:00",
            "商品 ID": "612345678901",
        }
    ]
    first = imported(tmp_path, "orders-2025.xlsx", exports.orders_2025(orders), clerk)
    assert (first.kind, first.summary["sold_orders"]) == ("orders", 1)
    imported(tmp_path, "lines-2025.xlsx", exports.lines_2025(lines), clerk)
    assert stock()["SCT-001"] == 98


# -- an Excel re-save: UTF-8 with BOM, `2017/7/8 0:42`, one id turned into 3.5E+16 ------------------------------


def test_an_excel_resave_reads_and_its_mangled_id_is_refused_never_guessed(tmp_path, shelf, clerk):
    rows = [dict(row) for row in LINES_2017[:2]]
    rows[1]["订单编号"] = "3.51531E+16"  # Excel showed O2 in scientific notation and saved it so
    content = exports.excel_resave(exports.LINES_2017, rows)
    assert content.startswith(b"\xef\xbb\xbf")
    taobao_import = checked(tmp_path, "resaved.csv", content, clerk)
    assert taobao_import.status == "checked" and taobao_import.problem_count == 1
    [problem, *_rest] = taobao_import.problems
    assert problem["row"] == 3 and "turned into a number by Excel" in problem["reason"]
    with pytest.raises(ServiceError, match="1 row"):
        importing.start(taobao_import, by=clerk)
    assert stock() == {"SCT-001": 100, "SCT-002": 50, "SCT-003": 20}  # refused rows: nothing imported
    done = importing.start(taobao_import, by=clerk, skip_bad_rows=True)
    assert (done.status, done.summary["skipped"]) == ("done", 1)
    assert stock() == {"SCT-001": 98, "SCT-002": 50, "SCT-003": 20}


def test_excel_dates_and_amount_quirks(tmp_path, shelf, clerk):
    rows = [
        {
            "订单编号": O1,
            "买家实际支付金额": "78元",
            "总金额": "78.00",
            "订单状态": DONE,
            "订单付款时间": "2017/7/8 0:42",
            "订单创建时间": "2017/7/8 0:40",
            "退款金额": "无退款申请",
        }
    ]
    imported(tmp_path, "orders.csv", exports.excel_resave(exports.ORDERS_2017, rows), clerk)
    order = TaobaoOrder.objects.get()
    assert (order.paid_amount, order.refund_amount) == (Decimal("78.00"), None)
    assert order.paid_at == datetime.datetime(2017, 7, 8, 0, 42, tzinfo=SHANGHAI)


# -- refunds ------------------------------------------------------------------------------------------------


def test_a_refunds_file_reverses_a_fully_refunded_line_and_nothing_else(tmp_path, shelf, clerk):
    imported(tmp_path, "orders.csv", exports.orders_2017(ORDERS_2017), clerk)
    imported(tmp_path, "lines.csv", exports.lines_2017(LINES_2017), clerk)
    refunds = [
        {
            "订单编号": O2,
            "退款编号": "20170710000001",
            "买家实际支付金额": "29.90",
            "买家退款金额": "29.90",
            "退款状态": "退款成功",
            "退款完结时间": "2017-07-10 12:00:00",
            "退款的申请时间": "2017-07-09 08:00:00",
            "宝贝标题": "玫瑰花茶",
        },  # full: O2's sale reversed on 10 July
        {
            "订单编号": O5,
            "退款编号": "20170710000002",
            "买家实际支付金额": "69.00",
            "买家退款金额": "20.00",
            "退款状态": "退款成功",
            "退款完结时间": "2017-07-10 13:00:00",
            "商品编码": "SCT-001",
        },  # partial
        {
            "订单编号": O1,
            "退款编号": "20170710000003",
            "买家实际支付金额": "78.00",
            "买家退款金额": "78.00",
            "退款状态": "退款关闭",
            "退款的申请时间": "2017-07-09 09:00:00",
        },  # request closed
    ]
    result = imported(tmp_path, "refunds.csv", exports.refunds(refunds), clerk)
    assert (result.kind, result.summary["refunds"], result.summary["reversals_written"]) == ("refunds", 3, 1)
    assert stock() == {"SCT-001": 97, "SCT-002": 50, "SCT-003": 20}
    reversal = StockMove.objects.get(kind="reversal")
    assert reversal.moved_at == datetime.datetime(2017, 7, 10, 12, tzinfo=SHANGHAI)
    read_again()
    again = imported(tmp_path, "refunds.csv", exports.refunds(refunds), clerk)
    assert again.summary["reversals_written"] == 0 and StockMove.objects.filter(kind="reversal").count() == 1


# -- refused rows and refused files -------------------------------------------------------------------------


def test_unknown_or_empty_skus_and_bad_cells_are_refused_rows_with_their_reasons(tmp_path, shelf, clerk):
    rows = [
        dict(LINES_2017[0]),
        {"订单编号": O2, "标题": "玫瑰花茶", "价格": "29.90", "购买数量": "1", "订单状态": PAID, "商家编码": "NOPE-9"},
        {"订单编号": O3, "标题": "菊花茶 礼盒", "价格": "39.00", "购买数量": "1", "订单状态": PAID, "商家编码": ""},
        {"订单编号": O4, "标题": "枸杞", "价格": "abc", "购买数量": "1", "订单状态": PAID, "商家编码": "SCT-003"},
        {"订单编号": O5, "标题": "枸杞", "价格": "1", "购买数量": "1", "订单状态": "已经飞走", "商家编码": "SCT-003"},
        {"订单编号": "", "标题": "枸杞", "价格": "1", "购买数量": "1.5", "订单状态": PAID, "商家编码": "SCT-003"},
    ]
    taobao_import = checked(tmp_path, "lines.csv", exports.lines_2017(rows), clerk)
    reasons = {p["row"]: p["reason"] for p in taobao_import.problems}
    assert taobao_import.problem_count == 5 and sorted(reasons) == [3, 4, 5, 6, 7]
    assert "No product has the 商家编码 NOPE-9" in reasons[3] and "never matched by its title" in reasons[3]
    assert "has no 商家编码" in reasons[4]
    assert "“abc” is not an amount" in reasons[5]
    assert "Unknown order status “已经飞走”" in reasons[6]
    assert "Order number is empty" in reasons[7]
    assert TaobaoOrder.objects.count() == 0 and StockMove.objects.filter(kind="sale").count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000, "old Excel .xls"),
        (bytes(range(256)) * 50, "not a spreadsheet export"),
        ("商家编码,商品名称,售价\r\nSCT-1,菊花茶,39\r\n".encode("gbk"), "is not a Taobao/Tmall export"),
        (b"PK\x03\x04 not really a zip", "not a readable .xlsx"),
        (
            "订单编号,订单状态,买家实际支付金额\r\n".encode("gbk"),
            None,
        ),  # a header and no rows: nothing to do, not refused
    ],
)
def test_a_file_that_is_not_an_export_is_refused_whole_with_what_is_wrong(tmp_path, shelf, clerk, content, message):
    taobao_import = checked(tmp_path, "upload.csv", content, clerk)
    if message is None:
        assert (taobao_import.status, taobao_import.summary["rows"]) == ("checked", 0)
        return
    assert taobao_import.status == "refused" and message in taobao_import.refusal
    with pytest.raises(ServiceError):
        importing.start(taobao_import, by=clerk)


def test_the_check_writes_nothing(tmp_path, shelf, clerk):
    taobao_import = checked(tmp_path, "lines.csv", exports.lines_2017(LINES_2017), clerk)
    summary = taobao_import.summary
    assert (summary["sales"], summary["lines"], summary["short"]) == (3, 6, [])
    assert TaobaoOrder.objects.count() == TaobaoOrderLine.objects.count() == 0
    assert StockMove.objects.filter(kind="sale").count() == 0


def test_a_file_that_would_take_stock_below_zero_is_warned_and_stops_whole(tmp_path, shelf, clerk):
    rows = [dict(LINES_2017[0], 购买数量="150"), dict(LINES_2017[1])]
    taobao_import = checked(tmp_path, "lines.csv", exports.lines_2017(rows), clerk)
    assert taobao_import.summary["short"] == ["SCT-001 菊花茶: 100 in stock, 150 to take out: short by 50."]
    done = importing.start(taobao_import, by=clerk)
    assert done.status == "failed" and "short by 50" in done.refusal
    assert stock() == {"SCT-001": 100, "SCT-002": 50, "SCT-003": 20}  # not even the 玫瑰花茶 sale
    stocked_more = Product.objects.get(sku="SCT-001")
    from inventory import services

    services.record_move(stocked_more, kind="receipt", quantity=60, by=clerk)
    rerun = importing.retry(done, by=clerk)
    assert rerun.status == "done" and stock() == {"SCT-001": 10, "SCT-002": 49, "SCT-003": 20}


def test_only_the_product_group_imports(tmp_path, shelf, team):
    with pytest.raises(ServiceError, match="Only the product group"):
        importing.upload(
            write(tmp_path, "l.csv", exports.lines_2017(LINES_2017)), filename="l.csv", by=team["kefu_lead"]
        )
    taobao_import = checked(tmp_path, "l.csv", exports.lines_2017(LINES_2017), team["product_lead"])
    with pytest.raises(ServiceError, match="Only the product group"):
        importing.start(taobao_import, by=team["finance_lead"])


def test_the_same_file_again_is_recognised_at_once_and_not_read(tmp_path, shelf, clerk):
    first = imported(tmp_path, "lines.csv", exports.lines_2017(LINES_2017), clerk)
    path = write(tmp_path, "lines-again.csv", exports.lines_2017(LINES_2017))
    again = importing.upload(path, filename="lines-again.csv", by=clerk)
    importing.file_path(first).unlink()  # nothing is read: not even the earlier copy
    again = importing.check_soon(again)
    assert (again.status, again.same_as, again.is_busy) == ("same", first, False)
    with pytest.raises(ServiceError, match="not waiting to be imported"):
        importing.start(again, by=clerk)
    assert stock() == AFTER_2017 and StockMove.objects.filter(kind="sale").count() == 3


def test_the_same_file_whose_rows_were_skipped_is_read_again(tmp_path, shelf, clerk):
    rows = [dict(LINES_2017[0]), dict(LINES_2017[1], 商家编码="SCT-009")]
    imported(tmp_path, "lines.csv", exports.lines_2017(rows), clerk, skip=True)
    stocked(10, sku="SCT-009", name="新品")
    again = imported(tmp_path, "lines.csv", exports.lines_2017(rows), clerk)  # the product now exists
    assert again.status == "done" and again.summary["sales_written"] == 1


def test_the_import_runs_once_however_often_it_is_started(tmp_path, shelf, clerk):
    taobao_import = checked(tmp_path, "lines.csv", exports.lines_2017(LINES_2017), clerk)
    importing.start(taobao_import, by=clerk)
    with pytest.raises(ServiceError, match="not waiting to be imported"):
        importing.start(taobao_import, by=clerk)
    assert importing.run(taobao_import.pk).status == "done"
    assert StockMove.objects.filter(kind="sale").count() == 3


def test_a_large_file_is_checked_and_imported_in_the_background(
    tmp_path, shelf, clerk, monkeypatch, django_capture_on_commit_callbacks
):
    from inventory import tasks

    monkeypatch.setattr(importing.runs, "INLINE_BYTES", 10)
    sent = []
    monkeypatch.setattr(tasks.check_taobao_import, "delay_on_commit", lambda pk: sent.append(("check", pk)))
    monkeypatch.setattr(tasks.run_taobao_import, "delay_on_commit", lambda pk: sent.append(("run", pk)))
    path = write(tmp_path, "lines.csv", exports.lines_2017(LINES_2017))
    taobao_import = importing.upload(path, filename="lines.csv", by=clerk)
    assert importing.check_soon(taobao_import).status == "checking" and sent == [("check", taobao_import.pk)]
    assert tasks.check_taobao_import(taobao_import.pk) == "checked"
    assert importing.start(taobao_import, by=clerk).status == "queued" and sent[-1] == ("run", taobao_import.pk)
    assert tasks.run_taobao_import(taobao_import.pk) == "done"
    taobao_import.refresh_from_db()
    assert (taobao_import.rows_done, taobao_import.rows_total, taobao_import.progress) == (6, 6, 100)
    assert stock() == AFTER_2017


# -- what finance reads ---------------------------------------------------------------------------------------


def test_the_signal_after_commit_and_the_money_per_day(tmp_path, shelf, clerk, django_capture_on_commit_callbacks):
    heard = []

    def listener(sender, import_id, dates, **kwargs):
        heard.append((import_id, dates))

    signals.orders_imported.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            orders = imported(tmp_path, "orders.csv", exports.orders_2017(ORDERS_2017), clerk)
        with django_capture_on_commit_callbacks(execute=True):
            imported(tmp_path, "lines.csv", exports.lines_2017(LINES_2017), clerk)
        refunds = [
            {
                "订单编号": O2,
                "退款编号": "20170710000001",
                "买家退款金额": "29.90",
                "退款状态": "退款成功",
                "退款完结时间": "2017-07-10 12:00:00",
            }
        ]
        with django_capture_on_commit_callbacks(execute=True):
            imported(tmp_path, "refunds.csv", exports.refunds(refunds), clerk)
    finally:
        signals.orders_imported.disconnect(listener)
    assert heard[0] == (orders.pk, [datetime.date(2017, 7, 8)])
    assert heard[2][1] == [datetime.date(2017, 7, 10)]
    money = selectors.taobao_daily_money(start=datetime.date(2017, 7, 1), end=datetime.date(2017, 8, 1))
    # 8 July: O1 78.00 + O2 29.90 + O5 69.00 (paid, shipped, finished); O3 unpaid and O4 closed are not sales.
    # 10 July: the refund is added back to that day's sales (the export's amounts already net it), so sales less
    # refunds is what the export says the shop kept.
    assert money == [
        {"date": datetime.date(2017, 7, 8), "kept": Decimal("176.90"), "refunds": Decimal("0.00"),
         "refunds_from_orders": Decimal("0.00"), "sales": Decimal("176.90"), "orders": 3},
        {"date": datetime.date(2017, 7, 10), "kept": Decimal("0.00"), "refunds": Decimal("29.90"),
         "refunds_from_orders": Decimal("0.00"), "sales": Decimal("29.90"), "orders": 0},
    ]


@pytest.mark.parametrize(
    ("header", "names", "not_named"),
    [
        # the public Tmall 订单报表: everything but 订单状态 (note the trailing spaces of its headers)
        ("订单编号,总金额,买家实际支付金额,收货地址 ,订单创建时间,订单付款时间 ,退款金额",
         ["looks like a 订单报表", "lacks 订单状态,"], ["订单编号、", "买家实际支付金额、", "宝贝报表"]),
        # a 宝贝报表 without 商家编码
        ("订单编号,标题,价格,购买数量,订单状态",
         ["looks like a 宝贝报表", "lacks 商家编码,"], ["购买数量、", "标题、"]),
        # nothing like an export: every layout it was compared with is named
        ("名称,颜色,备注", ["compared with the 订单报表", "the 宝贝报表", "the 退款报表"], ["looks like"]),
    ],
)
def test_a_refused_export_names_exactly_the_missing_columns_and_the_layout(tmp_path, shelf, clerk, header, names,
                                                                            not_named):
    taobao_import = checked(tmp_path, "export.csv", (header + "\r\n1,2,3,4,5,6,7\r\n").encode("gbk"), clerk)
    assert taobao_import.status == "refused"
    for text in names:
        assert text in taobao_import.refusal
    for text in not_named:
        assert text not in taobao_import.refusal
