"""Services that set people to work from the storeroom: low-stock alerts (told to customer service and the
product leader by their posts, a restock task, a restock request drafted to the supplier) and the work a new
product needs from the visual, marketing and customer-service groups. Tasks are filed through the tasks app's
one service, idempotently (a key per alert, per product and role)."""
import datetime
import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roles import selectors as roles_selectors
from roles.models import Department, Post
from shopteam.errors import ServiceError
from shopteam.notifications.services import notify
from shopteam.people import display_name

from . import rules, selectors, services
from .models import LowStockAlert, RestockLine, RestockRequest, StockMove

logger = logging.getLogger(__name__)

CUSTOMER_SERVICE, PRODUCT, VISUAL, MARKETING = "customer-service", "product", "visual", "marketing"
SALES_WINDOW = datetime.timedelta(days=30)


def _in_shop_language(text, **params):
    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % params if params else str(text)


def post_for(department_code):
    """The post that should take a department's work: its leader post if someone holds it, else another post of
    the department that someone holds, else the shop manager's; None if all are vacant."""
    department = Department.objects.filter(code=department_code).first()
    posts = list(Post.objects.filter(department=department).order_by("-is_leader", "order", "pk")) if department else []
    manager = roles_selectors.manager_post()
    for post in [*posts, *([manager] if manager else [])]:
        if roles_selectors.holders(post):
            return post
    return None


def file_task(*, department, title, detail, source, subject, key, priority="normal", work=""):
    """File a task for the department's post (see post_for). Returns (task, problem): a task cannot be filed to
    nobody, so with every post vacant the problem says so and the caller records it."""
    from tasks.services import create_task

    post = post_for(department)
    if post is None:
        return None, _("Nobody holds a post in %(department)s, nor the shop manager's: no task was filed.") % {
            "department": department}
    try:
        return create_task(title=title, detail=detail, source=source, subject=subject, key=key, post=post,
                           priority=priority, work=work), ""
    except ServiceError as error:
        return None, "; ".join(str(m) for m in error.messages)


# --- new products ------------------------------------------------------------------------------------------

# role, department, title, detail (the playbook's words: the product group tells the visual group to list new
# products, marketing to promote them and customer service to push them).
NEW_PRODUCT_WORK = [
    ("photos", VISUAL, gettext_lazy("Photograph the new product %(sku)s %(name)s"),
     gettext_lazy("Photograph and post-process %(name)s for its listing. Added by %(by)s.")),
    ("listing", VISUAL, gettext_lazy("List the new product %(sku)s %(name)s"),
     gettext_lazy("Put %(name)s (商家编码 %(sku)s) on sale in the shop, with its photos. Added by %(by)s.")),
    ("promotion", MARKETING, gettext_lazy("Promote the new product %(sku)s %(name)s"),
     gettext_lazy("Plan how %(name)s is promoted. Added by %(by)s.")),
    ("briefing", CUSTOMER_SERVICE, gettext_lazy("Brief customer service on the new product %(sku)s %(name)s"),
     gettext_lazy("Learn %(name)s so customer service can answer questions and recommend it. Added by %(by)s.")),
]


def file_new_product_tasks(product, *, by):
    """The new product's tasks: photos and listing for the visual group, promotion for marketing, a briefing for
    customer service, each about the product and filed once (key product-<id>:<role>)."""
    from shopteam.people import display_name

    params = {"sku": product.sku, "name": product.name, "by": display_name(by) or _in_shop_language(
        gettext_lazy("Shopteam"))}
    filed = []
    for role, department, title, detail in NEW_PRODUCT_WORK:
        task, problem = file_task(
            department=department, title=_in_shop_language(title, **params), detail=_in_shop_language(detail, **params),
            source="new_product", subject=product, key=f"product-{product.pk}:{role}", work=role,
        )
        if problem:
            logger.warning("new product %s: %s task not filed: %s", product.sku, role, problem)
        filed.append(task)
    return [task for task in filed if task is not None]


# --- low stock ---------------------------------------------------------------------------------------------

