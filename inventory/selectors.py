"""Read queries for the stock pages, the jobs, and the other apps (finance reads supplier sales and the
Taobao money per day from here)."""
import datetime
import zoneinfo
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

from roles.models import Assignment, Post
from roles.selectors import posts_held

from .models import (
    LowStockAlert,
    Product,
    RestockLine,
    RestockRequest,
    StockMove,
    Stocktake,
    StocktakeLine,
    Supplier,
    TaobaoImport,
    TaobaoOrder,
    TaobaoRefund,
)
from .taobao import REFUND_DONE

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PRODUCT_DEPARTMENT = "product"  # roles.playbook's code for 产品组, who own the storeroom
CENTS = Decimal("0.01")


def can_change_stock(user: User | AnonymousUser) -> bool:
    """Record moves, count, import, edit products: the product group, the shop manager and the admins."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Assignment.objects.current().filter(user=user).filter(
        Q(post__department__code=PRODUCT_DEPARTMENT)
        | Q(post__is_leader=True, post__department__is_manager_office=True)
    ).exists()


def product_posts_held(user: User) -> list[Post]:
    """The posts `user` holds today in the product group (a 盘点不清 case is raised from one of them)."""
    return [post for post in posts_held(user) if post.department.code == PRODUCT_DEPARTMENT]


def day_range(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) dates in Shanghai as aware datetimes."""
    def moment(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=SHANGHAI)

    return moment(start), moment(end)


def sale_side() -> Q:
    return Q(kind=StockMove.Kind.SALE) | Q(kind=StockMove.Kind.REVERSAL, reverses__kind=StockMove.Kind.SALE)


