"""Complaints: recorded against an imported order, worked and closed by an agent, or sent to the shop manager as
the playbook's 售后困难 case whose decision comes back to the complaint."""
import pytest

from aftersales import services
from aftersales.models import Complaint, Event
from escalation.models import Case
from escalation.selectors import cases_about
from escalation.services import resolve_case
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from tests.aftersales.factories import complaint
from tests.inventory.factories import TaobaoOrderFactory

pytestmark = pytest.mark.django_db


def test_an_agent_records_and_closes_a_complaint_and_is_who_handled_it(team):
    agent = team["kefu_a"]
    made = complaint(agent, wants="要求退一半货款")
    assert made.status == Complaint.Status.OPEN and made.recorded_by == agent
    services.record_complaint_action(made, by=agent, done="已联系买家，补发赠品")
    closed = services.record_complaint_action(made, by=agent, done="买家满意", close=True)
    assert closed.status == Complaint.Status.CLOSED and closed.handled_by == agent and closed.closed_at
    assert "补发赠品" in closed.done and "买家满意" in closed.done
    assert list(closed.events.values_list("kind", flat=True)) == ["recorded", "contact", "closed"]
    with pytest.raises(ServiceError, match="closed"):
        services.record_complaint_action(closed, by=agent, done="again")


def test_an_order_never_imported_is_refused_and_nothing_is_made(team):
    with pytest.raises(ServiceError, match="never imported"):
        services.record_complaint(by=team["kefu_a"], order_id="3999999999999999999", wants="退款")
    assert not Complaint.objects.exists() and not Event.objects.exists()


def test_an_empty_wish_is_refused(team):
    with pytest.raises(ServiceError, match="what the buyer wants"):
        services.record_complaint(by=team["kefu_a"], order_id=TaobaoOrderFactory().order_id, wants="  ")


def test_only_customer_service_and_the_manager_record_complaints(team):
    order = TaobaoOrderFactory()
    with pytest.raises(ServiceError, match="customer service"):
        services.record_complaint(by=team["product_lead"], order_id=order.order_id, wants="退款")
    assert services.record_complaint(by=team["manager"], order_id=order.order_id, wants="退款")


def test_the_same_form_twice_is_one_complaint(team):
    order = TaobaoOrderFactory()
    first = services.record_complaint(by=team["kefu_a"], order_id=order.order_id, wants="退款", key="k1")
    again = services.record_complaint(by=team["kefu_a"], order_id=order.order_id, wants="退款", key="k1")
    assert first == again and Complaint.objects.count() == 1


def test_a_claim_beyond_the_rules_goes_to_the_manager_and_the_decision_comes_back(team, working_hours):
    agent, manager = team["kefu_a"], team["manager"]
    made = complaint(agent, wants="要求全额退款并赔偿")
    case = services.escalate_complaint(made, by=agent, claim="要求赔偿 200 元，超出规定")
    assert case.difficulty.code == "after-sales" and case.subject == made and case.reporter == agent
    assert list(cases_about(made)) == [case]
    made.refresh_from_db()
    assert made.status == Complaint.Status.WITH_MANAGER
    assert case.current_post == team.posts["店长"]
    with pytest.raises(ServiceError):
        services.escalate_complaint(made, by=agent, claim="again")
    assert Case.objects.count() == 1

    resolve_case(case, by=manager, resolution="同意赔偿 50 元优惠券")
    made.refresh_from_db()
    assert made.status == Complaint.Status.DECIDED and made.decision == "同意赔偿 50 元优惠券"
    assert Notification.objects.filter(recipient=agent, event="aftersales.complaint_decided").exists()
    closed = services.record_complaint_action(made, by=agent, done="已发放优惠券", close=True)
    assert closed.status == Complaint.Status.CLOSED
    assert list(closed.events.values_list("kind", flat=True)) == ["recorded", "escalated", "decided", "closed"]


def test_the_manager_cannot_raise_the_after_sales_case_from_the_managers_office(team, working_hours):
    made = complaint(team["manager"])
    with pytest.raises(ServiceError, match="customer-service post"):
        services.escalate_complaint(made, by=team["manager"], claim="超出规定")
    made.refresh_from_db()
    assert made.status == Complaint.Status.OPEN and not Case.objects.exists()
