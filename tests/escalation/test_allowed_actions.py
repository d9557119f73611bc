"""Templates ask, services decide: in every state, the buttons a case's page shows a person are exactly the
actions the case's services accept from that person, and both are the one rule `escalation.rules.allowed_actions`."""
import pytest
from django.urls import reverse

from escalation import rules, services
from escalation.models import Case
from roles.models import Difficulty, Post
from shopteam.errors import ServiceError
from tests.actions import offered_to
from tests.escalation.factories import raise_difficulty

pytestmark = pytest.mark.django_db

# The reporter (product), the first step (customer service), its member, the second step (marketing), the last.
PEOPLE = ("product_lead", "kefu_lead", "kefu_a", "marketing_lead", "manager")

ATTEMPTS = {
    "accept": lambda case, user: services.accept_case(case, by=user, hop=case.hop),
    "resolve": lambda case, user: services.resolve_case(case, by=user, resolution="补了人手", hop=case.hop),
    "ask": lambda case, user: services.ask_reporter(case, by=user, question="哪个货架？", hop=case.hop),
    "pass": lambda case, user: services.pass_on(case, by=user, reason="客服也很忙", hop=case.hop),
    "answer": lambda case, user: services.answer_reporter_question(case, by=user, answer="第3货架"),
    "reopen": lambda case, user: services.reopen_case(case, by=user, reason="还是点不清"),
    "comment": lambda case, user: services.comment_on_case(case, by=user, note="我看看"),
}


def shown(client, user, case):
    client.force_login(user)
    response = client.get(reverse("escalation:case_detail", args=[case.pk]))
    if response.status_code == 404:
        return set()
    page = response.content.decode()
    return {action for action in ATTEMPTS if reverse("escalation:case_action", args=[case.pk, action]) in page}


def raised_by_shopteam():
    return services.raise_case(source="inventory.stocktake", difficulty=Difficulty.objects.get(name="盘点不清"),
                               subject=Post.objects.get(title="产品组组长"), description="第3货架点不清",
                               key="stocktake-7")


def case_in(state, team):
    case = raised_by_shopteam() if "Shopteam" in state else raise_difficulty(team, "盘点不清")
    lead = team["kefu_lead"]
    if "accepted" in state:
        case = services.accept_case(case, by=lead, hop=case.hop)
    if "asked" in state:
        case = services.ask_reporter(case, by=lead, question="哪个货架？", hop=case.hop)
    if "answered" in state:
        case = services.answer_reporter_question(case, by=team["product_lead"], answer="第3货架")
    if "marketing" in state or "manager" in state:
        case = services.pass_on(case, by=lead, reason="客服也很忙", hop=case.hop)
    if "manager" in state:
        case = services.pass_on(case, by=team["marketing_lead"], reason="营销也很忙", hop=case.hop)
    if "resolved" in state:
        case = services.resolve_case(case, by=Case.objects.get(pk=case.pk).contacts.first(), resolution="好了",
                                     hop=Case.objects.get(pk=case.pk).hop)
    return case


@pytest.mark.parametrize("state", [
    "with customer service", "accepted by customer service", "asked the reporter", "accepted, then asked the reporter",
    "asked and answered", "passed on to marketing", "at the shop manager", "resolved", "resolved at the shop manager",
    "raised by Shopteam", "raised by Shopteam, resolved"])
def test_a_cases_buttons_are_what_its_services_accept_in_each_state(client, team, clock, state):
    pk = case_in(state, team).pk
    offered_somewhere = offered_to({name: team[name] for name in PEOPLE}, fresh=lambda: Case.objects.get(pk=pk),
                                   shown=lambda user, case: shown(client, user, case), attempts=ATTEMPTS,
                                   rule=rules.allowed_actions)
    assert offered_somewhere
    assert ("reopen" in offered_somewhere) == ("resolved" in state)


def test_the_rule_refuses_with_the_services_reason(team, clock):
    case = raise_difficulty(team, "盘点不清")
    services.accept_case(case, by=team["kefu_lead"], hop=case.hop)
    case = Case.objects.get(pk=case.pk)
    reason = rules.refusal(case, team["manager"], "accept")
    with pytest.raises(ServiceError) as refused:
        services.accept_case(case, by=team["manager"], hop=case.hop)
    assert reason and str(reason) in str(refused.value)
