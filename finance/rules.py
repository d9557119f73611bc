"""Who may do what with the shop's money, from the org chart: one rule each, used by pages and services alike.

The finance group (whoever holds a post in 财务组 today) and the shop manager keep the books and read the
management reports; the marketing group asks for promotion spend and sees its own requests; the product
leader sends the supplier its report. What a page offers on a promotion request or a supplier cycle is its
`allowed_actions`, the same set its services accept.
"""
from django.contrib.auth.models import AnonymousUser, User

from escalation import selectors as case_selectors
from roles.selectors import holds_in, is_shop_manager

from .models import PromotionRequest, SupplierCycle

FINANCE, MARKETING, PRODUCT = "finance", "marketing", "product"  # roles.playbook's department codes

Person = User | AnonymousUser


def is_finance(user: Person) -> bool:
    return holds_in(user, FINANCE)


def keeps_the_books(user: Person) -> bool:
    """Reads and writes the ledger and reads the management reports: finance and the shop manager."""
    return user.is_authenticated and (is_shop_manager(user) or is_finance(user))


def closes_months(user: Person) -> bool:
    """Closes and reopens a month's books: the finance leader and the shop manager."""
    return user.is_authenticated and (is_shop_manager(user) or holds_in(user, FINANCE, leader=True))


def is_marketing(user: Person) -> bool:
    return holds_in(user, MARKETING)


def sees_promotions(user: Person) -> bool:
    """Promotion requests: marketing (its own), finance and the shop manager (all)."""
    return keeps_the_books(user) or is_marketing(user)


def is_product_leader(user: Person) -> bool:
    return holds_in(user, PRODUCT, leader=True)


def sees_supplier_cycles(user: Person) -> bool:
    """The supplier's monthly report and its settlement: finance, the product leader and the shop manager."""
    return keeps_the_books(user) or is_product_leader(user)


def sends_supplier_reports(user: Person) -> bool:
    """Marks a report sent (and rebuilds it): the product leader, finance and the shop manager."""
    return sees_supplier_cycles(user)


def sees_finance(user: Person) -> bool:
    """Any finance page at all: the navigation link."""
    return keeps_the_books(user) or is_marketing(user) or is_product_leader(user)


# --- promotion requests ------------------------------------------------------------------------------------


def may_decide(request: PromotionRequest, user: Person) -> bool:
    """Who may approve or refuse now: finance or the shop manager while it waits for finance or after its case
    was resolved on the case page; while its 财务支出 case is open, whoever the case is with."""
    if request.status == PromotionRequest.Status.REQUESTED:
        return keeps_the_books(user)
    if request.status == PromotionRequest.Status.ESCALATED:
        if request.case is not None and request.case.is_open:
            return bool(case_selectors.is_current_contact(request.case, user))
        return keeps_the_books(user)
    return False


def may_refer(request: PromotionRequest, user: Person) -> bool:
    """Finance sends a request it disputes, or one above its limit, on to the shop manager."""
    if request.status == PromotionRequest.Status.REQUESTED:
        return user.is_authenticated and is_finance(user) and not is_shop_manager(user)
    if request.status == PromotionRequest.Status.ESCALATED and request.case is not None and request.case.is_open:
        return bool(case_selectors.is_current_contact(request.case, user)) and not request.case.at_last_step
    return False


def may_pay(request: PromotionRequest, user: Person) -> bool:
    return request.status == PromotionRequest.Status.APPROVED and keeps_the_books(user)


def promotion_actions(request: PromotionRequest, user: Person) -> frozenset[str]:
    """What `user` may do with the request now: "approve", "refuse", "refer", "pay"."""
    actions = set()
    if may_decide(request, user):
        actions |= {"approve", "refuse"}
    if may_refer(request, user):
        actions.add("refer")
    if may_pay(request, user):
        actions.add("pay")
    return frozenset(actions)


# --- the supplier cycle ------------------------------------------------------------------------------------


def may_send_cycle(user: Person, cycle: SupplierCycle) -> bool:
    """Send the report now: built, and not yet sent or rebuilt since (a rebuild is sent again)."""
    return (sends_supplier_reports(user) and cycle.is_built
            and (not cycle.is_sent or cycle.rows != cycle.sent_rows))


def may_settle_cycle(user: Person, cycle: SupplierCycle) -> bool:
    """Record the settlement: built and not settled yet, or settled by a ledger entry that was reversed since (a
    settlement of zero has no entry to reverse: it stays)."""
    if not keeps_the_books(user) or not cycle.is_built:
        return False
    if cycle.settlement_entry is not None:
        return cycle.settlement_entry.is_reversed
    return not cycle.is_settled


def may_invoice_cycle(user: Person, cycle: SupplierCycle) -> bool:
    """Record the invoice: built and not yet invoiced (a second invoice is refused, as a second settlement)."""
    return keeps_the_books(user) and cycle.is_built and not cycle.is_invoiced


def cycle_actions(cycle: SupplierCycle, user: Person) -> frozenset[str]:
    """What `user` may do with the cycle now: "send", "settle", "invoice"."""
    actions = set()
    if may_send_cycle(user, cycle):
        actions.add("send")
    if may_settle_cycle(user, cycle):
        actions.add("settle")
    if may_invoice_cycle(user, cycle):
        actions.add("invoice")
    return frozenset(actions)


def allowed_actions(obj: PromotionRequest | SupplierCycle, user: Person) -> frozenset[str]:
    """The buttons a page shows on `obj`, and the actions its services accept: one answer for both."""
    if isinstance(obj, PromotionRequest):
        return promotion_actions(obj, user)
    return cycle_actions(obj, user)
