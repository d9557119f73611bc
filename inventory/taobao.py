"""The seller centre's exports, read row by row into plain records (no database here): the 订单报表 (orders),
the 宝贝报表 (order lines) and the 退款报表 (refunds), in every year's layout from 2016 to 2026, found by their
Chinese column names (../shared/reference/taobao-exports.md).

Each row becomes a record or a problem (row number and reason). Ids stay text: 19 digits do not fit a float,
and an id that Excel turned into `3.5E+16` has lost its digits, so it is refused, never guessed.
"""
import datetime
import re
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .spreadsheets import ColumnsMissing, TableRefused, open_table

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

ORDERS, LINES, REFUNDS = "orders", "lines", "refunds"
KIND_NAMES = {
    ORDERS: gettext_lazy("订单报表 (orders)"),
    LINES: gettext_lazy("宝贝报表 (order lines)"),
    REFUNDS: gettext_lazy("退款报表 (refunds)"),
}

# field -> the column names it has had over the years (the first found wins).
COLUMNS = {
    ORDERS: {
        "order_id": ["订单编号"],
        "status": ["订单状态"],
        "paid_amount": ["买家实际支付金额", "买家实付金额"],
        "total": ["总金额"],
        "paid_at": ["订单付款时间", "付款时间"],
        "created_at": ["订单创建时间"],
        "refund_amount": ["退款金额"],
        "close_reason": ["订单关闭原因"],
        "item_count": ["宝贝总数量"],
        "buyer_nick": ["买家会员名", "买家会员昵称"],
        "receiver_name": ["收货人姓名"],
        "receiver_phone": ["联系手机", "联系电话"],
        "address": ["收货地址"],
        "shipped_at": ["发货时间"],
        "received_at": ["确认收货时间"],
        "carrier": ["物流公司"],
        "waybill": ["物流单号"],
    },
    LINES: {
        "order_id": ["主订单编号", "订单编号"],
        "sub_order_id": ["子订单编号"],
        "title": ["标题", "商品标题"],
        "price": ["价格", "商品价格"],
        "quantity": ["购买数量"],
        "sku": ["商家编码"],
        "properties": ["商品属性"],
        "status": ["订单状态"],
        "paid_amount": ["买家实际支付金额", "买家实付金额"],
        "refund_status": ["退款状态"],
        "refund_amount": ["退款金额"],
        "paid_at": ["订单付款时间"],
        "created_at": ["订单创建时间"],
    },
    REFUNDS: {
        "order_id": ["订单编号"],
        "refund_id": ["退款编号"],
        "sku": ["商家编码", "商品编码"],
        "status": ["退款状态"],
        "amount": ["买家退款金额", "退给买家金额", "退款总额"],
        "paid_amount": ["买家实际支付金额"],
        "finished_at": ["退款完结时间"],
        "requested_at": ["退款的申请时间"],
        "title": ["宝贝标题"],
    },
}
# What a file must have to be read as each kind; tried in this order (a lines file also has 订单编号 and 订单状态).
SIGNATURES = [
    (REFUNDS, ["退款编号", "退款状态"], [COLUMNS[REFUNDS]["amount"]]),
    (LINES, ["购买数量", "商家编码"], [["主订单编号", "订单编号"], ["标题", "商品标题"]]),
    (ORDERS, ["订单编号", "订单状态"], [COLUMNS[ORDERS]["paid_amount"]]),
]

# Order statuses, with their rank: a later export never moves an order back (an older file imported after a
# newer one leaves it as it is). Rank 4 is final.
UNPAID, PAID, PART_SHIPPED, SHIPPED, FINAL = 0, 1, 2, 3, 4
STATUSES = {
    "等待买家付款": (UNPAID, False),
    "买家已付款，等待卖家发货": (PAID, True),
    "卖家部分发货": (PART_SHIPPED, True),
    "卖家已发货，等待买家确认": (SHIPPED, True),
    "买家已签收": (SHIPPED, True),
    "交易成功": (FINAL, True),
    "交易关闭": (FINAL, False),
    "交易被淘宝关闭": (FINAL, False),
}
# Who bought an order, where it goes and how it went (TaobaoOrder's fields of the same names): text cut to its
# field's length, or a moment. A blank cell never erases what an earlier export said (a later layout may lack the
# column, or mask it).
ORDER_TEXTS = {"buyer_nick": 100, "receiver_name": 100, "receiver_phone": 40, "address": 300, "carrier": 50,
               "waybill": 50}
