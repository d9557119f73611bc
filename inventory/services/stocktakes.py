"""Stocktakes: a count started, counted line by line, posted as differences in the ledger, or abandoned."""
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from escalation.models import Case
from roles import selectors as roles_selectors
from shopteam.errors import ServiceError
from shopteam.people import moment_text

from .. import selectors
from ..models import Product, StockMove, Stocktake, StocktakeLine
from .ledger import move_limit, over_the_limit, record_moves, require_stock_rights


def _stocktake_products(scope: str, value: str) -> QuerySet[Product]:
    products = Product.objects.exclude(status=Product.Status.DISCONTINUED)
    if scope == Stocktake.Scope.CATEGORY:
        products = products.filter(category=value)
    elif scope == Stocktake.Scope.SHELF:
        products = products.filter(shelf=value)
    return products


@transaction.atomic
def start_stocktake(*, by: User, scope: str = "all", scope_value: str = "", note: str = "") -> Stocktake:
    """Start counting all products, a category or a shelf. A product is in one open count at a time (two counts
    posting their differences would correct the same shortfall twice)."""
    require_stock_rights(by)
    scope_value = " ".join((scope_value or "").split())
    if scope not in Stocktake.Scope.values:
        raise ServiceError(_("Choose what to count: all products, a category or a shelf."))
    if scope != Stocktake.Scope.ALL and not scope_value:
        raise ServiceError(_("Name the category or shelf to count."))
    products = list(_stocktake_products(scope, scope_value).order_by("pk").values_list("pk", flat=True))
    if not products:
        raise ServiceError(_("No product is in %(scope)s “%(value)s”.") % {"scope": Stocktake.Scope(scope).label,
                                                                          "value": scope_value})
    busy = (StocktakeLine.objects.filter(open=True, product_id__in=products)
            .select_related("stocktake", "product").order_by("product__sku")[:5])
    if busy:
        raise ServiceError([_("%(sku)s is already being counted in %(stocktake)s: post or abandon that count first.")
                            % {"sku": line.product.sku, "stocktake": line.stocktake} for line in busy])
    stocktake = Stocktake.objects.create(scope=scope, scope_value=scope_value if scope != "all" else "",
                                         note=(note or "").strip(), started_by=by)
    try:
        with transaction.atomic():
            StocktakeLine.objects.bulk_create(StocktakeLine(stocktake=stocktake, product_id=pk) for pk in products)
    except IntegrityError:
        raise ServiceError(_("Another count of some of these products started at the same moment.")) from None
    return stocktake


def can_count(user: User | AnonymousUser) -> bool:
    """Who counts: the product group, the shop manager, the admins, and customer service (the playbook has the
    customer-service leader help the product group count the storeroom). Posting is the product group's."""
    if selectors.can_change_stock(user):
        return True
    return roles_selectors.holds_in(user, "customer-service")


def _open_stocktake(stocktake: Stocktake) -> Stocktake:
    locked = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    if locked.status != Stocktake.Status.COUNTING:
        raise ServiceError(_("%(stocktake)s is %(status)s: it cannot change any more.")
                           % {"stocktake": locked, "status": locked.get_status_display()})
    return locked


@transaction.atomic
def count_line(line: StocktakeLine, *, counted: int | str, by: User) -> StocktakeLine:
    """Record what is on the shelf now. The expected stock is the ledger's at this moment (read under the
    product's lock, after any move being written), so sales recorded later are not undone by the posting."""
    if not can_count(by):
        raise ServiceError(_("Only the product group, customer service, the shop manager and the admins count "
                             "stock."))
    try:
        counted = int(str(counted).strip())
    except ValueError:
        raise ServiceError(_("Count in whole items, not “%(value)s”.") % {"value": counted}) from None
    if counted < 0:
        raise ServiceError(_("A count of %(value)s items cannot be right.") % {"value": counted})
    if refusal := over_the_limit(counted, move_limit()):
        raise ServiceError(refusal)
    line = StocktakeLine.objects.select_for_update().get(pk=line.pk)
    _open_stocktake(line.stocktake)
    product = Product.objects.select_for_update().only("pk", "on_hand").get(pk=line.product_id)
    line.expected_at_count = product.on_hand
    line.counted, line.counted_at, line.counted_by = counted, timezone.now(), by
    line.save(update_fields=["expected_at_count", "counted", "counted_at", "counted_by"])
    return line


