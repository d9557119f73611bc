"""Seller-centre export files in the real layouts (../shared/reference/taobao-exports.md and
taobao_header_versions.py), written the way each year's file is: 2017's GBK CSV with every field quoted, `="…"`
ids, header names with trailing spaces and lines ending in a comma; 2018's GB18030 with `null`s; 2022's .xlsx
order and line pair with refund columns; 2025/26 .xlsx; an Excel re-save as UTF-8 with BOM; a refunds file.

Each writer takes rows as {column: value} and fills every other column of the layout the way that year does. Every
test that needs a seller-centre file builds it here (stock, finance, browser tests and the stock bench).
"""

import csv
import io

from openpyxl import Workbook

# 2017 订单报表, verbatim (S1): 46 columns, some names with a trailing space.
ORDERS_2017 = [
    "订单编号",
    "买家会员名",
    "买家支付宝账号",
    "买家应付货款",
    "买家应付邮费",
    "买家支付积分",
    "总金额",
    "返点积分",
    "买家实际支付金额",
    "买家实际支付积分",
    "订单状态",
    "买家留言",
    "收货人姓名",
    "收货地址 ",
    "运送方式",
    "联系电话 ",
    "联系手机",
    "订单创建时间",
    "订单付款时间 ",
    "宝贝标题 ",
    "宝贝种类 ",
    "物流单号 ",
    "物流公司",
    "订单备注",
    "宝贝总数量",
    "店铺Id",
    "店铺名称",
    "订单关闭原因",
    "卖家服务费",
    "买家服务费",
    "发票抬头",
    "是否手机订单",
    "分阶段订单信息",
    "特权订金订单id",
    "是否上传合同照片",
    "是否上传小票",
    "是否代付",
    "定金排名",
    "修改后的sku",
    "修改后的收货地址",
    "异常信息",
    "天猫卡券抵扣",
    "集分宝抵扣",
    "是否是O2O交易",
    "退款金额",
    "预约门店",
]
# 2017 宝贝报表, verbatim: 10 columns; every data row ends with a trailing comma (11 fields).
LINES_2017 = [
    "订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
]
# 2018-05 订单报表: 54 columns, 2017's with the 新零售 columns and three at the end.
ORDERS_2018 = [
    *ORDERS_2017[:44],  # up to 是否是O2O交易
    "新零售交易类型",
    "新零售导购门店名称",
    "新零售导购门店id",
    "新零售发货门店名称",
    "新零售发货门店id",
    *ORDERS_2017[44:],  # 退款金额, 预约门店
    "确认收货时间",
    "打款商家金额",
    "含应开票给个人的个人红包",
]
# ~2022 订单报表 (.xlsx): the 2019+ columns without 买家支付宝账号, with 买家会员昵称, 发货时间, 商家备忘 …
ORDERS_2022 = [
    "订单编号",
    "买家会员名",
    "买家会员昵称",
    "支付单号",
    "支付详情",
    *(name.strip() for name in ORDERS_2018[3:44]),  # 买家应付货款 … 是否是O2O交易, without 2018's trailing spaces
    "满返红包金额",
    *ORDERS_2018[44:],  # 新零售交易类型 … 含应开票给个人的个人红包
    "是否信用购",
    "体验期结束时间",
    "前N有礼",
    "配送类型",
    "直播返现状态",
    "返现金额",
    "新零售成交门店昵称",
    "新零售成交门店id",
    "新零售成交经销商id",
    "主订单编号",
    "虚拟号过期时间",
    "预售订单",
    "发货时间",
    "商家备忘",
]
# 2022 宝贝报表: 18 columns with the refund columns.
LINES_2022 = [
    "子订单编号",
    "主订单编号",
    *LINES_2017[1:],  # 标题 … 商家编码
    "支付单号",
    "买家应付货款",
    "买家实际支付金额",
    "退款状态",
    "退款金额",
    "订单创建时间",
    "订单付款时间",
]
# 2025/26 订单报表 (.xlsx): 21 columns, masked address, no names.
ORDERS_2025 = [
    "订单编号",
    "支付单号",
    "买家应付货款",
    "买家应付邮费",
    "总金额",
    "买家实付金额",
    "订单状态",
    "收货地址",
    "运送方式",
    "订单创建时间",
    "商品标题",
    "宝贝种类",
    "物流单号",
    "物流公司",
    "备注标签",
    "商家备注",
    "宝贝总数量",
    "开票信息",
    "手机订单",
    "商品属性SKU",
    "发货时间",
]
# ~2024–25 Tmall 宝贝报表 (.xlsx): 23 columns, `商品 ID` with a space.
LINES_2025 = [
    "子订单编号",
    "主订单编号",
    "商品标题",
    "商品价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "联系方式备注",
    "订单状态",
    "商家编码",
    "买家应付货款",
    "买家实付金额",
    "退款状态",
    "退款金额",
    "订单创建时间",
    "订单付款时间",
    "商品 ID",
    "商家备注",
    "主订单买家留言",
    "发货时间",
    "物流单号",
    "物流公司",
]
# 退款报表 (parser's columns).
REFUNDS = [
    "订单编号",
    "退款编号",
    "支付宝交易号",
    "订单付款时间",
    "商品编码",
    "退款完结时间",
    "买家实际支付金额",
    "宝贝标题",
    "买家退款金额",
    "手工退款/系统退款",
    "是否需要退货",
    "退款的申请时间",
    "超时时间",
    "退款状态",
    "货物状态",
    "退货物流信息",
    "发货物流信息",
    "客服介入状态",
    "卖家真实姓名",
    "卖家退货地址",
    "卖家邮编",
    "卖家电话",
    "卖家手机",
    "退货物流单号",
    "退货物流公司",
    "买家退款原因",
    "买家退款说明",
    "买家退货时间",
    "责任方",
    "售中或售后",
    "备注",
    "完结时间",
    "部分退款/全部退款",
]