ORDER_MOMENTS = ("shipped_at", "received_at")
ORDER_DETAILS = (*ORDER_TEXTS, *ORDER_MOMENTS)
REFUND_DONE = "退款成功"
REFERENCE = "淘宝 "  # an imported sale's reference: 淘宝 <order number>
# Column names in messages: lazy, so a row that is fine costs no translation lookup.
ORDER_NUMBER = gettext_lazy("Order number")
SUB_ORDER_NUMBER = gettext_lazy("Sub-order number")
QUANTITY = gettext_lazy("Quantity")
PRICE = gettext_lazy("Price")
AMOUNT_PAID = gettext_lazy("Amount paid")
REFUND = gettext_lazy("Refund")
PAY_TIME = gettext_lazy("Pay time")
ORDER_CREATED = gettext_lazy("Order created")
TOTAL = gettext_lazy("Total")
REFUND_NUMBER = gettext_lazy("Refund number")
REFUND_FINISHED = gettext_lazy("Refund finished")
REFUND_REQUESTED = gettext_lazy("Refund requested")
MOMENT_LABELS = {"shipped_at": gettext_lazy("Ship time"), "received_at": gettext_lazy("Receipt confirmed")}
ID = re.compile(r"\d{6,25}")
SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+")
NO_REFUND = {"无退款申请", "没有申请退款", "-", "无"}


@dataclass
class Problem:
    row: int
    reason: str
    ref: str = ""


def detect(path, *, name):
    """(kind, Table) of the file at `path`: whichever export's columns it has. Refuses a file that is none."""
    closest = None
    for kind, required, any_of in SIGNATURES:
        optional = [column for names in COLUMNS[kind].values() for column in names]
        try:
            return kind, open_table(path, name=name, required=required, optional=optional, any_of=any_of)
        except ColumnsMissing as error:  # perhaps another kind of export; a file that is no table is refused at once
            score = error.found - len(error.missing)  # it looks like this kind when it has most of its columns
            if score > 0 and (closest is None or score > closest[1].found - len(closest[1].missing)):
                closest = kind, error
    if closest:
        kind, nearest = closest
        raise TableRefused(_("%(file)s looks like a %(kind)s but lacks %(missing)s, so it cannot be imported. "
                             "Export it again from the seller centre with every column.")
                           % {"file": name, "kind": KIND_NAMES[kind], "missing": "、".join(nearest.missing)})
    raise TableRefused(_("%(file)s is not a Taobao/Tmall export this import knows: it was compared with the "
                         "订单报表 (订单编号, 订单状态, 买家实际支付金额), the 宝贝报表 (订单编号, 标题, 购买数量, "
                         "商家编码) and the 退款报表 (退款编号, 退款状态, 退款金额) and has the columns of none.")
                       % {"file": name})


def normalise_status(text):
    return text.replace(",", "，").replace(" ", "")


def status_of(text):
    """(rank, counts as sold) of an order status, or None for a status this import does not know."""
    return STATUSES.get(normalise_status(text))


def parse_id(text, label):
    """An order or refund number as text, or raise ValueError with the reason."""
    if not text:
        raise ValueError(_("%(label)s is empty.") % {"label": label})
    if SCIENTIFIC.fullmatch(text):
        raise ValueError(_("%(label)s %(value)s was turned into a number by Excel: its last digits are lost and "
                           "cannot be recovered. Import the file as the seller centre exported it.")
                         % {"label": label, "value": text})
    if not ID.fullmatch(text):
        raise ValueError(_("%(label)s “%(value)s” is not a Taobao number.") % {"label": label, "value": text})
    return text


CENT, LARGEST_AMOUNT = Decimal("0.01"), Decimal("9999999999.99")


def parse_amount(text, label, *, empty=None):
    """Yuan as Decimal: `0元`, `1,280.00`, `-` (nothing) and `无退款申请` (no refund) are what exports hold."""
    text = (text or "").replace("元", "").replace("¥", "").replace("￥", "").replace(",", "").strip()
    if not text or text in NO_REFUND:
        return empty
    try:
        amount = Decimal(text)
        if not amount.is_finite():  # "NaN" and "Infinity" parse as Decimals, but no amount is either
            raise InvalidOperation
        amount = amount.quantize(CENT)
    except InvalidOperation:
        raise ValueError(_("%(label)s “%(value)s” is not an amount.") % {"label": label, "value": text}) from None
    if amount < 0 or amount > LARGEST_AMOUNT:
        raise ValueError(_("%(label)s %(value)s is out of range.") % {"label": label, "value": amount})
    return amount


def parse_quantity(text, label):
    try:
        quantity = Decimal((text or "").strip())
    except InvalidOperation:
        raise ValueError(_("%(label)s “%(value)s” is not a number.") % {"label": label, "value": text}) from None
    if quantity != quantity.to_integral_value() or quantity < 1 or quantity > 100000:
        raise ValueError(_("%(label)s %(value)s is not a whole number of items.") % {"label": label, "value": text})
    return int(quantity)


DATE_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d",
                "%Y/%m/%d"]


