"""Negative reviews: recorded against an imported order, each contact with the buyer written down, and the outcome
(withdrawn or changed after talking, or kept) with who brought a withdrawal about."""
from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError

from .. import rules
from ..models import AfterSalesSettings, Event, Review
from .common import event, imported_order, text


def record_review(*, by: User, order_id: str, rating: str, left_on: datetime.date, text_: str = "") -> Review:
    """A negative (or, when the shop counts them, neutral) review of an imported order; one per order."""
    rules.require_desk(by)
    order = imported_order(order_id)
    if rating not in Review.Rating.values:
        raise ServiceError(_("Choose the rating: negative or neutral."))
    if rating == Review.Rating.NEUTRAL and not AfterSalesSettings.current().counts_neutral_reviews:
        raise ServiceError(_("The shop does not count neutral reviews (中评): record only negative ones."))
    if left_on > timezone.localdate():
        raise ServiceError(_("The review's date cannot be in the future."))
    if order.placed_at and left_on < timezone.localdate(order.placed_at):
        raise ServiceError(_("The review's date is before the order was placed."))
    written = text(text_, limit=Review.TEXT_MAX)
    if Review.objects.filter(order=order).exists():
        raise ServiceError(_("Order %(order)s already has a review recorded.") % {"order": order.order_id})
    try:
        with transaction.atomic():
            review = Review.objects.create(order=order, rating=rating, left_on=left_on, text=written, recorded_by=by)
            event(Event.Kind.RECORDED, by=by, note=written, review=review)
    except IntegrityError:
        raise ServiceError(_("Order %(order)s already has a review recorded.") % {"order": order.order_id}) from None
    return review


@transaction.atomic
def record_review_contact(review: Review, *, by: User, note: str) -> Event:
    """One contact with the buyer about the review."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    rules.require(review, by, "contact")
    note = text(note, limit=Review.TEXT_MAX, required=_("Write what was said."))
    return event(Event.Kind.CONTACT, by=by, note=note, review=review)


@transaction.atomic
def close_review(review: Review, *, by: User, outcome: str, note: str = "") -> Review:
    """The review's outcome; a withdrawal or change is credited to `by`, who talked the buyer round."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    rules.require(review, by, "close")
    if outcome not in (Review.Outcome.WITHDRAWN, Review.Outcome.CHANGED, Review.Outcome.KEPT):
        raise ServiceError(_("Choose the outcome: withdrawn, changed or kept."))
    note = text(note, limit=Review.TEXT_MAX)
    review.outcome = outcome
    review.closed_at = timezone.now()
    review.withdrawn_by = by if outcome != Review.Outcome.KEPT else None
    review.save(update_fields=["outcome", "closed_at", "withdrawn_by"])
    event(Event.Kind.CLOSED, by=by, note=note, changes={"outcome": outcome}, review=review)
    return review
