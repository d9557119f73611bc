"""Read queries the finance pages, reports and jobs share. Sums are taken in the database as Decimal."""
import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, TruncMonth

from escalation.selectors import cases_about
from inventory import selectors as inventory_selectors
from inventory.models import Supplier
from tasks.selectors import tasks_about

from . import cycle_dates, rules
from .models import (
    Category,
    ClosedMonth,
    FinanceSettings,
    LedgerEntry,
    MonthlyTarget,
    PromotionRequest,
    SupplierCycle,
    first_of_month,
    next_month,
)

ZERO = Decimal("0.00")
MONEY_FIELD: "DecimalField[Any, Decimal]" = DecimalField(max_digits=14, decimal_places=2)


def cents(value: Decimal | int | float | str) -> Decimal:
    """A database sum as Decimal fen (SQLite hands back sums with a long tail of zeros)."""
    return Decimal(value).quantize(Decimal("0.01"))


def signed_amount() -> Case:
    """+amount for money in, −amount for money out."""
    return Case(When(direction=LedgerEntry.Direction.IN, then=F("amount")), default=-F("amount"),
                output_field=MONEY_FIELD)


def money_sum(expression: str | Combinable, **filters: Any) -> Coalesce:
    return Coalesce(Sum(expression, filter=Q(**filters) if filters else None), Value(ZERO), output_field=MONEY_FIELD)


def ledger(filters: dict[str, Any] | None = None) -> QuerySet[LedgerEntry]:
    """Entries matching the list page's filters, newest first, with what the page shows."""
    filters = filters or {}
    entries = LedgerEntry.objects.select_related("category", "recorded_by", "reverses", "reversed_by")
    if filters.get("since"):
        entries = entries.filter(date__gte=filters["since"])
    if filters.get("until"):
        entries = entries.filter(date__lte=filters["until"])
    if filters.get("category"):
        entries = entries.filter(category_id=filters["category"])
    if filters.get("group"):
        entries = entries.filter(category__group=filters["group"])
    if filters.get("direction"):
        entries = entries.filter(direction=filters["direction"])
    if filters.get("source"):
        entries = entries.filter(source=filters["source"])
    if filters.get("q"):
        text = filters["q"]
        entries = entries.filter(
            Q(counterparty__icontains=text) | Q(reference__icontains=text) | Q(note__icontains=text)
        )
    return entries.order_by("-date", "-pk")


def ledger_totals(entries: QuerySet[LedgerEntry]) -> dict[str, Any]:
    """Money in, money out and the balance of a set of entries, in one query."""
    totals = entries.order_by().aggregate(
        money_in=money_sum("amount", direction=LedgerEntry.Direction.IN),
        money_out=money_sum("amount", direction=LedgerEntry.Direction.OUT),
        count=Coalesce(Sum(Value(1)), 0),
    )
    totals["money_in"], totals["money_out"] = cents(totals["money_in"]), cents(totals["money_out"])
    totals["balance"] = totals["money_in"] - totals["money_out"]
    return totals


def entry_page(pk: int) -> LedgerEntry:
    return LedgerEntry.objects.select_related("category", "recorded_by", "reverses", "reversed_by").get(pk=pk)


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("order", "pk")


def promotion_channels() -> QuerySet[Category]:
    return active_categories().filter(group=Category.Group.PROMOTION)


def closed_months() -> set[datetime.date]:
    return set(ClosedMonth.objects.filter(closed=True).values_list("month", flat=True))


def is_closed(day: datetime.date) -> bool:
    return ClosedMonth.objects.filter(month=first_of_month(day), closed=True).exists()


def months_overview(today: datetime.date, count: int = 12) -> list[dict[str, Any]]:
    """The last `count` months before this one with their books' state and their entries' totals:
    [{"month", "row" (ClosedMonth or None), "money_in", "money_out", "count"}], newest first."""
    first = first_of_month(today)
    months = []
    month = first
    for _step in range(count):
        month = first_of_month(month - datetime.timedelta(days=1))
        months.append(month)
    rows = {row.month: row for row in ClosedMonth.objects.filter(month__in=months).select_related("changed_by")}
    sums = {
        row["month"]: row
        for row in LedgerEntry.objects.filter(date__gte=months[-1], date__lt=first)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(
            money_in=money_sum("amount", direction=LedgerEntry.Direction.IN),
            money_out=money_sum("amount", direction=LedgerEntry.Direction.OUT),
            count=Coalesce(Sum(Value(1)), 0),
        )
        .order_by()
    }
    result = []
    for month in months:
        found = sums.get(month, {})
        result.append({
            "month": month, "row": rows.get(month), "closed": bool(rows.get(month) and rows[month].closed),
            "money_in": cents(found.get("money_in", ZERO)), "money_out": cents(found.get("money_out", ZERO)),
            "count": found.get("count", 0),
        })
    return result


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """[first day, first day of next month)."""
    month = first_of_month(month)
    return month, next_month(month)


# --- promotion spend ---------------------------------------------------------------------------------------


def visible_requests(user: User) -> QuerySet[PromotionRequest]:
    """Finance and the shop manager see every request; marketing its own."""
    requests = PromotionRequest.objects.select_related("channel", "requested_by", "decided_by", "case")
    if rules.keeps_the_books(user):
        return requests
    return requests.filter(requested_by=user)


def request_list(user: User, *, status: str = "") -> QuerySet[PromotionRequest]:
    requests = visible_requests(user)
    if status == "open":
        requests = requests.filter(status__in=PromotionRequest.OPEN)
    elif status in PromotionRequest.Status.values:
        requests = requests.filter(status=status)
    return requests.order_by("-requested_at", "-pk")


