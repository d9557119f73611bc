"""The management reports (monthly, quarterly, yearly) as figures: reads only, aggregated in the database as
Decimal, shared by the report page, its Excel file, the command and the monthly job.

Everything money comes from the ledger (so a report's totals equal the ledger's to the cent); quantities and the
gross margin by product come from the inventory ledger's sale and return moves (inventory.selectors.product_sales:
money as sold less returns, and net quantity × cost).
"""
import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory import selectors as inventory_selectors
from shopteam import excel as xlsx

from .models import Category, FixedCost, LedgerEntry, MonthlyTarget, PromotionRequest, next_month
from .selectors import ZERO, cents, money_sum, signed_amount

CENT = Decimal("0.01")
KINDS = {"month": gettext_lazy("Monthly report"), "quarter": gettext_lazy("Quarterly report"),
         "year": gettext_lazy("Yearly report")}


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year
    start: datetime.date
    end: datetime.date  # exclusive

    @classmethod
    def month(cls, day):
        start = day.replace(day=1)
        return cls("month", start, next_month(start))

    @classmethod
    def quarter(cls, year, number):
        start = datetime.date(year, 3 * (number - 1) + 1, 1)
        end = start
        for _step in range(3):
            end = next_month(end)
        return cls("quarter", start, end)

    @classmethod
    def year(cls, year):
        return cls("year", datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))

    @classmethod
    def parse(cls, text):
        """'2026-03', '2026-Q1' or '2026'; None for anything else."""
        text = (text or "").strip().upper()
        try:
            if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
                return cls.month(datetime.date(int(match[1]), int(match[2]), 1))
            if match := re.fullmatch(r"(\d{4})-?Q([1-4])", text):
                return cls.quarter(int(match[1]), int(match[2]))
            if re.fullmatch(r"\d{4}", text):
                return cls.year(int(text))
        except ValueError:
            return None
        return None

    @property
    def code(self):
        if self.kind == "month":
            return self.start.strftime("%Y-%m")
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def label(self):
        return f"{KINDS[self.kind]} {self.code}"

    def previous(self):
        if self.kind == "month":
            return Period.month(self.start - datetime.timedelta(days=1))
        if self.kind == "quarter":
            day = self.start - datetime.timedelta(days=1)
            return Period.quarter(day.year, (day.month - 1) // 3 + 1)
        return Period.year(self.start.year - 1)

    def next(self):
        if self.kind == "month":
            return Period.month(self.end)
        if self.kind == "quarter":
            return Period.quarter(self.end.year, (self.end.month - 1) // 3 + 1)
        return Period.year(self.start.year + 1)

    def months(self):
        month, found = self.start, []
        while month < self.end:
            found.append(month)
            month = next_month(month)
        return found

    def days(self):
        return [self.start + datetime.timedelta(days=n) for n in range((self.end - self.start).days)]


def ratio(part, whole):
    """part / whole as a Decimal to 4 places (0.2534 = 25.34%), or None when there is nothing to divide by."""
    if whole is None or part is None or whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def change(now, before):
    return {"before": before, "difference": now - before, "ratio": ratio(now - before, before)}


def _entries(period):
    return LedgerEntry.objects.filter(date__gte=period.start, date__lt=period.end)


def by_category(period):
    """{category id: signed total} of the period, one query."""
    rows = _entries(period).values("category_id").annotate(total=money_sum(signed_amount())).order_by()
    return {row["category_id"]: cents(row["total"]) for row in rows}


def _totals(period, categories):
    """The headline figures of a period from one aggregate by category."""
    sums = by_category(period)
    income = sum((sums.get(c.pk, ZERO) for c in categories if c.kind == Category.Kind.INCOME), ZERO)
    expense = -sum((sums.get(c.pk, ZERO) for c in categories if c.kind == Category.Kind.EXPENSE), ZERO)
    group = {}
    for c in categories:
        group[c.group] = group.get(c.group, ZERO) + sums.get(c.pk, ZERO)
    sales = group.get(Category.Group.SALES, ZERO)
    refunds = -group.get(Category.Group.REFUNDS, ZERO)
    return sums, {
        "income": income, "expense": expense, "net": income - expense, "sales": sales, "refunds": refunds,
        "net_sales": sales - refunds, "promotion": -group.get(Category.Group.PROMOTION, ZERO),
    }


def month_targets(period):
    """{month: the shop manager's sales target} of the period's months that have one."""
    return dict(MonthlyTarget.objects.filter(month__in=period.months()).values_list("month", "sales_target"))


def target_for(period, targets):
    """The sum of the months' targets and how many of the period's months have one."""
    amounts = list(targets.values())
    return {"amount": sum(amounts, ZERO) if amounts else None, "months_set": len(amounts),
            "months": len(period.months())}


def daily_sales(period):
    """{date: net Taobao sales (sales less refunds)} of the period, one query."""
    rows = (
        _entries(period).filter(category__group__in=[Category.Group.SALES, Category.Group.REFUNDS])
        .values("date").annotate(total=money_sum(signed_amount())).order_by()
    )
    return {row["date"]: cents(row["total"]) for row in rows}


def monthly_series(period, days, targets):
    """[(month, net sales, target or None)] for every month of the period, from its daily net sales."""
    sales = {}
    for day, total in days.items():
        month = day.replace(day=1)
        sales[month] = sales.get(month, ZERO) + total
    return [(month, sales.get(month, ZERO), targets.get(month)) for month in period.months()]


def promotion_roi(period, sums, categories, days):
    """Per paid channel: spend in the ledger, and the net sales made on the days its paid requests ran.

    Taobao's sales are not attributed to a channel in the order export, so a channel's return is read as the
    sales of its campaign days (the days of its paid requests within the period) per yuan spent; days shared by
    two channels count for both. The shop's overall figure is the period's net sales per yuan of promotion.
    """
    channels = [c for c in categories if c.group == Category.Group.PROMOTION]
    campaign_days = {c.pk: set() for c in channels}
    running = PromotionRequest.objects.filter(
        status=PromotionRequest.Status.PAID, start__lt=period.end, end__gte=period.start
    ).values_list("channel_id", "start", "end")
    for channel_id, start, end in running:
        day = max(start, period.start)
        while day <= end and day < period.end:
            campaign_days.setdefault(channel_id, set()).add(day)
            day += datetime.timedelta(days=1)
    rows = []
    for channel in channels:
        spend = -sums.get(channel.pk, ZERO)
        sales = sum((days.get(day, ZERO) for day in campaign_days.get(channel.pk, ())), ZERO)
        if spend or sales:
            rows.append({"channel": channel, "spend": spend, "days": len(campaign_days.get(channel.pk, ())),
                         "campaign_sales": sales, "roi": ratio(sales, spend)})
    return rows


class MarginRow(dict):
    """A product's line of the gross margin; its "margin_rate" is worked out when it is read (the page shows 20
    of thousands of products)."""

    def __missing__(self, key):
        if key != "margin_rate":
            raise KeyError(key)
        return ratio(self["margin"], self["price_amount"])


def gross_margin(period):
    """Per product sold in the period (every supplier): net quantity, money as sold, cost, margin and rate;
    highest margin first, then by SKU. From the inventory ledger's sale and return moves."""
    rows = [MarginRow(row, margin=row["price_amount"] - row["cost_amount"])
            for row in inventory_selectors.product_sales(start=period.start, end=period.end)]  # by SKU
    rows.sort(key=itemgetter("margin"), reverse=True)  # stable: equal margins stay in SKU order
    return rows


def fixed_costs_for(period, sums, categories):
    """Document 004's yearly tool costs against the tools the ledger shows paid (yearly report only)."""
    if period.kind != "year":
        return None
    budget = cents(FixedCost.objects.filter(active=True).aggregate(total=money_sum("yearly_amount"))["total"])
    tools = [c for c in categories if c.group == Category.Group.TOOLS]
    paid = -sum((sums.get(c.pk, ZERO) for c in tools), ZERO)
    return {"budget": budget, "paid": paid, "lines": list(FixedCost.objects.filter(active=True))}


def management_report(period, *, with_margin=True):
    """Every figure of the report for `period`, compared with the previous period and the sales target."""
    categories = list(Category.objects.order_by("order", "pk"))
    sums, totals = _totals(period, categories)
    _previous_sums, previous = _totals(period.previous(), categories)
    lines = []
    for category in categories:
        total = sums.get(category.pk)
        if total is None:
            continue
        amount = total if category.kind == Category.Kind.INCOME else -total
        lines.append({"category": category, "kind": category.kind, "amount": amount})
    targets = month_targets(period)
    target = target_for(period, targets)
    days = daily_sales(period)
    margin = gross_margin(period) if with_margin else []
    margin_totals = {"price_amount": ZERO, "cost_amount": ZERO}
    for row in margin:
        margin_totals["price_amount"] += row["price_amount"]
        margin_totals["cost_amount"] += row["cost_amount"]
    margin_totals["margin"] = margin_totals["price_amount"] - margin_totals["cost_amount"]
    margin_totals["margin_rate"] = ratio(margin_totals["margin"], margin_totals["price_amount"])
    return {
        "period": period,
        "totals": totals,
        "previous": {key: change(value, previous[key]) for key, value in totals.items()},
        "previous_period": period.previous(),
        "income": [line for line in lines if line["kind"] == Category.Kind.INCOME],
        "expense": [line for line in lines if line["kind"] == Category.Kind.EXPENSE],
        "target": {**target, "reached": ratio(totals["net_sales"], target["amount"])},
        "promotion": promotion_roi(period, sums, categories, days),
        "promotion_roi": ratio(totals["net_sales"], totals["promotion"]),
        "margin": margin,
        "margin_totals": margin_totals,
        "monthly": monthly_series(period, days, targets),
        "daily": days,
        "fixed_costs": fixed_costs_for(period, sums, categories),
        "refunds_from_orders": taobao_refunds_from_orders(period),
    }


def taobao_refunds_from_orders(period):
    """The part of the period's Taobao refunds that came from the 订单报表's 退款金额 (dated by pay day)."""
    from inventory import selectors as inventory_selectors

    return inventory_selectors.taobao_refunds_from_orders(start=period.start, end=period.end)


SUMMARY_KEYS = ("income", "expense", "net", "sales", "refunds", "net_sales", "promotion")


def summary(report):
    """The headline figures as text (JSON-safe, exact): what the monthly job keeps with the report it sent."""
    return {key: str(report["totals"][key]) for key in SUMMARY_KEYS} | {
        "target": str(report["target"]["amount"]) if report["target"]["amount"] is not None else None,
        "margin": str(report["margin_totals"]["margin"]),
    }


def excel(report, book=None):
    """The report as a workbook (write-only): summary, categories, promotion, gross margin, months."""

    book = book or xlsx.workbook()
    period = report["period"]
    totals, previous = report["totals"], report["previous"]
    names = {"income": _("Income"), "expense": _("Expense"), "net": _("Income less expense"),
             "sales": _("Taobao sales"), "refunds": _("Taobao refunds"), "net_sales": _("Net sales"),
             "promotion": _("Promotion spend")}
    sheet = xlsx.Sheet(book, _("Summary"), [
        str(period.label), period.code, _("Previous period") + f" {report['previous_period'].code}", _("Difference"),
        _("Difference %"),
    ], widths=[18, 16, 18, 14, 10])
    for key in SUMMARY_KEYS:
        rate = previous[key]["ratio"]
        sheet.row([names[key], totals[key], previous[key]["before"], previous[key]["difference"],
                   _percent(rate)])
    target = report["target"]
    sheet.row([])
    sheet.row([_("Sales target"), target["amount"] if target["amount"] is not None else _("not set"),
               _("months with a target: %(set)s of %(all)s") % {"set": target["months_set"], "all": target["months"]}])
    sheet.row([_("Target reached"), _percent(target["reached"])])
    sheet.row([_("Net sales per yuan of promotion"), report["promotion_roi"]])
    if report["fixed_costs"]:
        sheet.row([_("Yearly tool costs (document 004)"), report["fixed_costs"]["budget"]])
        sheet.row([_("Tools paid (ledger)"), report["fixed_costs"]["paid"]])

    sheet = xlsx.Sheet(book, _("By category"), [_("Income or expense"), _("Category"), _("Amount (CNY)")],
                     widths=[10, 22, 14])
    for line in report["income"] + report["expense"]:
        sheet.row([str(Category.Kind(line["kind"]).label), str(line["category"]), line["amount"]])
    sheet.row([_("Income total"), "", totals["income"]], bold=True)
    sheet.row([_("Expense total"), "", totals["expense"]], bold=True)

    sheet = xlsx.Sheet(book, _("Promotion"), [_("Channel"), _("Spend"), _("Campaign days"), _("Sales on campaign days"),
                                            _("Sales per yuan")], widths=[20, 14, 10, 18, 12])
    for row in report["promotion"]:
        sheet.row([str(row["channel"]), row["spend"], row["days"], row["campaign_sales"], row["roi"]])

    sheet = xlsx.Sheet(book, _("Gross margin"), [
        _("SKU (商家编码)"), _("Product"), _("Supplier"), _("Sold"), _("Returned"), _("Net"), _("Amount at price"),
        _("Amount at cost"), _("Gross margin"), _("Margin %"),
    ], widths=[16, 30, 12, 8, 8, 8, 14, 14, 14, 10])
    for row in report["margin"]:
        sheet.row([row["sku"], row["name"], row["supplier"], row["sold"], row["returned"], row["net"],
                   row["price_amount"], row["cost_amount"], row["margin"], _percent(row["margin_rate"])])
    margin = report["margin_totals"]
    sheet.row([_("Total"), "", "", "", "", "", margin["price_amount"], margin["cost_amount"], margin["margin"],
               _percent(margin["margin_rate"])], bold=True)

    sheet = xlsx.Sheet(book, _("By month"), [_("Month"), _("Net sales"), _("Sales target")], widths=[10, 14, 14])
    for month, sales, month_target in report["monthly"]:
        sheet.row([month.strftime("%Y-%m"), sales, month_target])
    return book


def _percent(rate):
    return xlsx.Percent(rate)


def supplier_rows(cycle_or_none, supplier, month):
    """The rows of a supplier's report: as built on its cycle, else computed now from the inventory ledger."""
    if cycle_or_none is not None and cycle_or_none.is_built:
        return cycle_or_none.rows
    rows = inventory_selectors.supplier_sales(supplier, start=month, end=next_month(month))
    return [{**row, "cost_amount": str(row["cost_amount"]), "price_amount": str(row["price_amount"])} for row in rows]


def supplier_excel(sheets, book=None):
    """The supplier's sales report with Chinese headers (it goes to 食草堂): one sheet per (supplier, month,
    rows), amounts as numbers to the cent, a totals row."""
    from django.utils import translation


    book = book or xlsx.workbook()
    with translation.override("zh-hans"):
        for supplier, month, rows in sheets:
            sheet = xlsx.Sheet(book, f"{supplier.name} {month:%Y-%m}", [
                _("SKU (商家编码)"), _("Product"), _("Sold"), _("Returned"), _("Net"), _("Amount at cost"),
                _("Amount at price"),
            ], widths=[18, 34, 10, 10, 10, 14, 14])
            totals = [0, 0, 0, ZERO, ZERO]
            for row in rows:
                cost, price = Decimal(row["cost_amount"]), Decimal(row["price_amount"])
                sheet.row([row["sku"], row["name"], row["sold"], row["returned"], row["net"], cost, price])
                totals = [totals[0] + row["sold"], totals[1] + row["returned"], totals[2] + row["net"],
                          totals[3] + cost, totals[4] + price]
            sheet.row([_("Total"), "", *totals], bold=True)
    return book
