"""The demo's after-sales work, on the orders inventory's demo imports (inventory/demo.py's week), made through the
services; safe to run again (each record is looked up by its order before it is made)."""
from decimal import Decimal

from django.contrib.auth import get_user_model

from inventory.models import TaobaoOrder

from . import services
from .models import Complaint, FollowUp, ReturnRequest, Review


def order(suffix):
    return TaobaoOrder.objects.filter(order_id=f"35153131473293580{suffix:02d}").first()


def load():
    people = {u.username: u for u in get_user_model().objects.filter(username__in=["kefu_a", "kefu_lead"])}
    agent, lead = people.get("kefu_a"), people.get("kefu_lead")
    if agent is None or lead is None or order(12) is None:
        return "skipped (no demo team or no demo orders)"
    made = 0
    for suffix, by, wants, done, escalate in [
        (12, agent, "物流太慢，要求补偿运费", "已致歉并发放 5 元优惠券", False),
        (14, agent, "收到两盒都压坏了，要求全额退款并赔偿 100 元", "", True),
        (13, lead, "少发了一包赠品", "", False),
    ]:
        complaint = services.record_complaint(by=by, order_id=order(suffix).order_id, wants=wants,
                                              key=f"demo-{suffix}")
        made += complaint.events.count() == 1
        if done and complaint.status == Complaint.Status.OPEN:
            services.record_complaint_action(complaint, by=by, done=done, close=True)
        if escalate and complaint.status == Complaint.Status.OPEN:
            services.escalate_complaint(complaint, by=by, claim="赔偿 100 元超出售后规定（最多补发或退款）")
    for suffix, text, outcome, contact in [
        (19, "味道和以前买的不一样，差评", Review.Outcome.WITHDRAWN, "电话沟通，是新批次，已补发一包试喝装"),
        (21, "快递太慢", Review.Outcome.KEPT, "旺旺留言致歉，买家未回复"),
        (23, "包装简陋", None, "旺旺联系，买家说考虑一下"),
    ]:
        target = order(suffix)
        if Review.objects.filter(order=target).exists():
            continue
        review = services.record_review(by=agent, order_id=target.order_id, rating=Review.Rating.NEGATIVE,
                                        left_on=target.received_at.date(), text_=text)
        services.record_review_contact(review, by=agent, note=contact)
        if outcome:
            services.close_review(review, by=agent, outcome=outcome)
        made += 1
    for suffix, kind, answer in [(20, FollowUp.Kind.RECEIVED, FollowUp.Answer.SATISFIED),
                                 (9, FollowUp.Kind.UNPAID, FollowUp.Answer.WILL_PAY)]:
        target = order(suffix)
        if target and not FollowUp.objects.filter(order=target, kind=kind).exists():
            services.record_follow_up(by=agent, order=target, kind=kind, answer=answer, note="")
            made += 1
    for suffix, kind, reason, amount in [(18, ReturnRequest.Kind.RETURN, "金银花受潮", Decimal("26.00")),
                                         (25, ReturnRequest.Kind.EXCHANGE, "想换成 50g 装", None)]:
        target = order(suffix)
        if ReturnRequest.objects.filter(order=target).exists():
            continue
        request = services.record_return(by=agent, order_id=target.order_id, kind=kind, reason=reason)
        if amount is not None:
            services.check_return(request, by=agent, accept=True, amount=amount, note="退回商品已验，确有受潮")
        made += 1
    return f"{made} after-sales records" if made else None
