"""Who may use the stock pages: everyone reads products, alerts, restock requests and stocktakes; the product group,
the shop manager and the admins change stock (imports are theirs alone, pages included); customer service helps
count. The format: tests/access.py."""
from tests.access import MANAGER, SIGNED_IN, Rule, group

KEEPERS = group("product") | MANAGER  # inventory.selectors.can_change_stock
COUNTERS = KEEPERS | group("customer-service")  # inventory.services.can_count
PRODUCT, IMPORT, STOCKTAKE, RESTOCK = {"pk": "product"}, {"pk": "import"}, {"pk": "stocktake"}, {"pk": "restock"}

RULES = {
    "inventory:product_list": (Rule(get=SIGNED_IN), Rule(get=SIGNED_IN, query="format=xlsx")),
    "inventory:product_create": Rule(get=KEEPERS, post=KEEPERS),
    "inventory:product_import": Rule(get=KEEPERS, post=KEEPERS),
    "inventory:product_detail": Rule(get=SIGNED_IN, args=PRODUCT),
    "inventory:product_edit": Rule(get=KEEPERS, post=KEEPERS, args=PRODUCT),
    "inventory:move_create": Rule(get=SIGNED_IN, post=KEEPERS, args=PRODUCT),
    "inventory:move_reverse": Rule(get=SIGNED_IN, post=KEEPERS, args={"pk": "move"}),
    "inventory:import_list": Rule(get=KEEPERS, post=KEEPERS),
    "inventory:import_detail": Rule(get=KEEPERS, args=IMPORT),
    "inventory:import_progress": Rule(get=KEEPERS, args=IMPORT),
    "inventory:import_file": Rule(get=KEEPERS, args=IMPORT),
    "inventory:import_action": tuple(Rule(get=SIGNED_IN, post=KEEPERS, args={**IMPORT, "action": action})
                                     for action in ("start", "retry", "cancel")),
    "inventory:stocktake_list": Rule(get=SIGNED_IN, post=KEEPERS),
    "inventory:stocktake_detail": Rule(get=SIGNED_IN, args=STOCKTAKE),
    "inventory:stocktake_review": Rule(get=SIGNED_IN, args=STOCKTAKE),
    "inventory:stocktake_action": (
        Rule(get=SIGNED_IN, post=COUNTERS, args={**STOCKTAKE, "action": "unclear"}),
        Rule(get=SIGNED_IN, post=KEEPERS, args={**STOCKTAKE, "action": "post"}),
        Rule(get=SIGNED_IN, post=KEEPERS, args={**STOCKTAKE, "action": "abandon"}),
    ),
    "inventory:count_line": Rule(get=SIGNED_IN, post=COUNTERS, args={"pk": "stocktake_line"}),
    "inventory:alert_list": Rule(get=SIGNED_IN),
    "inventory:restock_detail": (Rule(get=SIGNED_IN, args=RESTOCK),
                                  Rule(get=SIGNED_IN, args=RESTOCK, query="format=xlsx")),
    "inventory:restock_receive": Rule(get=SIGNED_IN, post=KEEPERS, args=RESTOCK),
    "inventory:restock_edit": Rule(get=SIGNED_IN, post=KEEPERS, args=RESTOCK),
    "inventory:restock_action": tuple(Rule(get=SIGNED_IN, post=KEEPERS, args={**RESTOCK, "action": action})
                                      for action in ("send", "cancel")),
}
