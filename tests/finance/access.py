"""Who may use the money pages (finance/rules.py): the books are finance's and the shop manager's; closing a month
the finance leader's and the shop manager's; promotion requests marketing's (its own: the one walked is
marketing_lead's), finance's and the shop manager's; the supplier cycle finance's, the product leader's and the
shop manager's. The format: tests/access.py."""
from tests.access import MANAGER, SIGNED_IN, Rule, group, leader

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
    "finance:promotion_action": (
        Rule(get=SIGNED_IN, post=BOOKS, args={**PROMOTION, "action": "approve"}),
        Rule(get=SIGNED_IN, post=BOOKS, args={**PROMOTION, "action": "refuse"}),
        Rule(get=SIGNED_IN, post=BOOKS, refused=ASKED_BY, args={**PROMOTION, "action": "refer"}),
        Rule(get=SIGNED_IN, post=BOOKS, refused=ASKED_BY, args={**PROMOTION, "action": "pay"}),
    ),
    "finance:targets": Rule(get=BOOKS, post=MANAGER),  # finance reads the targets; the shop manager sets them
    "finance:reports": (Rule(get=BOOKS), Rule(get=BOOKS, query="export=xlsx")),
    "finance:cycle_list": Rule(get=CYCLES, post=CYCLES, data={"supplier": "supplier", "month": "month"}),
    "finance:cycle_detail": (Rule(get=CYCLES, args=CYCLE), Rule(get=CYCLES, args=CYCLE, query="export=xlsx")),
    "finance:cycle_action": tuple(Rule(get=SIGNED_IN, post=CYCLES, args={**CYCLE, "action": action})
                                  for action in ("build", "send", "settle", "invoice")),
}
