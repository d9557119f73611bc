"""The low-stock job: an alert opened for each product at or below its reorder point, its restock line drafted to
the supplier (inventory.services.restock), a restock task filed for the product leader and customer service told,
once per alert; alerts of products that recovered are closed. The restock requests themselves, and the work a new
product needs, are in inventory.services (restock, work); their names stay importable from here."""
import datetime
import logging

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from roles import selectors as roles_selectors
from shopteam.notifications.services import notify

from . import selectors
from .models import LowStockAlert, RestockLine, StockMove
from .services.ledger import close_recovered_alerts

# The restock requests' and a new product's services keep their names importable from here (`as`: re-exported).
from .services.restock import change_restock as change_restock
from .services.restock import draft_for
from .services.restock import edit_restock_quantities as edit_restock_quantities
from .services.restock import receive_restock as receive_restock
from .services.work import CUSTOMER_SERVICE, PRODUCT, file_task, in_shop_language
from .services.work import file_new_product_tasks as file_new_product_tasks

logger = logging.getLogger(__name__)

SALES_WINDOW = datetime.timedelta(days=30)


def open_low_stock_alerts(*, now: datetime.datetime | None = None) -> int:
    """Open an alert for every listed product at or below its reorder point that has none open: the products
    are found in one query, and the alerts inserted with ON CONFLICT DO NOTHING (a concurrent run, or an alert
    opened meanwhile, makes no second one: the partial unique index holds one open alert per product)."""
    now = now or timezone.now()
    found = selectors.low_stock_without_alert()
    LowStockAlert.objects.bulk_create(
        [LowStockAlert(product_id=pk, opened_at=now, on_hand_at_open=on_hand, reorder_point_at_open=point)
         for pk, on_hand, point in found],
        ignore_conflicts=True, batch_size=2000,
    )
    return len(found)


def close_alerts_of_recovered_products() -> list[LowStockAlert]:
    """The job's side of closing: alerts whose product is above its reorder point (e.g. after the point was
    lowered), in one query and then one transaction."""
    ids = list(LowStockAlert.objects.filter(closed_at__isnull=True, product__on_hand__gt=F("product__reorder_point"))
               .values_list("product_id", flat=True))
    with transaction.atomic():
        return close_recovered_alerts(ids)


def sold_in_window(product_ids: list[int], *, now: datetime.datetime) -> dict[int, int]:
    """Units sold per product in the SALES_WINDOW before `now` (sales less their reversals), one query."""
    sales = StockMove.objects.filter(product_id__in=product_ids, moved_at__gte=now - SALES_WINDOW,
                                     moved_at__lt=now).filter(selectors.sale_side())
    return dict(sales.values("product_id").annotate(sold=Sum(-F("quantity"))).values_list("product_id", "sold"))


def restock_quantity(*, on_hand: int, reorder_point: int, reorder_quantity: int, sold: int) -> tuple[int, str]:
    """What to ask the supplier for, and why: enough for another 30 days like the last and to be back above
    the reorder point (sold − on hand + reorder point), and never less than the usual reorder quantity."""
    need = sold - on_hand + reorder_point
    quantity = max(reorder_quantity, need, 1)
    params = {"sold": sold, "on_hand": on_hand, "point": reorder_point, "need": need, "usual": reorder_quantity}
    if need > reorder_quantity:
        reason = gettext_lazy("Sold in the last 30 days %(sold)s − on hand %(on_hand)s + reorder point %(point)s = "
                              "%(need)s, more than the reorder quantity %(usual)s.")
    else:
        reason = gettext_lazy("The reorder quantity %(usual)s (sold in the last 30 days %(sold)s − on hand "
                              "%(on_hand)s + reorder point %(point)s = %(need)s is not more).")
    return quantity, in_shop_language(reason, **params)


def draft_restock(alert: LowStockAlert, *, sold: int, now: datetime.datetime) -> RestockLine:
    product = alert.product
    quantity, reason = restock_quantity(on_hand=product.on_hand, reorder_point=product.reorder_point,
                                        reorder_quantity=product.reorder_quantity, sold=sold)
    request = draft_for(product.supplier)
    line, _created = RestockLine.objects.update_or_create(
        request=request, product=product,
        defaults={"alert": alert, "quantity": quantity, "on_hand": product.on_hand,
                  "reorder_point": product.reorder_point, "sold_30_days": sold, "reason": reason},
    )
    return line


ALERT_TITLE = gettext_lazy("Low stock: %(sku)s %(name)s (%(on_hand)s left, reorder point %(point)s)")
ALERT_BODY = gettext_lazy("A restock request to %(supplier)s is drafted for %(quantity)s: %(reason)s\n"
                          "Customer service: tell buyers honestly about delivery until it is restocked.")
TASK_TITLE = gettext_lazy("Restock %(sku)s %(name)s from %(supplier)s")
TASK_DETAIL = gettext_lazy("%(on_hand)s left, reorder point %(point)s. Suggested quantity %(quantity)s: %(reason)s\n"
                           "Check the draft, send it to the supplier, and record the receipt when the goods arrive.")


def alert_watchers() -> list[User]:
    """Who is told of low stock, by their posts: every holder of a customer-service post and the product leader."""
    return roles_selectors.members(CUSTOMER_SERVICE) + roles_selectors.leaders(PRODUCT)


def handle_new_alerts(*, now: datetime.datetime | None = None) -> list[LowStockAlert]:
    """For each alert nobody has been told about yet: claim it (a conditional update, so a concurrent run skips
    it), draft its restock line, file the restock task for the product leader and tell customer service and the
    product leader — all in the claim's transaction."""
    now = now or timezone.now()
    pending = list(LowStockAlert.objects.filter(handled_at__isnull=True, closed_at__isnull=True)
                   .order_by("pk").values_list("pk", "product_id"))
    if not pending:
        return []
    sold = sold_in_window([product_id for _pk, product_id in pending], now=now)
    watchers = alert_watchers()
    handled = []
    for pk, product_id in pending:
        with transaction.atomic():
            if not LowStockAlert.objects.filter(pk=pk, handled_at__isnull=True).update(handled_at=now):
                continue  # another run took it
            alert = LowStockAlert.objects.select_related("product__supplier").get(pk=pk)
            line = draft_restock(alert, sold=sold.get(product_id, 0), now=now)
            product = alert.product
            params = {"sku": product.sku, "name": product.name, "on_hand": product.on_hand,
                      "point": product.reorder_point, "supplier": product.supplier.name, "quantity": line.quantity,
                      "reason": line.reason}
            _task, problem = file_task(
                department=PRODUCT, title=in_shop_language(TASK_TITLE, **params),
                detail=in_shop_language(TASK_DETAIL, **params), source="stock_alert", subject=alert,
                key=f"alert-{alert.pk}", priority="high",
            )
            if problem:
                LowStockAlert.objects.filter(pk=pk).update(note=problem)
            notify(watchers, title=ALERT_TITLE, body=ALERT_BODY, params=params, url=alert.get_absolute_url(),
                   event="stock.low")
            handled.append(alert)
    return handled


def scan_low_stock(*, now: datetime.datetime | None = None) -> list[LowStockAlert]:
    """The periodic job: close the alerts of products that recovered, open the new ones, and handle them. Safe
    to run twice or concurrently: no second alert, task, restock line or notification."""
    now = now or timezone.now()
    close_alerts_of_recovered_products()
    open_low_stock_alerts(now=now)
    return handle_new_alerts(now=now)
