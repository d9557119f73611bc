"""Two agents at the same moment (PostgreSQL row locks): one closes a complaint, the other is refused; one follows
an order up, the other is told it already was; one escalation raises one case."""
import pytest

from aftersales import services
from aftersales.models import Event, FollowUp
from escalation.models import Case
from shopteam.errors import ServiceError
from tests.aftersales.factories import complaint, received_order
from tests.threads import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_agents_closing_one_complaint_close_it_once(team):
    made = complaint(team["kefu_a"])
    outcomes = run_at_once(
        lambda: services.record_complaint_action(made, by=team["kefu_a"], done="退款", close=True),
        lambda: services.record_complaint_action(made, by=team["kefu_lead"], done="补发", close=True))
    assert sum(isinstance(o, ServiceError) for o in outcomes) == 1
    assert Event.objects.filter(complaint=made, kind="closed").count() == 1


def test_two_agents_following_up_one_order_make_one_follow_up(team):
    order = received_order(8)
    outcomes = run_at_once(
        lambda: services.record_follow_up(by=team["kefu_a"], order=order, kind="received", answer="satisfied"),
        lambda: services.record_follow_up(by=team["kefu_lead"], order=order, kind="received", answer="problem"))
    assert sum(isinstance(o, ServiceError) for o in outcomes) == 1
    assert FollowUp.objects.count() == 1 and Event.objects.filter(kind="recorded").count() == 1


def test_a_double_click_on_escalate_raises_one_case(team, working_hours):
    made = complaint(team["kefu_a"])
    outcomes = run_at_once(*[lambda: services.escalate_complaint(made, by=team["kefu_a"], claim="超出规定")] * 2)
    assert sum(isinstance(o, ServiceError) for o in outcomes) == 1
    assert Case.objects.count() == 1
