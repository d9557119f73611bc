"""The demo's after-sales week, on the orders inventory's demo imports (inventory/demo.py's week), made through the
services by customer service (赵客服 the agent, 李客服 the leader): over the past six days complaints handled, negative
reviews worked (one withdrawn, one kept, one still open), a follow-up after receipt and returns checked; today a
complaint goes to the shop manager and an unpaid order is chased (催付).

Demo only: the services stamp a record with the moment they make it; `backdate` then moves the record's times and
its event rows to the working hour of its day, so the week's work falls on its days (and its month in
`selectors.monthly_counts`). Safe to run again: each record is looked up by its order before it is made."""
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils import timezone

from inventory.models import TaobaoOrder

from . import services
from .models import FollowUp, ReturnRequest, Review

# Complaints: (order suffix, who, what the buyer wants, what was done, recorded, closed, escalated today). A moment
# is (days ago, hour, minute).
COMPLAINTS = [
    (12, "kefu_a", "物流太慢，要求补偿运费", "已致歉并发放 5 元优惠券", (2, 10, 5), (2, 14, 30), False),
    (14, "kefu_a", "收到两盒都压坏了，要求全额退款并赔偿 100 元", "", (1, 11, 20), None, True),
    (13, "kefu_lead", "少发了一包赠品", "", (3, 15, 10), None, False),
]
# Negative reviews: (order suffix, what the buyer wrote, outcome, the contact, recorded, contacted, closed).
REVIEWS = [
    (19, "味道和以前买的不一样，差评", Review.Outcome.WITHDRAWN, "电话沟通，是新批次，已补发一包试喝装",
     (6, 9, 40), (6, 10, 0), (5, 16, 0)),
    (21, "快递太慢", Review.Outcome.KEPT, "旺旺留言致歉，买家未回复", (4, 10, 30), (4, 10, 45), (3, 11, 0)),
    (23, "包装简陋", None, "旺旺联系，买家说考虑一下", (2, 9, 30), (2, 9, 50), None),
]
# Follow-ups: (order suffix, list, answer, when; None: today, as it happens).
FOLLOW_UPS = [(20, FollowUp.Kind.RECEIVED, FollowUp.Answer.SATISFIED, (1, 14, 0)),
              (9, FollowUp.Kind.UNPAID, FollowUp.Answer.WILL_PAY, None)]
# Returns: (order suffix, kind, reason, amount accepted (None: still being checked), recorded, checked).
RETURNS = [(18, ReturnRequest.Kind.RETURN, "金银花受潮", Decimal("26.00"), (4, 14, 0), (3, 10, 30)),
           (25, ReturnRequest.Kind.EXCHANGE, "想换成 50g 装", None, (1, 16, 10), None)]


def order(suffix):
    return TaobaoOrder.objects.filter(order_id=f"35153131473293580{suffix:02d}").first()


def moment(when):
    """That working hour, (days ago, hour, minute) before today (Shanghai time)."""
    days_ago, hour, minute = when
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour, minute), timezone.get_current_timezone())


def backdate(record: Model, when, *fields: str, since: datetime.datetime) -> None:
    """Demo only: move `fields` of a record a service has just made or changed, and its events written since
    `since` (the start of this load), to the moment `when`."""
    at = moment(when)
    type(record)._default_manager.filter(pk=record.pk).update(**{field: at for field in fields})
    record.events.filter(at__gte=since).update(at=at)  # type: ignore[attr-defined]


def load():
    people = {u.username: u for u in get_user_model().objects.filter(username__in=["kefu_a", "kefu_lead"])}
    agent = people.get("kefu_a")
    if agent is None or "kefu_lead" not in people or order(12) is None:
        return "skipped (no demo team or no demo orders)"
    since = timezone.now()
    made = 0
    for suffix, username, wants, done, recorded, closed, escalate in COMPLAINTS:
        by = people[username]
        complaint = services.record_complaint(by=by, order_id=order(suffix).order_id, wants=wants,
                                              key=f"demo-{suffix}")
        if complaint.created_at < since:
            continue
        made += 1
        backdate(complaint, recorded, "created_at", since=since)
        if done:
            services.record_complaint_action(complaint, by=by, done=done, close=True)
            backdate(complaint, closed, "closed_at", since=since)
        if escalate:
            services.escalate_complaint(complaint, by=by, claim="赔偿 100 元超出售后规定（最多补发或退款）")
    for suffix, text, outcome, contact, recorded, contacted, closed in REVIEWS:
        target = order(suffix)
        if Review.objects.filter(order=target).exists():
            continue
        review = services.record_review(by=agent, order_id=target.order_id, rating=Review.Rating.NEGATIVE,
                                        left_on=target.received_at.date(), text_=text)
        backdate(review, recorded, "created_at", since=since)
        services.record_review_contact(review, by=agent, note=contact)
        backdate(review, contacted, since=since)
        if outcome:
            services.close_review(review, by=agent, outcome=outcome)
            backdate(review, closed, "closed_at", since=since)
        made += 1
    for suffix, kind, answer, when in FOLLOW_UPS:
        target = order(suffix)
        if target and not FollowUp.objects.filter(order=target, kind=kind).exists():
            follow_up = services.record_follow_up(by=agent, order=target, kind=kind, answer=answer, note="")
            if when:
                backdate(follow_up, when, "at", since=since)
            made += 1
    for suffix, kind, reason, amount, recorded, checked in RETURNS:
        target = order(suffix)
        if ReturnRequest.objects.filter(order=target).exists():
            continue
        request = services.record_return(by=agent, order_id=target.order_id, kind=kind, reason=reason)
        backdate(request, recorded, "created_at", since=since)
        if amount is not None:
            services.check_return(request, by=agent, accept=True, amount=amount, note="退回商品已验，确有受潮")
            backdate(request, checked, "handed_at", since=since)
        made += 1
    return f"{made} after-sales records" if made else None
