"""Who may use the money pages (finance/rules.py): the books are finance's and the shop manager's; closing a month
the finance leader's and the shop manager's; promotion requests marketing's (its own: the one walked is
marketing_lead's), finance's and the shop manager's; the supplier cycle finance's, the product leader's and the
shop manager's. The format: tests/access.py."""
from django.utils import timezone

from tests.access import MANAGER, NOBODY, SIGNED_IN, Rule, group, leader


def TODAY(made):  # noqa: N802 (a value, computed when the walk sends it)
    return timezone.localdate().isoformat()


BOOKS = group("finance") | MANAGER  # rules.keeps_the_books
MARKETING = group("marketing")
ASKED_BY = leader("marketing")
PROMOTIONS = BOOKS | MARKETING  # rules.sees_promotions
SEES_THE_REQUEST = BOOKS | ASKED_BY
CYCLES = BOOKS | leader("product")  # rules.sees_supplier_cycles
ENTRY, PROMOTION, CYCLE = {"pk": "entry"}, {"pk": "promotion"}, {"pk": "cycle"}
SIGNED_IN_FINANCE = PROMOTIONS | CYCLES

RULES = {
    "finance:home": Rule(get=SIGNED_IN_FINANCE),
    "finance:ledger": (Rule(get=BOOKS), Rule(get=BOOKS, query="export=xlsx")),
    "finance:entry_new": Rule(get=BOOKS, post=BOOKS),
    "finance:entry_detail": Rule(get=BOOKS, args=ENTRY),
    "finance:entry_reverse": Rule(get=SIGNED_IN, post=BOOKS, args=ENTRY),
    "finance:months": Rule(get=BOOKS),
    "finance:month_action": tuple(
        Rule(get=SIGNED_IN, post=leader("finance") | MANAGER, args={"month": "month", "action": action})
        for action in ("close", "reopen")),
    "finance:promotion_list": Rule(get=PROMOTIONS),
    "finance:promotion_new": Rule(get=MARKETING, post=MARKETING),  # only marketing asks
    "finance:promotion_detail": Rule(get=SEES_THE_REQUEST, args=PROMOTION),
    # Filled in as the request's page sends them, so that a refusal is the rule's, not the form's. The request
    # waits for finance: finance and the shop manager decide, finance sends it on to the shop manager; nobody pays
    # it before it is approved.
    "finance:promotion_action": (
        Rule(get=SIGNED_IN, post=BOOKS, args={**PROMOTION, "action": "approve"}, data={"amount": "800.00"},
             writes=True),
        Rule(get=SIGNED_IN, post=BOOKS, args={**PROMOTION, "action": "refuse"}, data={"reason": "预算不足"},
             writes=True),
        Rule(get=SIGNED_IN, post=group("finance"), refused=ASKED_BY | MANAGER, args={**PROMOTION, "action": "refer"},
             data={"reason": "请店长定"}, writes=True),
        Rule(get=SIGNED_IN, post=NOBODY, refused=SEES_THE_REQUEST, args={**PROMOTION, "action": "pay"},
             data={"date": TODAY}),
    ),
    "finance:targets": Rule(get=BOOKS, post=MANAGER),  # finance reads the targets; the shop manager sets them
    "finance:reports": (Rule(get=BOOKS), Rule(get=BOOKS, query="export=xlsx")),
    "finance:cycle_list": Rule(get=CYCLES, post=CYCLES, data={"supplier": "supplier", "month": "month"}),
    "finance:cycle_detail": (Rule(get=CYCLES, args=CYCLE), Rule(get=CYCLES, args=CYCLE, query="export=xlsx")),
    # Sending is the product leader's as much as finance's; settling and the invoice are finance's alone.
    "finance:cycle_action": (
        Rule(get=SIGNED_IN, post=CYCLES, args={**CYCLE, "action": "build"}),
        Rule(get=SIGNED_IN, post=CYCLES, args={**CYCLE, "action": "send"}, data={"on": TODAY, "how": "邮件"},
             writes=True),
        Rule(get=SIGNED_IN, post=BOOKS, refused=leader("product"), args={**CYCLE, "action": "settle"},
             data={"amount": lambda made: made["cycle"].cost_total, "date": TODAY}, writes=True),
        Rule(get=SIGNED_IN, post=BOOKS, refused=leader("product"), args={**CYCLE, "action": "invoice"},
             data={"number": "No.7", "date": TODAY, "amount": "39.00"}, writes=True),
    ),
}
