"""Who may do what with the shop's money, from the org chart: one rule each, used by pages and services alike.

The finance group (whoever holds a post in 财务组 today) and the shop manager keep the books and read the
management reports; the marketing group asks for promotion spend and sees its own requests; the product
leader sends the supplier its report.
"""
from roles.selectors import holds_in, is_shop_manager

FINANCE, MARKETING, PRODUCT = "finance", "marketing", "product"  # roles.playbook's department codes


def is_finance(user):
    return holds_in(user, FINANCE)


def keeps_the_books(user):
    """Reads and writes the ledger and reads the management reports: finance and the shop manager."""
    return user.is_authenticated and (is_shop_manager(user) or is_finance(user))


def closes_months(user):
    """Closes and reopens a month's books: the finance leader and the shop manager."""
    return user.is_authenticated and (is_shop_manager(user) or holds_in(user, FINANCE, leader=True))


def is_marketing(user):
    return holds_in(user, MARKETING)


def sees_promotions(user):
    """Promotion requests: marketing (its own), finance and the shop manager (all)."""
    return keeps_the_books(user) or is_marketing(user)


def is_product_leader(user):
    return holds_in(user, PRODUCT, leader=True)


def sees_supplier_cycles(user):
    """The supplier's monthly report and its settlement: finance, the product leader and the shop manager."""
    return keeps_the_books(user) or is_product_leader(user)


def sends_supplier_reports(user):
    """Marks a report sent (and rebuilds it): the product leader, finance and the shop manager."""
    return sees_supplier_cycles(user)


def may_send_cycle(user, cycle):
    """Send the report now: built, and not yet sent or rebuilt since (a rebuild is sent again)."""
    return (sends_supplier_reports(user) and cycle.is_built
            and (not cycle.is_sent or cycle.rows != cycle.sent_rows))


def may_invoice_cycle(user, cycle):
    """Record the invoice: built and not yet invoiced (a second invoice is refused, as a second settlement)."""
    return keeps_the_books(user) and cycle.is_built and not cycle.is_invoiced


def sees_finance(user):
    """Any finance page at all: the navigation link."""
    return keeps_the_books(user) or is_marketing(user) or is_product_leader(user)
