"""The export's rules for an order's lines, in Python (the staged path's SQL in `inventory.staging` follows them):
what a line counts as sold, when a status replaces the known one, what a line's state is, and which line a refund
is about.
"""

from .. import taobao

# --- the state of orders, lines and refunds ----------------------------------------------------------------


def fully_refunded(line):
    """A successful refund covering what the line cost: the goods are not sold. A partial refund, or a request
    that was closed, reverses nothing (the export's money already nets it)."""
    if line.refund_status != taobao.REFUND_DONE or not line.refund_amount:
        return False
    return line.paid_amount is not None and line.refund_amount >= line.paid_amount


def target_of(line, order):
    """How many of the line's items count as sold."""
    if order.sold is False:  # the 订单报表 says unpaid or closed
        return 0
    line_status = taobao.status_of(line.status) if line.status else None
    if line_status == taobao.STATUSES["交易关闭"]:  # a line closed inside a paid or finished order
        return 0
    if fully_refunded(line):
        return 0
    if order.sold or (line_status is not None and line_status[1]):
        return line.quantity
    return 0


def newer(rank, known_rank):
    """A status from an export replaces the known one unless the known one is further along (an older file
    imported after a newer one never moves an order back)."""
    return known_rank is None or rank is None or rank >= known_rank


# An order's line is known across exports by its key: `sub:<子订单编号>`, or, in a layout without 子订单编号,
# `<商家编码|properties|title, cut to LINE_BASE_LENGTH>#<its place among the order's lines with that base>`.
SUB_KEY, NTH, BETWEEN, LINE_BASE_LENGTH = "sub:", "#", "|", 90


def line_base(sku, properties, title):
    """What tells apart the lines of an order without 子订单编号 (`line_key`)."""
    return BETWEEN.join((sku, properties, title))[:LINE_BASE_LENGTH]


def line_key(sub_order_id, base, place):
    """The line's key: by its 子订单编号, else its `line_base` and its place (1, 2, …) among the order's lines
    with that base, in the file's order. (`staging.sql.line_key_sql` is its twin.)"""
    return f"{SUB_KEY}{sub_order_id}" if sub_order_id else f"{base}{NTH}{place}"


def refund_given(rec):
    """Whether a 宝贝报表 row says anything of the line's refund: then it replaces what the shop knew."""
    return bool(rec["refund_status"]) or rec["refund_amount"] is not None


LINE_STATE = ["sub_order_id", "sku", "title", "properties", "quantity", "product_id", "paid_amount", "paid_at",
              "status", "refund_status", "refund_amount", "target"]


def line_state(line):
    return tuple(getattr(line, name) for name in LINE_STATE)


def line_for_refund(order_id, sku, subs, by_order):
    """The line a refund is about: by 子订单编号 (the refund report's 订单编号 is the sub-order's), else the
    only line of the order, else the order's one line with that 商家编码."""
    if order_id in subs:
        return subs[order_id]
    lines = by_order.get(order_id, [])
    if len(lines) == 1:
        return lines[0]
    matching = [line for line in lines if sku and line.sku == sku]
    return matching[0] if len(matching) == 1 else None
