"""What the shipping desk reads: the orders to pack, the pick list, the flags, the problem parcels, and the
per-person monthly counts that pay and assessment read. Reads only; the writes are in shipping.services."""
from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum

from inventory import taobao
from inventory.models import Stocktake, TaobaoImport, TaobaoOrder, TaobaoOrderLine
from roles import selectors as roles_selectors
from shopteam.periods import month_moments

from .models import (
    PackingProblem,
    Parcel,
    ProblemParcel,
    ShippingSettings,
    StocktakeLossDecision,
    StoreroomIncident,
)

PRODUCT = "product"
CUSTOMER_SERVICE = "customer-service"
Person = User | AnonymousUser


# --- who ---------------------------------------------------------------------------------------------------

def works_the_desk(user: Person) -> bool:
    """The shipping desk: the product group (产品组), the shop manager and the admins."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or roles_selectors.holds_in(user, PRODUCT) or roles_selectors.is_shop_manager(user))


def sees_problem_parcels(user: Person) -> bool:
    """Problem parcels: the desk, and customer service, who answer the buyer."""
    return works_the_desk(user) or roles_selectors.holds_in(user, CUSTOMER_SERVICE)


def records_incidents(user: Person) -> bool:
    """Storeroom incidents: the product group's leader, the shop manager and the admins."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or roles_selectors.holds_in(user, PRODUCT, leader=True)
                or roles_selectors.is_shop_manager(user))


def leads(user: User, maker: User | None) -> bool:
    """Whether `user` is `maker`'s leader: leads a group `maker` is in, or is the shop manager."""
    if maker is None:
        return roles_selectors.is_shop_manager(user)
    return bool(roles_selectors.is_shop_manager(user)
                or roles_selectors.led_departments(user) & roles_selectors.member_departments(maker))


# --- the orders ----------------------------------------------------------------------------------------------

def _lines() -> Prefetch:
    return Prefetch("lines", queryset=TaobaoOrderLine.objects.select_related("product").order_by("pk"))


def open_orders() -> QuerySet[TaobaoOrder]:
    """Paid, waiting to be shipped by the latest export, and not shipped here: oldest payment first. A later
    export that says shipped or finished takes the order off (its rank moves past PAID)."""
    return (TaobaoOrder.objects.filter(status_rank=taobao.PAID)
            .exclude(parcel__shipped_at__isnull=False)
            .order_by(F("paid_at").asc(nulls_last=True), "pk"))


def orders_to_pack() -> QuerySet[TaobaoOrder]:
    """open_orders with their lines and products, their parcel, and whether a packing problem was found."""
    return (open_orders().select_related("parcel", "parcel__picked_by").prefetch_related(_lines())
            .annotate(has_problem=Exists(PackingProblem.objects.filter(order=OuterRef("pk")))))


def count_open_orders() -> int:
    return open_orders().count()


def order_for_packing(order_id: str) -> TaobaoOrder | None:
    """The imported order with that number (spaces and the export's ="…" quoting ignored), or None."""
    number = (order_id or "").strip().strip('="').strip()
    if not number:
        return None
    return (TaobaoOrder.objects.filter(order_id=number).select_related("parcel", "parcel__shipped_by")
            .prefetch_related(_lines()).first())


def is_open(order: TaobaoOrder) -> bool:
    parcel = getattr(order, "parcel", None)
    return order.status_rank == taobao.PAID and not (parcel and parcel.shipped_at)


def unpicked(orders: QuerySet[TaobaoOrder]) -> QuerySet[TaobaoOrder]:
    return orders.filter(Q(parcel__isnull=True) | Q(parcel__picked_at__isnull=True))


def pick_list() -> tuple[list[dict[str, Any]], list[int]]:
    """Every line of the open orders not yet picked, summed per product and shelf (shelf order, then SKU), and
    the ids of the orders it covers (what "picked" records)."""
    orders = unpicked(open_orders())
    rows = list(TaobaoOrderLine.objects.filter(order__in=orders)
                .values("product_id", "product__sku", "product__name", "product__shelf")
                .annotate(quantity=Sum("quantity"), orders=Count("order", distinct=True))
                .order_by("product__shelf", "product__sku"))
    return rows, list(orders.values_list("pk", flat=True))


def flagged_parcels() -> QuerySet[Parcel]:
    """Shipped here but still "waiting to ship" after an export imported later: the waybill was not entered in the
    seller centre. Later means the order's own last import, or any 订单报表 imported after the parcel left: an
    import leaves an order it finds unchanged as it was (it does not stamp it), so an order the later file repeated
    still "waiting to ship" is known only by the file's coming later (a file of an older period, imported late,
    flags too: entering the waybill, or a newer export, clears it)."""
    later_order_report = TaobaoImport.objects.filter(kind=TaobaoImport.Kind.ORDERS, status=TaobaoImport.Status.DONE,
                                                     created_at__gt=OuterRef("shipped_at"))
    return (Parcel.objects.filter(shipped_at__isnull=False, order__status_rank=taobao.PAID)
            .filter(Q(order__last_import__created_at__gt=F("shipped_at")) | Exists(later_order_report))
            .select_related("order", "shipped_by").order_by("shipped_at", "pk"))