def open_low_stock_alerts(*, now=None):
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


def close_recovered_alerts(product_ids, *, note=None):
    """Close the open alerts of these products (their stock is above the reorder point again), and mark the
    restock tasks about them done. Called in the transaction of the move that lifted the stock."""
    if not product_ids:
        return []
    from tasks.services import complete_tasks_about

    alerts = list(LowStockAlert.objects.select_for_update().filter(product_id__in=product_ids, closed_at__isnull=True))
    if not alerts:
        return []
    LowStockAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(closed_at=timezone.now())
    for alert in alerts:
        complete_tasks_about(alert, source="stock_alert",
                             note=note or _in_shop_language(gettext_lazy("Stock recovered: the alert closed itself.")))
    return alerts


def close_alerts_of_recovered_products():
    """The job's side of closing: alerts whose product is above its reorder point (e.g. after the point was
    lowered), in one query and then one transaction."""
    ids = list(LowStockAlert.objects.filter(closed_at__isnull=True, product__on_hand__gt=F("product__reorder_point"))
               .values_list("product_id", flat=True))
    with transaction.atomic():
        return close_recovered_alerts(ids)


def sold_in_window(product_ids, *, now):
    """Units sold per product in the SALES_WINDOW before `now` (sales less their reversals), one query."""
    sales = StockMove.objects.filter(product_id__in=product_ids, moved_at__gte=now - SALES_WINDOW,
                                     moved_at__lt=now).filter(selectors.sale_side())
    return dict(sales.values("product_id").annotate(sold=Sum(-F("quantity"))).values_list("product_id", "sold"))


def restock_quantity(*, on_hand, reorder_point, reorder_quantity, sold):
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
    return quantity, _in_shop_language(reason, **params)


def _draft_for(supplier):
    """The supplier's open draft request, created once (one draft per supplier, by a unique index)."""
    draft = RestockRequest.objects.select_for_update().filter(supplier=supplier, status=RestockRequest.Status.DRAFT)
    if (found := draft.first()) is not None:
        return found
    try:
        with transaction.atomic():
            return RestockRequest.objects.create(supplier=supplier)
    except IntegrityError:
        return draft.get()


def draft_restock(alert, *, sold, now):
    product = alert.product
    quantity, reason = restock_quantity(on_hand=product.on_hand, reorder_point=product.reorder_point,
                                        reorder_quantity=product.reorder_quantity, sold=sold)
    request = _draft_for(product.supplier)
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


def alert_watchers():
    """Who is told of low stock, by their posts: every holder of a customer-service post and the product leader."""
    return roles_selectors.members(CUSTOMER_SERVICE) + roles_selectors.leaders(PRODUCT)


def handle_new_alerts(*, now=None):
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
                department=PRODUCT, title=_in_shop_language(TASK_TITLE, **params),
                detail=_in_shop_language(TASK_DETAIL, **params), source="stock_alert", subject=alert,
                key=f"alert-{alert.pk}", priority="high",
            )
            if problem:
                LowStockAlert.objects.filter(pk=pk).update(note=problem)
            notify(watchers, title=ALERT_TITLE, body=ALERT_BODY, params=params, url=alert.get_absolute_url(),
                   event="stock.low")
            handled.append(alert)
    return handled


def scan_low_stock(*, now=None):
    """The periodic job: close the alerts of products that recovered, open the new ones, and handle them. Safe
    to run twice or concurrently: no second alert, task, restock line or notification."""
    now = now or timezone.now()
    close_alerts_of_recovered_products()
    open_low_stock_alerts(now=now)
    return handle_new_alerts(now=now)


# --- restock requests -----------------------------------------------------------------------------------------

RECEIVED_AT_MOST = 1_000_000
RECEIPT_REFERENCE = gettext_lazy("Restock request #%(id)s")
RECEIPT_REASON = gettext_lazy("%(asked)s asked of %(supplier)s, %(received)s received.")