def request_page(pk: int, user: User) -> tuple[PromotionRequest, list[Any]]:
    """The request if `user` may see it (else PromotionRequest.DoesNotExist), with its history."""
    request = visible_requests(user).select_related("paid_entry", "post", "case__current_post").get(pk=pk)
    history = list(request.history.select_related("history_user").order_by("history_date", "history_id"))
    return request, history


def promotion_budget(month: datetime.date) -> dict[str, Any]:
    """Marketing's budget for `month`: {"budget" (0: none set), "spent" (promotion entries in the ledger dated in
    the month, net of reversals), "committed" (approved, not yet paid), "remaining" (None without a budget)}."""
    start, end = month_bounds(month)
    spent = -cents(LedgerEntry.objects.filter(
        category__group=Category.Group.PROMOTION, date__gte=start, date__lt=end
    ).aggregate(total=money_sum(signed_amount()))["total"])
    committed = cents(PromotionRequest.objects.filter(
        status=PromotionRequest.Status.APPROVED, start__lt=end, end__gte=start
    ).aggregate(total=money_sum(Coalesce("approved_amount", "amount")))["total"])
    # Read, not created: a page that only shows the budget writes nothing (the dashboard's queries stay flat).
    settings = FinanceSettings.objects.filter(pk=1).first() or FinanceSettings(pk=1)
    budget = settings.monthly_promotion_budget
    return {
        "month": start, "budget": budget, "spent": spent, "committed": committed,
        "remaining": budget - spent - committed if budget else None, "limit": settings.promotion_approval_limit,
    }


def budget_left(month: datetime.date) -> Decimal | None:
    """What is left of marketing's promotion budget for `month` (paid and approved spend taken off; negative
    after an override), or None when no budget is set. The one figure every page, panel and check uses."""
    return promotion_budget(month)["remaining"]


def request_months(request: PromotionRequest) -> list[datetime.date]:
    """The first day of each month a promotion request runs in (its spend counts against each)."""
    month, last = month_bounds(request.start)[0], month_bounds(request.end)[0]
    months = []
    while month <= last:
        months.append(month)
        month = month_bounds(month)[1]
    return months


def budget_for(request: PromotionRequest, amount: Decimal | None = None) -> dict[str, Any]:
    """What is left of the budget of the tightest month `request` runs in, before and after spending `amount`
    (default: what it would spend: what was asked, or what was approved once it was): {"month", "before",
    "after", "over"} (before/after None without a budget; after is before once the request is counted)."""
    amount = request.spend if amount is None else amount
    counted = request.status in PromotionRequest.COMMITTED
    best: dict[str, Any] | None = None
    for month in request_months(request):
        left = budget_left(month)
        if left is None:
            continue
        before = left + amount if counted else left
        if best is None or before - amount < best["after"]:
            best = {"month": month, "before": before, "after": before - amount}
    if best is None:
        return {"month": month_bounds(request.start)[0], "before": None, "after": None, "over": False}
    return {**best, "over": best["after"] < 0}


def flag_over_budget(requests: Iterable[PromotionRequest]) -> Iterable[PromotionRequest]:
    """Mark each open request of a list page with `budget_after`: what its tightest month would have left if it
    were approved in full (None without a budget); `over_budget` when that is below zero. Each month's figure
    is read once."""
    lefts: dict[datetime.date, Decimal | None] = {}
    for request in requests:
        request.budget_after, request.over_budget = None, False
        if request.status not in PromotionRequest.OPEN:
            continue
        for month in request_months(request):
            if month not in lefts:
                lefts[month] = budget_left(month)
            left = lefts[month]
            if left is not None:
                after = left - request.amount
                request.budget_after = after if request.budget_after is None else min(after, request.budget_after)
        request.over_budget = request.budget_after is not None and request.budget_after < 0
    return requests


def target_rows() -> QuerySet[MonthlyTarget]:
    return MonthlyTarget.objects.select_related("set_by").order_by("-month")[:24]


# --- the supplier cycle ------------------------------------------------------------------------------------


def cycles_overview(today: datetime.date) -> dict[str, Any]:
    """This month's cycle (last month's report) for every supplier with products, and the recent ones:
    {"month", "current": [(supplier, cycle or None)], "recent": [cycles], "warning": dict or None}."""
    month = cycle_dates.report_month(today)
    calendar = cycle_dates.finance_calendar()  # one calendar (and its queries) for the build day and the warning
    cycles = {c.supplier_id: c for c in SupplierCycle.objects.filter(month=month).select_related("supplier")}
    suppliers = Supplier.objects.filter(products__isnull=False).distinct().order_by("name")
    recent = (SupplierCycle.objects.filter(month__lt=month).select_related("supplier")
              .order_by("-month", "supplier__name")[:24])
    return {
        "month": month, "window": cycle_dates.window_of(month),
        "build_day": cycle_dates.build_day(month, calendar),
        "current": [(supplier, cycles.get(supplier.pk)) for supplier in suppliers],
        "recent": list(recent), "warning": cycle_dates.holiday_warning(month, calendar),
    }


def cycle_page(pk: int) -> dict[str, Any]:
    cycle = SupplierCycle.objects.select_related(
        "supplier", "built_by", "sent_by", "settled_by", "settlement_entry", "invoice_by"
    ).get(pk=pk)
    steps = list(cycle.steps.select_related("post"))
    for step in steps:
        step.tasks = list(tasks_about(step))
    history = list(cycle.history.select_related("history_user").order_by("history_date", "history_id"))
    return {"cycle": cycle, "steps": steps, "cases": list(cases_about(cycle)), "history": history}


def taobao_money_waiting() -> dict[str, Any]:
    """{"count", "oldest"} of the Taobao imports whose money is not booked yet (inventory's booking outbox)."""
    return inventory_selectors.taobao_money_waiting()
