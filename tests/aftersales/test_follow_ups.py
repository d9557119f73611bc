"""The two daily lists: orders received at least 7 days ago with no review recorded, and today's unpaid orders."""
import pytest

from aftersales import selectors, services
from aftersales.models import FollowUp
from shopteam.errors import ServiceError
from tests.aftersales.factories import received_order, review, unpaid_order
from tests.inventory.factories import TaobaoOrderFactory

pytestmark = pytest.mark.django_db


def test_the_follow_up_list_is_orders_received_a_week_ago_without_a_review(team):
    due = received_order(8)
    received_order(5)  # too recent
    received_order(60)  # out of the window
    reviewed = received_order(9)
    review(team["kefu_a"], order=reviewed)
    TaobaoOrderFactory()  # not received
    assert list(selectors.follow_up_due()) == [due]
    services.record_follow_up(by=team["kefu_a"], order=due, kind="received", answer="satisfied", note="很满意")
    assert list(selectors.follow_up_due()) == []
    assert list(selectors.follow_ups_made(kind="received")) == [FollowUp.objects.get()]


def test_an_order_is_followed_up_once_per_list(team):
    order = received_order(8)
    services.record_follow_up(by=team["kefu_a"], order=order, kind="received", answer="no_answer")
    with pytest.raises(ServiceError, match="already been followed up"):
        services.record_follow_up(by=team["kefu_a"], order=order, kind="received", answer="satisfied")
    assert FollowUp.objects.count() == 1


def test_answers_belong_to_their_list(team):
    with pytest.raises(ServiceError, match="answers offered"):
        services.record_follow_up(by=team["kefu_a"], order=received_order(8), kind="received", answer="paid")
    with pytest.raises(ServiceError, match="no receipt"):
        services.record_follow_up(by=team["kefu_a"], order=TaobaoOrderFactory(), kind="received",
                                  answer="satisfied")
    assert not FollowUp.objects.exists()


def test_the_unpaid_list_is_todays_unpaid_orders_and_keeps_the_outcome(team):
    waiting = unpaid_order()
    TaobaoOrderFactory()  # paid
    assert list(selectors.unpaid_due()) == [waiting]
    made = services.record_follow_up(by=team["kefu_a"], order=waiting, kind="unpaid", answer="will_pay")
    assert list(selectors.unpaid_due()) == [] and made.get_answer_display() == "will pay"
    with pytest.raises(ServiceError, match="is paid"):
        services.record_follow_up(by=team["kefu_a"], order=TaobaoOrderFactory(), kind="unpaid", answer="paid")