@transaction.atomic
def change_restock(request, *, action, by):
    """Mark a restock request sent (a new draft then collects the next alerts) or cancelled. Receiving it records
    the goods: `receive_restock`."""
    services.require_stock_rights(by)
    if action not in ("send", "cancel"):
        raise ServiceError(_("Unknown action."))
    locked = _locked_in(request, action, by)
    return _moved_on(locked, rules.RESTOCK_MOVES[action][1], by)


@transaction.atomic
def receive_restock(request, *, received, by):
    """The goods of a sent request arrived: one receipt move per product that came (`received`: {product id:
    units}; a product left out, or 0, did not come), with the request as its reference and what was asked beside
    what came as its reason; the request is then received. The stock, not the request, closes the alerts (the
    receipts lift the products above their reorder points). All or nothing; a second submit is refused."""
    services.require_stock_rights(by)
    target = RestockRequest.Status.RECEIVED
    already = RestockRequest.objects.select_for_update().get(pk=request.pk)
    if already.status == target:  # a second receipt of the same delivery: say who took it in, and when
        raise ServiceError(_("This delivery was already received by %(who)s at %(when)s.") % {
            "who": display_name(already.changed_by) if already.changed_by else _("Shopteam"),
            "when": formats.date_format(timezone.localtime(already.closed_at), "Y-m-d H:i")})
    locked = _locked_in(request, "receive", by)
    lines = {line.product_id: line for line in locked.lines.select_related("product")}
    problems = []
    for product_id, units in received.items():
        line = lines.get(product_id)
        if line is None:
            problems.append(_("A product that is not on this request cannot be received with it."))
        elif isinstance(units, bool) or not isinstance(units, int) or not 0 <= units <= RECEIVED_AT_MOST:
            problems.append(_("%(sku)s: the units received must be a whole number from 0 to %(most)s.")
                            % {"sku": line.product.sku, "most": f"{RECEIVED_AT_MOST:,}"})
    if problems:
        raise ServiceError(problems)
    arrived = {product_id: units for product_id, units in received.items() if units}
    if not arrived:
        raise ServiceError(_("Nothing was received: enter the units that arrived, or cancel the request."))
    reference = _in_shop_language(RECEIPT_REFERENCE, id=locked.pk)
    services.record_moves([
        StockMove(product=lines[product_id].product, kind=StockMove.Kind.RECEIPT, quantity=units,
                  reference=reference, key=selectors.receipt_key(locked.pk, product_id),
                  reason=_in_shop_language(RECEIPT_REASON, asked=lines[product_id].quantity,
                                           supplier=locked.supplier.name, received=units))
        for product_id, units in sorted(arrived.items())
    ], by=by)
    received_request = _moved_on(locked, target, by)
    reorder_shortfall(locked, {product_id: line.quantity - received.get(product_id, 0)
                               for product_id, line in lines.items()}, by=by)
    return received_request


WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+", re.ASCII)
EDIT_HISTORY = gettext_lazy("%(sku)s: quantity %(old)s → %(new)s")


@transaction.atomic
def edit_restock_quantities(request, *, quantities, by):
    """Change what a draft asks the supplier for before it is sent: `quantities` is {product id: the new
    quantity} (a number, or the text a person typed). Each must be a whole number from 1 to the shop's move
    limit; a problem anywhere refuses the whole edit and names every line at fault. Each changed line leaves a
    row in the request's history (who, when, “SKU: quantity old → new”). Returns the lines that changed."""
    services.require_stock_rights(by)
    locked = _locked_in(request, "edit", by)
    lines = {line.product_id: line for line in
             RestockLine.objects.select_for_update().select_related("product").filter(request=locked)}
    limit = services.move_limit()
    problems, changes = [], []
    for product_id, value in quantities.items():
        line = lines.get(product_id)
        if line is None:
            problems.append(_("A product that is not on this request cannot be edited with it."))
            continue
        quantity, problem = _asked_quantity(value, line.product.sku, limit)
        if problem:
            problems.append(problem)
        elif quantity != line.quantity:
            changes.append((line, quantity))
    if problems:
        raise ServiceError(problems)
    for line, quantity in sorted(changes, key=lambda change: change[0].product.sku):
        old, line.quantity = line.quantity, quantity
        line.save(update_fields=["quantity"])
        locked.changed_by = by
        locked._history_user = by
        locked._change_reason = _in_shop_language(EDIT_HISTORY, sku=line.product.sku, old=old, new=quantity)[:100]
        locked.save()
    return [line for line, _quantity in changes]


