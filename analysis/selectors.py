"""The shop's figures per period and document 004's staffing advice: reads only, aggregated in the database.

Sales, refunds and paid orders are read through `inventory.selectors.taobao_daily_money`, the reading finance books
its Taobao entries from, so the figures here and the month reports agree: sales as exported (the 买家实际支付金额
of the orders counted as sold, by pay date; the export already nets refunds), refunds as finance books them (the
退款报表's successful refunds by the day they finished, else the 订单报表's 退款金额 by pay day).
"""
import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Coalesce

from inventory import selectors as inventory_selectors
from inventory.models import TaobaoOrder, TaobaoOrderLine
from inventory.taobao import STATUSES
from roles.models import Assignment

from .models import StaffingRole, StaffingThreshold
from .periods import Period

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
STAFFING_DAYS = 30
# Line statuses of lines that sell nothing (交易关闭 inside a finished order).
UNSOLD_LINE_STATUSES = [status for status, (_rank, sold) in STATUSES.items() if not sold]
MONEY_KEYS = ("sales", "refunds", "average_order_value")
COUNT_KEYS = ("orders", "paid_orders", "buyers", "units")


def ratio(part: Decimal | int | None, whole: Decimal | int | None) -> Decimal | None:
    """part / whole to 4 places (0.2534 = 25.34%), or None when there is nothing to divide by."""
    if part is None or whole is None or whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def shop_figures(period: Period) -> dict[str, Any]:
    """The period's figures, in five queries at any number of orders:

    orders (placed in the period, by 下单时间, or pay time where the export has none), paid_orders (counted as
    sold — paid, shipped or finished — by pay date), buyers (distinct 买家会员名 of the paid orders; None when the
    export names no buyer), sales, refunds, average_order_value (客单价 = sales ÷ paid orders, to the cent; None
    without paid orders), units (of the paid orders' lines, a closed line not), refund_rate (refunds ÷ (sales +
    refunds), the share of what buyers paid that went back)."""
    days = inventory_selectors.taobao_daily_money(start=period.start, end=period.end)
    sales = sum((day["kept"] for day in days), ZERO)
    refunds = sum((day["refunds"] for day in days), ZERO)
    paid_orders = sum(day["orders"] for day in days)
    since, until = inventory_selectors.day_range(period.start, period.end)
    placed = Q(placed_at__gte=since, placed_at__lt=until) | Q(placed_at=None, paid_at__gte=since, paid_at__lt=until)
    paid = Q(sold=True, paid_at__gte=since, paid_at__lt=until)
    counts = TaobaoOrder.objects.filter(Q(from_order_report=True) & (placed | paid)).aggregate(
        orders=Count("pk", filter=placed),
        buyers=Count("buyer_nick", distinct=True, filter=paid & ~Q(buyer_nick="")),
    )
    units = TaobaoOrderLine.objects.filter(
        order__from_order_report=True, order__sold=True, order__paid_at__gte=since, order__paid_at__lt=until,
    ).exclude(status__in=UNSOLD_LINE_STATUSES).aggregate(units=Coalesce(Sum("quantity"), 0))["units"]
    average = (sales / paid_orders).quantize(CENT, rounding=ROUND_HALF_UP) if paid_orders else None
    return {
        "orders": counts["orders"],
        "paid_orders": paid_orders,
        "buyers": counts["buyers"] if counts["buyers"] or not paid_orders else None,
        "sales": sales,
        "refunds": refunds,
        "average_order_value": average,
        "units": units,
        "refund_rate": ratio(refunds, sales + refunds),
    }


def _change(now: Any, before: Any) -> dict[str, Any]:
    if now is None or before is None:
        return {"before": before, "difference": None, "ratio": None}
    return {"before": before, "difference": now - before, "ratio": ratio(now - before, before)}


FIGURES = ("orders", "paid_orders", "buyers", "sales", "refunds", "average_order_value", "units", "refund_rate")


def figures_report(period: Period) -> dict[str, Any]:
    """The period's figures, each beside the previous period's and the same period's a year earlier."""
    now = shop_figures(period)
    previous, last_year = period.previous(), period.last_year()
    before, year_ago = shop_figures(previous), shop_figures(last_year)
    return {
        "period": period, "previous_period": previous, "last_year_period": last_year,
        "figures": now,
        "rows": [{"key": key, "value": now[key], "previous": _change(now[key], before[key]),
                  "last_year": _change(now[key], year_ago[key])} for key in FIGURES],
    }


def figures_json(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as JSON-safe values: amounts as text with two decimals, counts as numbers."""
    found: dict[str, Any] = {}
    for key, value in figures.items():
        if key in MONEY_KEYS:
            found[key] = None if value is None else f"{value:.2f}"
        elif key == "refund_rate":
            found[key] = None if value is None else str(value)
        else:
            found[key] = value
    return found


# Staffing advice (document 004)

def paid_orders_per_day(on: datetime.date, days: int = STAFFING_DAYS) -> list[tuple[datetime.date, int]]:
    """[(date, paid orders)] of the `days` days before `on` (not `on` itself, which is not over yet), every day
    listed, a day without orders as 0."""
    start = on - datetime.timedelta(days=days)
    counts = {row["date"]: row["orders"] for row in inventory_selectors.taobao_daily_money(start=start, end=on)}
    return [(day, counts.get(day, 0)) for day in (start + datetime.timedelta(days=n) for n in range(days))]


def staffing_advice(on: datetime.date) -> dict[str, Any]:
    """Document 004's rule at the last 30 days' average of paid orders a day: per role, how many people its
    thresholds reached add (`extra`) and how many hold its posts today (`held`: a person holding two of the
    role's posts counts twice, one holding posts of two roles counts in both), in a fixed number of queries."""
    trend = paid_orders_per_day(on)
    average = (Decimal(sum(count for _day, count in trend)) / len(trend)).quantize(CENT, rounding=ROUND_HALF_UP)
    current = Assignment.objects.current(on)
    roles = StaffingRole.objects.prefetch_related(
        Prefetch("thresholds", queryset=StaffingThreshold.objects.order_by("orders_per_day", "pk")),
    ).annotate(held=Count("posts__assignments", filter=Q(posts__assignments__in=current), distinct=True))
    posts = dict(StaffingRole.posts.through.objects.values_list("staffingrole_id").annotate(n=Count("post_id")))
    advice = []
    for role in roles:
        reached = [t for t in role.thresholds.all() if average >= t.orders_per_day]
        upcoming = next((t for t in role.thresholds.all() if average < t.orders_per_day), None)
        advice.append({"role": role.code, "label": role.get_code_display(), "extra": sum(t.extra for t in reached),
                       "held": role.held, "posts": posts.get(role.pk, 0),
                       "thresholds": list(role.thresholds.all()), "next": upcoming})
    return {"on": on, "orders_per_day": average, "trend": trend, "advice": advice}


def staffing_json(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "on": report["on"].isoformat(),
        "orders_per_day": float(report["orders_per_day"]),
        "days": [{"date": day.isoformat(), "paid_orders": count} for day, count in report["trend"]],
        "advice": [{"role": row["role"], "extra": row["extra"], "held": row["held"]} for row in report["advice"]],
    }
