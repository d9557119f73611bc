"""Negative reviews: recorded once per order, each contact kept, and the outcome with who brought a withdrawal."""
import datetime

import pytest
from django.utils import timezone

from aftersales import services
from aftersales.models import AfterSalesSettings, Review
from shopteam.errors import ServiceError
from tests.aftersales.factories import received_order, review

pytestmark = pytest.mark.django_db


def test_an_agent_talks_a_buyer_round_and_is_credited_with_the_withdrawal(team):
    agent = team["kefu_a"]
    made = review(agent)
    services.record_review_contact(made, by=agent, note="电话联系，答应补发")
    services.record_review_contact(made, by=agent, note="补发已签收")
    closed = services.close_review(made, by=agent, outcome="withdrawn")
    assert closed.outcome == Review.Outcome.WITHDRAWN and closed.withdrawn_by == agent
    assert closed.events.filter(kind="contact").count() == 2
    with pytest.raises(ServiceError, match="closed"):
        services.record_review_contact(closed, by=agent, note="again")


def test_a_kept_review_credits_nobody(team):
    closed = services.close_review(review(team["kefu_a"]), by=team["kefu_a"], outcome="kept")
    assert closed.withdrawn_by is None


def test_a_second_review_of_the_same_order_is_refused(team):
    order = received_order(3)
    review(team["kefu_a"], order=order)
    with pytest.raises(ServiceError, match="already has a review"):
        review(team["kefu_lead"], order=order)
    assert Review.objects.count() == 1


def test_a_future_date_and_an_unknown_order_are_refused(team):
    with pytest.raises(ServiceError, match="future"):
        review(team["kefu_a"], left_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ServiceError, match="never imported"):
        services.record_review(by=team["kefu_a"], order_id="3000000000000000001", rating="negative",
                               left_on=timezone.localdate())
    assert not Review.objects.exists()


def test_neutral_reviews_are_recorded_only_when_the_shop_counts_them(team):
    order = received_order(3)
    with pytest.raises(ServiceError, match="neutral"):
        services.record_review(by=team["kefu_a"], order_id=order.order_id, rating="neutral",
                               left_on=timezone.localdate())
    AfterSalesSettings.objects.create(pk=1, counts_neutral_reviews=True)
    made = services.record_review(by=team["kefu_a"], order_id=order.order_id, rating="neutral",
                                  left_on=timezone.localdate())
    assert made.rating == Review.Rating.NEUTRAL
