"""Who may use the shipping desk (README "Shipping desk", shipping.selectors and shipping.rules): the desk, the pick
list and an order's pack page are the product group's, the shop manager's and the admins'; customer service also
sees the problem parcels, but only the desk records on them; storeroom incidents are the product leader's, the shop
manager's and the admins'. The shipment, the problem parcel and the incident walked are product_lead's, so a
correction is refused to the product group's members (only the maker and their leader correct). The format:
tests/access.py."""
from tests.access import MANAGER, SIGNED_IN, Rule, group, leader, member

DESK = group("product") | MANAGER  # shipping.selectors.works_the_desk
PROBLEM_VIEWERS = DESK | group("customer-service")  # shipping.selectors.sees_problem_parcels
INCIDENT_KEEPERS = leader("product") | MANAGER  # shipping.selectors.records_incidents
CORRECTORS = DESK - member("product")  # product_lead made them: himself, his leader (the shop manager), the admins
OPEN, SHIPPED = {"order_id": "open_order_number"}, {"order_id": "shipped_order_number"}
PROBLEM, INCIDENT, LOSS = {"pk": "problem_parcel"}, {"pk": "incident"}, {"pk": "stocktake_loss"}


def objects(team, made):
    """An imported order waiting to ship; another shipped by the product leader (the shipment), with a problem
    parcel he recorded; a storeroom incident and a packing problem he recorded; and a posted stocktake with a loss
    over the threshold."""
    from django.utils import timezone

    from shipping import services
    from tests.inventory.factories import TaobaoOrderFactory, TaobaoOrderLineFactory
    from tests.shipping.factories import posted_stocktake

    def paid_order():
        order = TaobaoOrderFactory()
        TaobaoOrderLineFactory(order=order, product__shelf="A-1")
        return order

    lead = team["product_lead"]
    waiting, shipped = paid_order(), paid_order()
    services.ship_order(shipped, by=lead, carrier="中通快递", waybill="ZT-WALK-1",
                        checked_lines=list(shipped.lines.values_list("pk", flat=True)))
    problem = services.record_problem_parcel(shipped, by=lead, kind="lost", what_done="查件")
    incident = services.record_incident(by=lead, kind="loss", happened_on=timezone.localdate(), what_happened="丢件")
    loss = posted_stocktake(lead, [("80.00", 10, 7)])
    damaged = services.report_packing_problem(paid_order(), by=lead, kind="damaged", note="外箱破损")
    return {"open_order": waiting, "open_order_number": waiting.order_id, "shipment": shipped.parcel,
            "shipped_order_number": shipped.order_id, "problem_parcel": problem, "incident": incident,
            "stocktake_loss": loss, "packing_problem": damaged}


def _order_action(args, **rule):
    """An order page's form: a GET is sent back to the order's page; only the desk posts it."""
    return Rule(get=SIGNED_IN, post=rule.pop("post", DESK), args=args, **rule)


RULES = {
    "shipping:desk": (Rule(get=DESK), Rule(get=DESK, query="order=never-imported")),
    "shipping:pick_list": Rule(get=DESK),
    "shipping:record_picked": Rule(get=SIGNED_IN, post=DESK,
                                   data={"order": lambda made: made["open_order"].pk}, writes=True),
    "shipping:order": (Rule(get=DESK, args=OPEN), Rule(get=DESK, args=SHIPPED)),
    "shipping:ship": _order_action(OPEN, data={"carrier": "圆通速递", "waybill": "YT-WALK-2",
                                               "line": lambda made: made["open_order"].lines.first().pk},
                                   writes=True),
    "shipping:packing_problem": _order_action(OPEN, data={"kind": "damaged", "note": "外箱破损"}, writes=True),
    "shipping:new_problem_parcel": _order_action(SHIPPED, data={"kind": "returned", "what_done": "已联系买家"},
                                                 writes=True),
    "shipping:correct_shipment": _order_action(
        SHIPPED, post=CORRECTORS, refused=member("product"), writes=True,
        data={"carrier": "韵达快递", "waybill": "YD-WALK-3", "reason": "运单号录错"}),
    # The order page's correction form (its fields are prefixed by the problem's pk, so the walk sends none: the
    # desk's POST is answered, with nothing written; the others are turned away).
    "shipping:correct_packing_problem": Rule(get=SIGNED_IN, post=DESK, args={"pk": "packing_problem"}),
    "shipping:problem_parcels": (Rule(get=PROBLEM_VIEWERS), Rule(get=PROBLEM_VIEWERS, query="all=1")),
    "shipping:problem_parcel": Rule(get=PROBLEM_VIEWERS, args=PROBLEM),
    "shipping:problem_parcel_action": (
        Rule(get=SIGNED_IN, post=DESK, args={**PROBLEM, "action": "follow_up"}, data={"what_done": "再次查件"},
             writes=True),
        Rule(get=SIGNED_IN, post=DESK, args={**PROBLEM, "action": "close"}, data={"what_done": "已赔付"},
             writes=True),
        Rule(get=SIGNED_IN, post=CORRECTORS, refused=member("product"), args={**PROBLEM, "action": "correct"},
             data={"kind": "refused", "reason": "买家拒收"}, writes=True),
    ),
    "shipping:incidents": Rule(get=INCIDENT_KEEPERS, post=INCIDENT_KEEPERS, writes=True, data={
        "kind": "damage", "happened_on": lambda made: made["incident"].happened_on.isoformat(),
        "what_happened": "货架倒了"}),
    "shipping:incident": Rule(get=INCIDENT_KEEPERS, post=INCIDENT_KEEPERS, args=INCIDENT, writes=True, data={
        "kind": "damage", "happened_on": lambda made: made["incident"].happened_on.isoformat(),
        "what_happened": "货架倒了", "reason": "记错了类别"}),
    # A stocktake loss over the threshold: confirmed as an incident or not, by the incidents' keepers only.
    "shipping:stocktake_loss_action": (
        Rule(get=SIGNED_IN, post=INCIDENT_KEEPERS, args={**LOSS, "action": "confirm_loss"}, writes=True),
        Rule(get=SIGNED_IN, post=INCIDENT_KEEPERS, args={**LOSS, "action": "dismiss_loss"}, writes=True,
             data={"note": "复盘后数量无误"}),
    ),
}