def supplier_sales(supplier: Supplier, *, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """One row per product of `supplier` with any sale or return move (or a reversal of one) in [start, end)
    (dates in Asia/Shanghai), ordered by SKU, aggregated in the database:
    {"product_id", "sku", "name", "sold", "returned", "net", "cost_amount" (net × cost), "price_amount" (money as
    sold: the order lines' amounts, less returns and reversed sales)}.

    A sale reversed later (a Taobao line closed or fully refunded) counts against the period of its reversal.
    """
    return _sales(Product.objects.filter(supplier=supplier), start, end)


def product_sales(*, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """`supplier_sales` of every supplier at once, each row with its "supplier" (name) besides."""
    return _sales(Product.objects.all(), start, end, suppliers=dict(Supplier.objects.values_list("pk", "name")))


def _sales(products: QuerySet[Product], start: datetime.date, end: datetime.date,
           suppliers: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """The rows of `supplier_sales` for `products`; with `suppliers` ({id: name}) each names its supplier. The sales
    and returns are summed in one query and the few reversals in a second, which alone looks up the move each
    reverses (joining every move to the move it may reverse would read the whole ledger for one month)."""
    since, until = day_range(start, end)
    sale, returned, reversal = StockMove.Kind.SALE, StockMove.Kind.RETURN, StockMove.Kind.REVERSAL
    totals: dict[int, list[Any]] = {}  # product id -> [sku, name, supplier id, cost, sold, returned, money]
    for side, moves in (
        ("moves__kind", Q(moves__kind__in=[sale, returned])),
        ("moves__reverses__kind", Q(moves__kind=reversal, moves__reverses__kind__in=[sale, returned])),
    ):
        # Grouped by the product's primary key (PostgreSQL then needs no other column of the product to group).
        rows = products.filter(moves, moves__moved_at__gte=since, moves__moved_at__lt=until).values_list(
            "pk", "sku", "name", "supplier_id", "cost").annotate(
            sold=Coalesce(Sum(-F("moves__quantity"), filter=Q(**{side: sale})), 0),
            returned=Coalesce(Sum("moves__quantity", filter=Q(**{side: returned})), 0),
            money=Coalesce(Sum("moves__amount"), Value(Decimal("0")), output_field=DecimalField()),
        ).order_by()
        for pk, sku, name, supplier_id, cost, sold, returned_, money in rows:
            known = totals.get(pk)
            if known is None:
                totals[pk] = [sku, name, supplier_id, cost, sold, returned_, money]
            else:
                known[4] += sold
                known[5] += returned_
                known[6] += money
    found = []
    for pk, (sku, name, supplier_id, cost, sold, returned_, money) in sorted(totals.items(),
                                                                             key=lambda item: item[1][0]):
        row = {"product_id": pk, "sku": sku, "name": name, "sold": sold, "returned": returned_,
               "net": sold - returned_, "cost_amount": (sold - returned_) * cost,  # whole units × cents: exact
               "price_amount": money.quantize(CENTS)}
        if suppliers is not None:
            row["supplier"] = suppliers[supplier_id]
        found.append(row)
    return found


def taobao_daily_money(*, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Per Shanghai date in [start, end) with imported orders or refunds, aggregated in the database and ordered by
    date: {"date", "kept" (the 买家实际支付金额 the 订单报表 exported for the orders counted as sold — paid, shipped
    or finished — by pay date), "refunds", "refunds_from_orders" (the part of "refunds" taken from the 订单报表),
    "sales" (kept + refunds), "orders" (how many sold orders were paid that day)}.

    An order's refund comes from the 退款报表 where one was imported for that order (its successful refunds, by the
    day they finished), else from the 订单报表's 退款金额 (by the order's pay day): never both for one order.

    The export's paid amounts already net the refunds (a fully refunded order is 交易关闭 and drops out), so the
    money refunded is added back to the sales of the day it is dated: sales less refunds is then exactly what
    the export says the shop kept, day by day, and the refunds are still seen (booked on their own they would be
    taken off twice)."""
    since, until = day_range(start, end)
    money = Coalesce(Sum("paid_amount"), Value(Decimal("0")), output_field=DecimalField())
    sales = (
        TaobaoOrder.objects.filter(from_order_report=True, sold=True, paid_at__gte=since, paid_at__lt=until)
        .annotate(day=TruncDate("paid_at", tzinfo=SHANGHAI)).values("day")
        .annotate(amount=money, count=Count("pk"))
        .order_by()
    )
    refunds = (
        TaobaoRefund.objects.filter(status=REFUND_DONE, finished_at__gte=since, finished_at__lt=until)
        .annotate(day=TruncDate("finished_at", tzinfo=SHANGHAI)).values("day")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    order_refunds = (
        TaobaoOrder.objects.filter(from_order_report=True, refund_amount__gt=0, paid_at__gte=since, paid_at__lt=until)
        .exclude(Exists(TaobaoRefund.objects.filter(order_id=OuterRef("order_id"))))  # an anti-join
        .annotate(day=TruncDate("paid_at", tzinfo=SHANGHAI)).values("day")
        .annotate(amount=Sum("refund_amount"))
        .order_by()
    )
    days: dict[datetime.date, dict[str, Any]] = {}
    zero = Decimal("0.00")

    def day_of(date: datetime.date) -> dict[str, Any]:
        return days.setdefault(date, {"date": date, "kept": zero, "refunds": zero, "refunds_from_orders": zero,
                                      "orders": 0})

    for row in sales:
        day = day_of(row["day"])
        day["kept"], day["orders"] = Decimal(row["amount"]).quantize(CENTS), row["count"]
    for row in refunds:
        day_of(row["day"])["refunds"] += Decimal(row["amount"]).quantize(CENTS)
    for row in order_refunds:
        day = day_of(row["day"])
        day["refunds_from_orders"] = Decimal(row["amount"]).quantize(CENTS)
        day["refunds"] += day["refunds_from_orders"]
    for day in days.values():
        day["sales"] = day["kept"] + day["refunds"]
    return [days[day] for day in sorted(days)]


def taobao_refunds_from_orders(*, start: datetime.date, end: datetime.date) -> Decimal:
    """The part of the Taobao refunds of [start, end) taken from the 订单报表's 退款金额 (no 退款报表 imported for
    those orders), dated by pay day."""
    return sum((row["refunds_from_orders"] for row in taobao_daily_money(start=start, end=end)), Decimal("0.00"))


def taobao_imports_unbooked() -> QuerySet[TaobaoImport]:
    """Done imports whose money days finance has not booked yet (the booking outbox)."""
    return TaobaoImport.objects.filter(status=TaobaoImport.Status.DONE, money_booked_at=None).exclude(money_days=[])


def taobao_money_waiting() -> dict[str, Any]:
    """{"count", "oldest" (the earliest finish time)} of the imports whose money waits to be booked."""
    return taobao_imports_unbooked().aggregate(count=Count("pk"), oldest=Min("finished_at"))


def ledger_sum() -> Coalesce:
    """Each product's ledger total as a subquery expression (0 with no move)."""
    total = (
        StockMove.objects.filter(product=OuterRef("pk")).order_by().values("product")
        .annotate(total=Sum("quantity")).values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def stock_drift() -> list[dict[str, Any]]:
    """Products whose cached on-hand differs from the sum of their moves, in one statement (so one snapshot):
    [{"product_id", "sku", "on_hand", "ledger"}]."""
    rows = (
        Product.objects.annotate(ledger=ledger_sum())
        .exclude(on_hand=F("ledger"))
        .order_by("sku")
        .values("pk", "sku", "on_hand", "ledger")
    )
    return [{"product_id": r["pk"], "sku": r["sku"], "on_hand": r["on_hand"], "ledger": r["ledger"]} for r in rows]


def product_moves(product: Product) -> QuerySet[StockMove]:
    return product.moves.select_related("by", "reverses", "reversed_by").order_by("-moved_at", "-pk")


def open_restock() -> Coalesce:
    """Units already asked of the supplier for each product: its lines on draft or sent restock requests."""
    asked = (
        RestockLine.objects.filter(product=OuterRef("pk"), request__status__in=RestockRequest.OPEN).order_by()
        .values("product").annotate(total=Sum("quantity")).values("total")
    )
    return Coalesce(Subquery(asked, output_field=IntegerField()), 0)


def receipt_key(restock_id: int, product_id: int | str = "") -> str:
    """The key of the receipt move a restock request brought in for a product (without the product: the prefix of
    all of the request's)."""
    return f"restock-{restock_id}-{product_id}"


def restock_received(restock: RestockRequest) -> dict[int, int]:
    """{product id: units} the receipts of a received restock request brought in."""
    prefix = receipt_key(restock.pk)
    return {int(key.removeprefix(prefix)): quantity for key, quantity in StockMove.objects.filter(
        key__startswith=prefix, kind=StockMove.Kind.RECEIPT).values_list("key", "quantity")}


def restock_history(restock: RestockRequest) -> list[Any]:
    """The request's history, oldest first, with who made each change (the edits of a draft's quantities, the
    short deliveries it took in, sending and receiving)."""
    return list(restock.history.select_related("history_user").order_by("history_date", "history_id"))


def low_stock_without_alert() -> list[tuple[int, int, int]]:
    """(id, on hand, reorder point) of every product not discontinued at or below its reorder point with no open
    alert: one query (the low-stock job's scan)."""
    return list(
        Product.objects.filter(on_hand__lte=F("reorder_point")).exclude(status=Product.Status.DISCONTINUED)
        .exclude(Exists(LowStockAlert.objects.filter(product=OuterRef("pk"), closed_at__isnull=True)))
        .order_by().values_list("pk", "on_hand", "reorder_point")
    )


def open_alerts() -> QuerySet[LowStockAlert]:
    return (LowStockAlert.objects.filter(closed_at__isnull=True).select_related("product__supplier")
            .annotate(open_restock=_alert_restock()).order_by("-opened_at", "-pk"))


def _alert_restock() -> Coalesce:
    asked = (
        RestockLine.objects.filter(product=OuterRef("product"), request__status__in=RestockRequest.OPEN).order_by()
        .values("product").annotate(total=Sum("quantity")).values("total")
    )
    return Coalesce(Subquery(asked, output_field=IntegerField()), 0)


def count_open_alerts(limit: int = 100) -> int:
    return LowStockAlert.objects.filter(closed_at__isnull=True)[:limit].count()


def restock_requests() -> QuerySet[RestockRequest]:
    return RestockRequest.objects.select_related("supplier", "changed_by").annotate(
        line_count=Count("lines"), units=Coalesce(Sum("lines__quantity"), 0)).order_by("-created_at", "-pk")


def product_list(*, q: str = "", status: str = "", supplier: int | None = None, low: bool = False,
                 category: str = "") -> QuerySet[Product]:
    """The stock list, filtered; each product with its supplier and `open_restock`, in a fixed number of queries."""
    products = Product.objects.select_related("supplier").annotate(open_restock=open_restock())
    if q:
        products = products.filter(Q(sku__icontains=q) | Q(name__icontains=q))
    if status:
        products = products.filter(status=status)
    if supplier:
        products = products.filter(supplier_id=supplier)
    if category:
        products = products.filter(category=category)
    if low:
        products = products.filter(on_hand__lte=F("reorder_point"))
    return products.order_by("sku")


def categories() -> list[str]:
    return list(Product.objects.exclude(category="").order_by("category").values_list("category", flat=True)
                .distinct())


def import_list() -> QuerySet[TaobaoImport]:
    return TaobaoImport.objects.select_related("created_by", "applied_by").defer("problems").order_by("-created_at",
                                                                                                      "-pk")


def stocktake_list() -> QuerySet[Stocktake]:
    return Stocktake.objects.select_related("started_by", "closed_by").annotate(
        line_count=Count("lines"), counted_count=Count("lines", filter=Q(lines__counted__isnull=False)),
    ).order_by("-started_at", "-pk")


def stocktake_lines(stocktake: Stocktake, *, todo: bool = False, q: str = "") -> QuerySet[StocktakeLine]:
    lines = stocktake.lines.select_related("product", "counted_by", "move").order_by("product__shelf", "product__sku")
    if todo:
        lines = lines.filter(counted__isnull=True)
    if q:
        lines = lines.filter(Q(product__sku__icontains=q) | Q(product__name__icontains=q) | Q(product__shelf=q))
    return lines


def stocktake_progress(stocktake: Stocktake) -> dict[str, int]:
    return stocktake.lines.aggregate(total=Count("pk"), done=Count("pk", filter=Q(counted__isnull=False)),
                                     differing=Count("pk", filter=Q(counted__isnull=False)
                                                     & ~Q(counted=F("expected_at_count"))))


def shelves() -> list[str]:
    return list(Product.objects.exclude(shelf="").order_by("shelf").values_list("shelf", flat=True).distinct())