def parse_moment(text, label):
    """A Shanghai moment: `2017-07-08 00:42:32`, or `2020/2/21 0:00` after an Excel re-save; empty is None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)  # the usual layout, parsed in C
    except ValueError:
        moment = None
    if moment is None:
        for layout in DATE_FORMATS:
            try:
                moment = datetime.datetime.strptime(text, layout)
            except ValueError:
                continue
            break
    if moment is None:
        raise ValueError(_("%(label)s “%(value)s” is not a date and time.") % {"label": label, "value": text})
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment.astimezone(SHANGHAI)


# (kind, a table's columns) -> (field, the column it is read from, or None)
_PLANS: dict[tuple[str, tuple[str, ...]], list[tuple[str, str | None]]] = {}


def _fields(kind, cells):
    """{field: text} for the kind's fields, read from whichever of its names the table has (found once per table's
    columns: every row of a table has the same)."""
    key = (kind, tuple(cells))
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = [(field, next((name for name in names if name in cells), None))
                              for field, names in COLUMNS[kind].items()]
        if len(_PLANS) > 100:
            _PLANS.clear()
            _PLANS[key] = plan
    return {field: cells[name] if name is not None else "" for field, name in plan}


def read_order(cells):
    raw = _fields(ORDERS, cells)
    status = status_of(raw["status"])
    if status is None:
        raise ValueError(_("Unknown order status “%(status)s”.") % {"status": raw["status"]})
    order = {
        "order_id": parse_id(raw["order_id"], ORDER_NUMBER),
        "status": normalise_status(raw["status"]),
        "rank": status[0],
        "sold": status[1],
        "paid_amount": parse_amount(raw["paid_amount"], AMOUNT_PAID),
        "total": parse_amount(raw["total"], TOTAL),
        "refund_amount": parse_amount(raw["refund_amount"], REFUND),
        "paid_at": parse_moment(raw["paid_at"], PAY_TIME),
        "created_at": parse_moment(raw["created_at"], ORDER_CREATED),
        "close_reason": raw["close_reason"][:100],
    }
    for name, length in ORDER_TEXTS.items():
        order[name] = raw[name][:length]
    for name in ORDER_MOMENTS:
        order[name] = parse_moment(raw[name], MOMENT_LABELS[name])
    return order


def read_line(cells):
    raw = _fields(LINES, cells)
    status = status_of(raw["status"]) if raw["status"] else None
    if raw["status"] and status is None:
        raise ValueError(_("Unknown order status “%(status)s”.") % {"status": raw["status"]})
    line = {
        "order_id": parse_id(raw["order_id"], ORDER_NUMBER),
        "sub_order_id": parse_id(raw["sub_order_id"], SUB_ORDER_NUMBER) if raw["sub_order_id"] else "",
        "title": raw["title"][:200],
        "properties": raw["properties"][:200],
        "sku": raw["sku"][:64],
        "quantity": parse_quantity(raw["quantity"], QUANTITY),
        "price": parse_amount(raw["price"], PRICE),
        "paid_amount": parse_amount(raw["paid_amount"], AMOUNT_PAID),
        "status": normalise_status(raw["status"]),
        "rank": status[0] if status else None,
        "sold": status[1] if status else None,
        "refund_status": raw["refund_status"][:30] if raw["refund_status"] not in NO_REFUND else "",
        "refund_amount": parse_amount(raw["refund_amount"], REFUND),
        "paid_at": parse_moment(raw["paid_at"], PAY_TIME),
        "created_at": parse_moment(raw["created_at"], ORDER_CREATED),
    }
    if line["paid_amount"] is None and line["price"] is not None:
        line["paid_amount"] = line["price"] * line["quantity"]  # 2017's 宝贝报表 has only the price
    if not line["sku"]:
        raise ValueError(_("The line “%(title)s” has no 商家编码: it cannot be matched to a product (never by its "
                           "title). Fill in the 商家编码 in the seller centre, or skip the row.")
                         % {"title": line["title"]})
    return line


def read_refund(cells):
    raw = _fields(REFUNDS, cells)
    return {
        "order_id": parse_id(raw["order_id"], ORDER_NUMBER),
        "refund_id": parse_id(raw["refund_id"], REFUND_NUMBER),
        "sku": raw["sku"][:64],
        "status": raw["status"].strip()[:30],
        "amount": parse_amount(raw["amount"], REFUND, empty=Decimal("0.00")),
        "paid_amount": parse_amount(raw["paid_amount"], AMOUNT_PAID),
        "finished_at": parse_moment(raw["finished_at"], REFUND_FINISHED),
        "requested_at": parse_moment(raw["requested_at"], REFUND_REQUESTED),
        "title": raw["title"][:200],
    }


def unknown_sku(sku, title):
    """Why a line whose 商家编码 no product has is refused."""
    return _("No product has the 商家编码 %(sku)s (line “%(title)s”): add the product or correct the code in the "
             "seller centre; a line is never matched by its title.") % {"sku": sku, "title": title}


READERS = {ORDERS: read_order, LINES: read_line, REFUNDS: read_refund}


def records(kind, table):
    """(row number, record or None, Problem or None) for each row of the table."""
    reader = READERS[kind]
    for number, cells in table.rows():
        try:
            yield number, reader(cells), None
        except ValueError as error:
            ref = cells.get("订单编号") or cells.get("主订单编号") or ""
            yield number, None, Problem(number, str(error), ref)
