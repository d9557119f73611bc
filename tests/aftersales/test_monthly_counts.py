"""The counts pay and assessment read: per person and month, complaints handled, reviews withdrawn, follow-ups; and
whether the month had a negative review."""
import datetime

import pytest
import time_machine
from django.utils import timezone

from aftersales import selectors, services
from aftersales.models import AfterSalesSettings
from tests.aftersales.factories import SHANGHAI, complaint, received_order, review

pytestmark = pytest.mark.django_db
NOVEMBER, DECEMBER = datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)


def test_counts_per_person_and_month_in_shanghai_time(team):
    agent, lead = team["kefu_a"], team["kefu_lead"]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 23, 30, tzinfo=SHANGHAI), tick=False):
        services.record_complaint_action(complaint(agent), by=agent, done="退款", close=True)
        services.record_complaint_action(complaint(agent), by=lead, done="补发", close=True)
        complaint(agent)  # open: not handled yet
        services.close_review(review(agent), by=agent, outcome="withdrawn")
        services.close_review(review(agent), by=lead, outcome="kept")
        services.record_follow_up(by=agent, order=received_order(8), kind="received", answer="satisfied")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI), tick=False):
        services.record_follow_up(by=agent, order=received_order(8), kind="received", answer="problem")
    assert selectors.monthly_counts(NOVEMBER) == {
        agent.pk: {"complaints_handled": 1, "reviews_withdrawn": 1, "follow_ups": 1},
        lead.pk: {"complaints_handled": 1, "reviews_withdrawn": 0, "follow_ups": 0},
    }
    assert selectors.monthly_counts(DECEMBER) == {
        agent.pk: {"complaints_handled": 0, "reviews_withdrawn": 0, "follow_ups": 1}}


def test_a_month_had_a_negative_review_by_the_day_it_was_left(team):
    with time_machine.travel(datetime.datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        review(team["kefu_a"], left_on=datetime.date(2026, 11, 30))
        assert timezone.localdate() == datetime.date(2026, 12, 5)
    assert selectors.month_had_negative_review(NOVEMBER)
    assert not selectors.month_had_negative_review(DECEMBER)


def test_neutral_reviews_count_only_when_the_shop_counts_them(team):
    settings = AfterSalesSettings.objects.create(pk=1, counts_neutral_reviews=True)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        order = received_order(3)
        services.record_review(by=team["kefu_a"], order_id=order.order_id, rating="neutral",
                               left_on=datetime.date(2026, 11, 20))
    assert selectors.month_had_negative_review(NOVEMBER)
    settings.counts_neutral_reviews = False
    settings.save()
    assert not selectors.month_had_negative_review(NOVEMBER)
