"""Who may use the notification pages: everyone their own; someone else's notification is a 404 (the one walked is
kefu_lead's). The format: tests/access.py."""
from tests.access import SIGNED_IN, Rule, leader

RULES = {
    "notifications:list": Rule(get=SIGNED_IN),
    "notifications:open": Rule(get=leader("customer-service"), post=leader("customer-service"),
                               args={"pk": "notification"}),
    "notifications:mark_all_read": Rule(get=SIGNED_IN, post=SIGNED_IN),
}