def _asked_quantity(value, sku, limit):
    """(quantity, None), or (None, the problem) for what a person asked the supplier for on one line."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return None, _("%(sku)s: enter the quantity to ask for.") % {"sku": sku}
    if not WHOLE_NUMBER.fullmatch(text):
        return None, _("%(sku)s: the quantity must be a whole number of units, not “%(value)s”.") % {
            "sku": sku, "value": text}
    quantity = int(text)
    if quantity <= 0:
        return None, _("%(sku)s: the quantity must be at least 1, not %(value)s. A line stays on the draft (its "
                       "product's alert counts on it); to ask for nothing at all, cancel the draft.") % {
            "sku": sku, "value": quantity}
    if refusal := services.over_the_limit(quantity, limit):
        return None, f"{sku}: {refusal}"
    return quantity, None


SHORT_REASON = gettext_lazy("%(missing)s of %(asked)s did not come with restock request #%(id)s.")
SHORT_HISTORY = gettext_lazy("From the short delivery of restock request #%(id)s")
SHORT_TITLE = gettext_lazy("Short delivery of restock request #%(id)s: back on a draft to %(supplier)s")
SHORT_BODY = gettext_lazy("%(lines)s did not come; they are on draft request #%(draft)s, to be sent again.")


def reorder_shortfall(received, missing, *, by):
    """What did not come with `received` goes onto the supplier's draft (added to a line the draft already has);
    each product's open alert moves to the draft's line, so it has something on order again. The product group
    is told. Nothing is drafted for a line that came in full."""
    short = {product_id: units for product_id, units in missing.items() if units > 0}
    if not short:
        return None
    draft = _draft_for(received.supplier)
    old_lines = {line.product_id: line for line in received.lines.select_related("product", "alert")}
    for product_id, units in sorted(short.items()):
        old = old_lines[product_id]
        alert = old.alert if old.alert is not None and old.alert.is_open else None
        if alert is not None:
            RestockLine.objects.filter(pk=old.pk).update(alert=None)
        reason = _in_shop_language(SHORT_REASON, missing=units, asked=old.quantity, id=received.pk)
        line = RestockLine.objects.select_for_update().filter(request=draft, product_id=product_id).first()
        if line is None:
            RestockLine.objects.create(request=draft, product=old.product, alert=alert, quantity=units,
                                       on_hand=old.product.on_hand, reorder_point=old.product.reorder_point,
                                       sold_30_days=old.sold_30_days, reason=reason)
        else:
            line.quantity += units
            line.reason = f"{line.reason}\n{reason}"
            line.alert = line.alert or alert
            line.save()
    draft.changed_by = by
    draft._change_reason = _in_shop_language(SHORT_HISTORY, id=received.pk)[:100]
    draft.save()
    lines = "、".join(f"{old_lines[pid].product.sku} ×{units}" for pid, units in sorted(short.items()))
    notify(roles_selectors.leaders(PRODUCT), title=SHORT_TITLE, body=SHORT_BODY,
           params={"id": received.pk, "supplier": received.supplier.name, "lines": lines, "draft": draft.pk},
           url=draft.get_absolute_url(), event="stock.restock_short")
    return draft


def _locked_in(request, action, by):
    """The request locked, if `rules.restock_refusal` (which the request's page asks too) allows `action` now."""
    locked = RestockRequest.objects.select_for_update().get(pk=request.pk)
    rules.require(rules.restock_refusal(locked, by, action, may_change=True))
    return locked


def _moved_on(locked, target, by):
    now = timezone.now()
    locked.status, locked.changed_by = target, by
    if target == RestockRequest.Status.SENT:
        locked.sent_at = now
    else:
        locked.closed_at = now
    locked.save()
    return locked