def shipped_recently(limit: int = 20) -> QuerySet[Parcel]:
    return Parcel.objects.filter(shipped_at__isnull=False).select_related("order", "shipped_by")[:limit]


# --- problem parcels and incidents --------------------------------------------------------------------------

def problem_parcels(*, open_only: bool = False) -> QuerySet[ProblemParcel]:
    found = ProblemParcel.objects.select_related("order", "recorded_by", "closed_by")
    return found.filter(closed_at__isnull=True) if open_only else found


def packing_problems(order: TaobaoOrder) -> QuerySet[PackingProblem]:
    return PackingProblem.objects.filter(order=order).select_related("recorded_by")


def count_open_problem_parcels() -> int:
    return ProblemParcel.objects.filter(closed_at__isnull=True).count()


def incidents() -> QuerySet[StoreroomIncident]:
    return StoreroomIncident.objects.select_related("recorded_by", "stocktake_decision")


def _with_losses(stocktakes: QuerySet[Stocktake]) -> QuerySet[Stocktake]:
    """Stocktakes with what their counts found missing: `lost_units` (the counted lines short of what was expected,
    summed) and `lost_value` (the same at the product's cost), and `decided` (the desk has ruled on it)."""
    short = Q(lines__counted__isnull=False, lines__expected_at_count__isnull=False,
              lines__counted__lt=F("lines__expected_at_count"))
    missing = F("lines__expected_at_count") - F("lines__counted")
    return stocktakes.annotate(
        lost_units=Sum(missing, filter=short),
        lost_value=Sum(missing * F("lines__product__cost"), filter=short,
                       output_field=DecimalField(max_digits=14, decimal_places=2)),
        decided=Exists(StocktakeLossDecision.objects.filter(stocktake=OuterRef("pk"))))


def _over_threshold() -> Q:
    threshold = ShippingSettings.current()
    return Q(lost_units__gte=max(threshold.stocktake_loss_units, 1)) | Q(
        lost_value__gte=threshold.stocktake_loss_value, lost_value__gt=0)


def stocktake_losses() -> QuerySet[Stocktake]:
    """Posted stocktakes whose loss reaches the threshold (ShippingSettings) and that the product leader or the shop
    manager has not yet confirmed as a storeroom incident or dismissed: latest posted first."""
    return (_with_losses(Stocktake.objects.filter(status=Stocktake.Status.POSTED)).filter(_over_threshold())
            .filter(Q(decided=False)).select_related("closed_by").order_by("-closed_at", "-pk"))


def stocktake_loss(stocktake: Stocktake) -> Stocktake | None:
    """The stocktake with its loss annotated if it is posted and its loss reaches the threshold (decided or not);
    None otherwise."""
    return (_with_losses(Stocktake.objects.filter(pk=stocktake.pk, status=Stocktake.Status.POSTED))
            .filter(_over_threshold()).first())


def stocktake_decisions(limit: int = 10) -> QuerySet[StocktakeLossDecision]:
    return StocktakeLossDecision.objects.select_related("stocktake", "decided_by", "incident")[:limit]


# --- what pay and assessment read -------------------------------------------------------------------------------

def monthly_counts(month: datetime.date) -> dict[int, dict[str, int]]:
    """Per person (user id) in the month starting `month` (Shanghai time): orders picked (on a pick list they
    recorded), orders shipped, and problems — the problem parcels (问题件) recorded that month against orders
    they shipped. Everyone with any count is present; each has all three keys."""
    start, end = month_moments(month)
    counts: dict[int, dict[str, int]] = {}

    def add(rows: Any, key: str) -> None:
        for user_id, n in rows:
            if user_id is not None:
                counts.setdefault(user_id, {"picked": 0, "shipped": 0, "problems": 0})[key] = n

    add(Parcel.objects.filter(picked_at__gte=start, picked_at__lt=end).values("picked_by")
        .annotate(n=Count("pk")).values_list("picked_by", "n"), "picked")
    add(Parcel.objects.filter(shipped_at__gte=start, shipped_at__lt=end).values("shipped_by")
        .annotate(n=Count("pk")).values_list("shipped_by", "n"), "shipped")
    add(ProblemParcel.objects.filter(recorded_at__gte=start, recorded_at__lt=end, order__parcel__isnull=False)
        .values("order__parcel__shipped_by").annotate(n=Count("pk")).values_list("order__parcel__shipped_by", "n"),
        "problems")
    return counts


def month_had_storeroom_incident(month: datetime.date) -> bool:
    """Whether a storeroom incident happened in the month starting `month` (the storekeeper's allowance)."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return StoreroomIncident.objects.filter(happened_on__gte=first, happened_on__lt=following).exists()


def dashboard_panel() -> dict[str, Any]:
    return {"open_count": count_open_orders(), "flagged": list(flagged_parcels()[:8]),
            "flagged_count": flagged_parcels().count(), "problem_count": count_open_problem_parcels(),
            "oldest": open_orders().first()}
