"""The after-sales desk's reads: its lists, a buyer's page, a record's history, and the per person and month counts
that pay and assessment read (`monthly_counts`, `month_had_negative_review`)."""
from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from inventory import taobao
from inventory.models import TaobaoOrder
from shopteam.periods import first_of_month, month_moments, next_month

from .models import AfterSalesSettings, Complaint, Event, FollowUp, ReturnRequest, Review

OPEN_COMPLAINT = ~Q(status=Complaint.Status.CLOSED)


def complaint_list(*, closed: bool = False) -> QuerySet[Complaint]:
    rows = Complaint.objects.select_related("order", "recorded_by", "handled_by")
    return rows.filter(status=Complaint.Status.CLOSED) if closed else rows.filter(OPEN_COMPLAINT)


def review_list(*, closed: bool = False) -> QuerySet[Review]:
    rows = Review.objects.select_related("order", "recorded_by", "withdrawn_by").annotate(
        contacts=Count("events", filter=Q(events__kind=Event.Kind.CONTACT)))
    rows = rows.order_by("-left_on", "-pk")
    return rows.exclude(outcome=Review.Outcome.OPEN) if closed else rows.filter(outcome=Review.Outcome.OPEN)


def return_list(*, for_finance: bool = False) -> QuerySet[ReturnRequest]:
    rows = ReturnRequest.objects.select_related("order", "recorded_by", "checked_by")
    if for_finance:
        return rows.filter(status=ReturnRequest.Status.TO_FINANCE).order_by("-handed_at", "-pk")
    return rows


def returns_for_finance(*, start: datetime.date | None = None, end: datetime.date | None = None
                        ) -> QuerySet[ReturnRequest]:
    """What finance reads: every return handed to it with its amount, newest first, optionally between two days."""
    rows = return_list(for_finance=True)
    if start:
        rows = rows.filter(handed_at__date__gte=start)
    if end:
        rows = rows.filter(handed_at__date__lte=end)
    return rows


def follow_up_due(now: datetime.datetime | None = None) -> QuerySet[TaobaoOrder]:
    """The day's follow-up list: orders whose receipt was confirmed at least `follow_up_after_days` ago (and within
    the window), with no review recorded and not followed up yet; the oldest receipt first."""
    now = now or timezone.now()
    shop = AfterSalesSettings.current()
    latest = now - datetime.timedelta(days=shop.follow_up_after_days)
    earliest = latest - datetime.timedelta(days=shop.follow_up_window_days)
    return (TaobaoOrder.objects.filter(received_at__lte=latest, received_at__gt=earliest)
            .exclude(Exists(Review.objects.filter(order=OuterRef("pk"))))
            .exclude(Exists(FollowUp.objects.filter(order=OuterRef("pk"), kind=FollowUp.Kind.RECEIVED)))
            .order_by("received_at", "pk"))


def _today(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + datetime.timedelta(days=1)


def unpaid_due(now: datetime.datetime | None = None) -> QuerySet[TaobaoOrder]:
    """The 催付 list: orders placed today and still unpaid, not chased yet; the earliest first."""
    start, end = _today(now or timezone.now())
    return (TaobaoOrder.objects.filter(placed_at__gte=start, placed_at__lt=end, paid_at__isnull=True,
                                       status_rank=taobao.UNPAID)
            .exclude(Exists(FollowUp.objects.filter(order=OuterRef("pk"), kind=FollowUp.Kind.UNPAID)))
            .order_by("placed_at", "pk"))


def follow_ups_made(*, kind: str, now: datetime.datetime | None = None) -> QuerySet[FollowUp]:
    """The day's follow-ups of one list, with their outcome."""
    start, end = _today(now or timezone.now())
    return FollowUp.objects.filter(kind=kind, at__gte=start, at__lt=end).select_related("order", "by")


def history(**record: Any) -> QuerySet[Event]:
    return Event.objects.filter(**record).select_related("by")


def find_buyer(q: str) -> tuple[str, QuerySet[TaobaoOrder] | None]:
    """A buyer by 买家会员名 or by one of their order numbers: (the buyer's name, their orders with everything the
    desk recorded about them), or ("", None) when nothing matches."""
    q = (q or "").strip()
    if not q:
        return "", None
    order = TaobaoOrder.objects.filter(order_id=q).only("buyer_nick", "pk").first()
    if order is not None:
        orders = (TaobaoOrder.objects.filter(buyer_nick=order.buyer_nick) if order.buyer_nick
                  else TaobaoOrder.objects.filter(pk=order.pk))
        nick = order.buyer_nick
    else:
        orders = TaobaoOrder.objects.filter(buyer_nick=q)
        nick = q
    orders = orders.order_by("-placed_at", "-pk").prefetch_related(
        Prefetch("complaints", queryset=Complaint.objects.select_related("handled_by")),
        Prefetch("reviews", queryset=Review.objects.select_related("withdrawn_by")),
        Prefetch("follow_ups", queryset=FollowUp.objects.select_related("by")),
        Prefetch("returns", queryset=ReturnRequest.objects.all()),
        "lines",
    )
    return nick, orders


def monthly_counts(month: datetime.date) -> dict[int, dict[str, int]]:
    """Per person in the month (its first day; Shanghai time): complaints they closed, reviews they brought the
    buyer to withdraw or change, follow-ups they made. user id -> {"complaints_handled", "reviews_withdrawn",
    "follow_ups"}; a person with none of them is absent."""
    start, end = month_moments(month)
    counts: dict[int, dict[str, int]] = {}
    sources = [
        ("complaints_handled", Complaint.objects.filter(status=Complaint.Status.CLOSED, closed_at__gte=start,
                                                        closed_at__lt=end), "handled_by"),
        ("reviews_withdrawn", Review.objects.filter(
            outcome__in=(Review.Outcome.WITHDRAWN, Review.Outcome.CHANGED), closed_at__gte=start, closed_at__lt=end),
         "withdrawn_by"),
        ("follow_ups", FollowUp.objects.filter(at__gte=start, at__lt=end), "by"),
    ]
    for name, rows, person in sources:
        for row in rows.filter(**{f"{person}__isnull": False}).values(person).annotate(n=Count("pk")):
            entry = counts.setdefault(row[person], {"complaints_handled": 0, "reviews_withdrawn": 0,
                                                    "follow_ups": 0})
            entry[name] = row["n"]
    return counts


def month_had_negative_review(month: datetime.date) -> bool:
    """Whether any negative review (and neutral one, when the shop counts them) was left in the month."""
    first, following = first_of_month(month), next_month(month)
    ratings = [Review.Rating.NEGATIVE]
    if AfterSalesSettings.current().counts_neutral_reviews:
        ratings.append(Review.Rating.NEUTRAL)
    return Review.objects.filter(left_on__gte=first, left_on__lt=following, rating__in=ratings).exists()


def desk_counts(now: datetime.datetime | None = None) -> dict[str, int]:
    """How much waits on the desk: for its overview and the navigation badge."""
    return {
        "complaints": complaint_list().count(),
        "reviews": Review.objects.filter(outcome=Review.Outcome.OPEN).count(),
        "follow_ups": follow_up_due(now).count(),
        "unpaid": unpaid_due(now).count(),
        "returns": ReturnRequest.objects.filter(status=ReturnRequest.Status.CHECKING).count(),
    }


def count_waiting() -> int:
    """Open complaints and reviews being worked: the navigation badge's count (two index-backed counts)."""
    return complaint_list().count() + Review.objects.filter(outcome=Review.Outcome.OPEN).count()
