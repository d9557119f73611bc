"""Who may use the after-sales desk (aftersales/rules.py): the desk is customer service's and the shop manager's,
a 403 to everyone else; finance reads the returns page and the returns handed to it. The records walked are
kefu_a's (a complaint, a review, a follow-up and a return being checked, on imported orders) and a return handed to
finance; a complaint recorded by the customer-service leader is corrected by the leader and the shop manager, and
refused to kefu_a, who did not record it. Every action is answered to the desk and refused (403) to the others;
the after-sales case is raised from a customer-service post, so the shop manager's escalation is refused by the
service. The format: tests/access.py."""
from decimal import Decimal

from django.utils import timezone

from tests.access import MANAGER, SIGNED_IN, Rule, group, leader

DESK = group("customer-service") | MANAGER  # rules.works_desk
RETURNS = DESK | group("finance")  # rules.sees_returns
COMPLAINT, REVIEW = {"pk": "aftersales_complaint"}, {"pk": "aftersales_review"}
RETURN, HANDED = {"pk": "aftersales_return"}, {"pk": "aftersales_handed_return"}


def TODAY(made):  # noqa: N802 (a value, computed when the walk sends it)
    return timezone.localdate().isoformat()


def objects(team, made):
    """kefu_a's complaint, review, follow-up and return being checked, a return handed to finance, the customer-service
    leader's complaint, an order received 8 days ago waiting for its follow-up, and one with nothing recorded."""
    from aftersales import services
    from tests.aftersales.factories import complaint, received_order, review
    from tests.inventory.factories import TaobaoOrderFactory

    agent = team["kefu_a"]
    checking = services.record_return(by=agent, order_id=TaobaoOrderFactory().order_id, kind="return",
                                      reason="茶叶受潮")
    handed = services.record_return(by=agent, order_id=TaobaoOrderFactory(paid_amount=Decimal("50.00")).order_id,
                                    kind="return", reason="包装破损")
    services.check_return(handed, by=agent, accept=True, amount=Decimal("10.00"), note="破损属实")
    return {
        "aftersales_complaint": complaint(agent),
        "aftersales_lead_complaint": complaint(team["kefu_lead"], wants="要求退款"),
        "aftersales_review": review(agent),
        "aftersales_follow_up": services.record_follow_up(by=agent, order=received_order(9), kind="received",
                                                          answer="satisfied"),
        "aftersales_return": checking, "aftersales_handed_return": handed,
        "aftersales_due_order": received_order(8),  # on the follow-up list, no review yet
        "aftersales_fresh_order": TaobaoOrderFactory(),
    }


def order_id(name):
    return lambda made: made[name].order_id


CORRECTIONS = [("complaint", "aftersales_complaint", "wants"), ("review", "aftersales_review", "text"),
               ("follow_up", "aftersales_follow_up", "note"), ("return", "aftersales_return", "reason")]

RULES = {
    "aftersales:desk": Rule(get=DESK),
    "aftersales:complaints": (Rule(get=DESK), Rule(get=DESK, query="closed=1")),
    "aftersales:complaint_create": Rule(get=DESK, post=DESK, writes=True, data={
        "order_id": order_id("aftersales_fresh_order"), "wants": "要求补发", "key": "walk"}),
    "aftersales:complaint": Rule(get=DESK, args=COMPLAINT),
    "aftersales:complaint_act": (
        Rule(get=SIGNED_IN, post=DESK, args=COMPLAINT, data={"done": "已补发"}, writes=True),
        Rule(get=SIGNED_IN, post=DESK, args=COMPLAINT, data={"done": "已退款", "close": "1"}, writes=True),
    ),
    # The case is raised from the agent's customer-service post: the shop manager (and an admin) hold none.
    "aftersales:complaint_escalate": Rule(get=SIGNED_IN, post=group("customer-service"), refused=MANAGER,
                                          args=COMPLAINT, data={"claim": "要求三倍赔偿"}, writes=True),
    "aftersales:reviews": (Rule(get=DESK), Rule(get=DESK, query="closed=1")),
    "aftersales:review_create": Rule(get=DESK, post=DESK, writes=True, data={
        "order_id": order_id("aftersales_due_order"), "rating": "negative", "left_on": TODAY, "text": "太慢"}),
    "aftersales:review": Rule(get=DESK, args=REVIEW),
    "aftersales:review_contact": Rule(get=SIGNED_IN, post=DESK, args=REVIEW, data={"note": "已联系买家"},
                                      writes=True),
    "aftersales:review_close": Rule(get=SIGNED_IN, post=DESK, args=REVIEW, data={"outcome": "withdrawn"},
                                    writes=True),
    "aftersales:follow_ups": (Rule(get=DESK), Rule(get=DESK, query="list=unpaid")),
    "aftersales:follow_up_record": Rule(get=SIGNED_IN, post=DESK, args={"pk": "aftersales_due_order"},
                                        data={"kind": "received", "answer": "satisfied", "note": "好评"},
                                        writes=True),
    "aftersales:returns": (Rule(get=RETURNS), Rule(get=RETURNS, query="finance=1")),
    "aftersales:return_create": Rule(get=DESK, post=DESK, writes=True, data={
        "order_id": order_id("aftersales_fresh_order"), "kind": "exchange", "reason": "换口味"}),
    # A return still being checked is the desk's; one handed to finance is finance's to read too.
    "aftersales:return": (Rule(get=DESK, args=RETURN), Rule(get=RETURNS, args=HANDED)),
    "aftersales:return_check": Rule(get=SIGNED_IN, post=DESK, args=RETURN, data={"accept": "no", "note": "已拆封"},
                                    writes=True),
    "aftersales:buyer": (Rule(get=DESK), Rule(get=DESK, query="q=walk")),
    # Corrected by whoever recorded it (kefu_a), their leader and the shop manager: all of the desk the walk has.
    "aftersales:correct": tuple(
        Rule(get=SIGNED_IN, post=DESK, args={"kind": kind, "pk": name}, writes=True,
             data={"field": field, "value": "更正后的内容", "reason": "记错了"})
        for kind, name, field in CORRECTIONS) + (
        # The leader's own complaint: kefu_a did not record it and does not lead its author.
        Rule(get=SIGNED_IN, post=leader("customer-service") | MANAGER, refused=group("customer-service"),
             args={"kind": "complaint", "pk": "aftersales_lead_complaint"}, writes=True,
             data={"field": "wants", "value": "要求部分退款", "reason": "记错了"}),
    ),
}