IDS = {"订单编号", "主订单编号", "子订单编号", "支付单号", "退款编号", "支付宝交易号", "物流单号"}


def _cells(header, row, *, empty="", wrap_ids=False):
    cells = []
    for column in header:
        value = row.get(column.strip(), empty)
        value = "" if value is None else str(value)
        if wrap_ids and column.strip() in IDS:
            value = f'="{value}"'
        cells.append(value)
    return cells


def _csv_chunks(header, rows, *, empty="", wrap_ids=False, quote_all=False, trailing_comma=False, chunk=1 << 20):
    """The CSV's text in pieces of whole lines, about `chunk` characters each: a header, then a row a line."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        cells = _cells(header, row, empty=empty, wrap_ids=wrap_ids)
        writer.writerow([*cells, ""] if trailing_comma else cells)
        if out.tell() >= chunk:
            yield _flushed(out, trailing_comma)
    yield _flushed(out, trailing_comma)


def _flushed(out, trailing_comma):
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    if trailing_comma:  # the 2017 宝贝报表 writes a bare comma, not ,""
        text = text.replace(',""\r\n', ",\r\n")
    return text


def csv_bytes(header, rows, *, encoding, **layout):
    """The export as one CSV in `encoding`; each row a {column: value} map (see `_cells`)."""
    return "".join(_csv_chunks(header, rows, **layout)).encode(encoding)


def write_csv(path, header, rows, *, encoding, **layout):
    """The same CSV written to `path` a piece at a time, so a large export (the benches') is never all in memory;
    `rows` may be a generator."""
    with open(path, "wb") as handle:
        for text in _csv_chunks(header, rows, **layout):
            handle.write(text.encode(encoding))
    return path


def cells_csv(rows, *, encoding):
    """A CSV of the cells as given, row by row (a header among them): for files that break an export's shape."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(header, rows, *, sheet="Sheet1", before=None):
    """An .xlsx with the export on `sheet`; `before` names an extra first sheet (the export is not always first)."""
    workbook = Workbook()
    first = workbook.active
    if before:
        first.title = before
        first.append(["导出说明：数据仅供参考"])
        target = workbook.create_sheet(sheet)
    else:
        first.title = sheet
        target = first
    target.append(header)
    for row in rows:
        target.append([row.get(column.strip()) for column in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def orders_2017(rows):
    return csv_bytes(ORDERS_2017, rows, encoding="gbk", wrap_ids=True, quote_all=True)


def lines_2017(rows):
    return csv_bytes(LINES_2017, rows, encoding="gbk", wrap_ids=True, quote_all=False, trailing_comma=True)


def orders_2018(rows):
    return csv_bytes(ORDERS_2018, rows, encoding="gb18030", empty="null", wrap_ids=True, quote_all=True)


def lines_2018(rows):
    return csv_bytes(LINES_2017, rows, encoding="gb18030", empty="null", wrap_ids=True, trailing_comma=True)


def orders_2022(rows):
    return xlsx_bytes(ORDERS_2022, rows)


def lines_2022(rows):
    return xlsx_bytes(LINES_2022, rows, sheet="宝贝报表")


def orders_2025(rows):
    return xlsx_bytes(ORDERS_2025, rows, sheet="订单列表", before="说明")


def lines_2025(rows):
    return xlsx_bytes(LINES_2025, rows, sheet="子订单")


def excel_resave(header, rows):
    """What a 2017 file looks like after Excel opened and saved it as CSV UTF-8: BOM, no quotes, no `="…"`,
    dates as `2017/7/8 0:42`."""
    return csv_bytes(header, rows, encoding="utf-8-sig")


def refunds(rows, *, encoding="gb18030"):
    return csv_bytes(REFUNDS, rows, encoding=encoding, wrap_ids=True, quote_all=True)


def lines_2022_csv(rows, *, encoding="gb18030"):
    """The 2022 宝贝报表 as the CSV the seller centre writes (GB18030), e.g. to feed odd cells to both readers."""
    return csv_bytes(LINES_2022, rows, encoding=encoding)