@transaction.atomic
def post_stocktake(stocktake: Stocktake, *, by: User | None) -> Stocktake:
    """Write each counted difference (counted − expected when counted) as a stocktake move; the count is then
    closed. Refused while any line is uncounted, and, like any move, if a difference would go below zero."""
    require_stock_rights(by)
    stocktake = _open_stocktake(stocktake)
    lines = list(stocktake.lines.select_related("product").order_by("pk"))
    uncounted = [line for line in lines if line.counted is None]
    if uncounted:
        raise ServiceError(_("%(count)d product(s) are not counted yet (%(skus)s): count them, or press “We cannot "
                             "finish this count”.") % {"count": len(uncounted), "skus": "、".join(
                                 line.product.sku for line in uncounted[:5]) + ("…" if len(uncounted) > 5 else "")})
    differing = [line for line in lines if line.difference]
    moves = [
        StockMove(product=line.product, kind=StockMove.Kind.STOCKTAKE, quantity=line.difference,
                  reason=_("Counted %(counted)d, the ledger said %(expected)d at %(when)s.") % {
                      "counted": line.counted, "expected": line.expected_at_count,
                      "when": moment_text(line.counted_at)},
                  reference=str(stocktake)[:100])
        for line in differing
    ]
    record_moves(moves, by=by)
    for line, move in zip(differing, moves, strict=True):
        line.move = move
    StocktakeLine.objects.bulk_update(differing, ["move"])
    stocktake.lines.update(open=False)
    stocktake.status, stocktake.closed_by, stocktake.closed_at = stocktake.Status.POSTED, by, timezone.now()
    stocktake.save(update_fields=["status", "closed_by", "closed_at"])
    return stocktake


@transaction.atomic
def abandon_stocktake(stocktake: Stocktake, *, by: User | None, reason: str) -> Stocktake:
    require_stock_rights(by)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the count is abandoned."))
    stocktake = _open_stocktake(stocktake)
    stocktake.lines.update(open=False)
    stocktake.status, stocktake.closed_by, stocktake.closed_at = stocktake.Status.ABANDONED, by, timezone.now()
    stocktake.close_reason = reason
    stocktake.save(update_fields=["status", "closed_by", "closed_at", "close_reason"])
    return stocktake


UNCLEAR_DIFFICULTY = "stocktake-incomplete"  # 盘点不清 in roles.playbook


def raise_stocktake_unclear(stocktake: Stocktake, *, by: User, description: str = "") -> Case:
    """“We cannot finish this count”: raise the playbook's 盘点不清 from the person's product-group post, about
    this stocktake (once: pressing it again returns the same case). The count stays open for the helpers."""
    from escalation.services import raise_case
    from roles.models import Difficulty

    posts = selectors.product_posts_held(by)
    if not posts:
        raise ServiceError(_("盘点不清 is the product group's difficulty: only someone holding a post in the product "
                             "group can raise it. Ask the product leader, or raise a free-form case from My posts."))
    difficulty = Difficulty.objects.filter(code=UNCLEAR_DIFFICULTY).first()
    if difficulty is None:
        raise ServiceError(_("The playbook's 盘点不清 difficulty is missing: ask an admin to load the playbook."))
    lines = stocktake.lines.all()
    counted = lines.exclude(counted=None).count()
    summary = _("%(stocktake)s: %(counted)d of %(total)d products counted.") % {
        "stocktake": stocktake, "counted": counted, "total": lines.count()}
    text = "\n".join(part for part in [summary, (description or "").strip()] if part)
    return raise_case(by=by, post=posts[0], difficulty=difficulty, description=text, subject=stocktake,
                      key=f"stocktake-{stocktake.pk}")
