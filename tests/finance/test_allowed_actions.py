"""Templates ask, services decide: in every state, the buttons a promotion request's or a supplier cycle's page
shows a person are exactly the actions its services accept from that person, and both are the one rule
`finance.rules.allowed_actions`."""
import datetime

import pytest
import time_machine
from django.urls import reverse

from escalation import services as case_services
from finance import rules, services
from finance.models import Category, PromotionRequest, SupplierCycle
from inventory import services as inventory_services
from inventory.models import StockMove
from tests.actions import accepted, offered_to
from tests.finance.conftest import at
from tests.finance.factories import built_cycle

pytestmark = pytest.mark.django_db

PEOPLE = ("marketing_lead", "finance_lead", "manager", "product_lead")


def shown(client, user, url, action_url, actions):
    client.force_login(user)
    page = client.get(url).content.decode()
    return {action for action in actions if action_url(action) in page}


# --- promotion requests ------------------------------------------------------------------------------------

PROMOTION_ATTEMPTS = {
    "approve": lambda request, user: services.decide_promotion(request, by=user, approve=True, reason="好",
                                                               override_reason="值得"),
    "refuse": lambda request, user: services.decide_promotion(request, by=user, approve=False, reason="不行"),
    "refer": lambda request, user: services.refer_promotion(request, by=user, reason="请店长定"),
    "pay": lambda request, user: services.pay_promotion(request, by=user, date=datetime.date(2026, 3, 16)),
}


def ask(team, amount):
    return services.request_promotion(
        by=team["marketing_lead"], channel=Category.objects.get(code="promotion-ztc"), amount=amount,
        purpose="直通车拉新", start=datetime.date(2026, 3, 18), end=datetime.date(2026, 3, 31))


def promotion_in(state, team):
    if state == "requested":
        return ask(team, "800.00")
    if state == "escalated, its case with finance":
        return ask(team, "9000.00")
    if state == "escalated, its case with the shop manager":
        request = ask(team, "9000.00")
        services.refer_promotion(request, by=team["finance_lead"], reason="超过财务权限")
        return request
    if state == "escalated, its case resolved on the case page":
        request = ask(team, "9000.00")
        case_services.resolve_case(request.case, by=team["finance_lead"], resolution="同意")
        return request
    request = ask(team, "800.00")
    if state == "refused":
        return services.decide_promotion(request, by=team["finance_lead"], approve=False, reason="不行")
    services.decide_promotion(request, by=team["finance_lead"], approve=True)
    if state == "paid":
        services.pay_promotion(request, by=team["finance_lead"], date=datetime.date(2026, 3, 16))
    return request


@pytest.mark.parametrize("state", [
    "requested", "escalated, its case with finance", "escalated, its case with the shop manager",
    "escalated, its case resolved on the case page", "approved", "refused", "paid"])
def test_a_promotion_requests_buttons_are_what_its_services_accept_in_each_state(client, team, clock, state):
    pk = promotion_in(state, team).pk
    offered_somewhere = offered_to(
        {name: team[name] for name in PEOPLE}, fresh=lambda: PromotionRequest.objects.get(pk=pk),
        shown=lambda user, request: shown(client, user, request.get_absolute_url(),
                                          lambda action: reverse("finance:promotion_action", args=[pk, action]),
                                          PROMOTION_ATTEMPTS),
        attempts=PROMOTION_ATTEMPTS, rule=rules.allowed_actions)
    assert bool(offered_somewhere) == (state not in ("refused", "paid"))


# --- the supplier cycle ------------------------------------------------------------------------------------

CYCLE_ATTEMPTS = {
    "send": lambda cycle, user: services.mark_sent(cycle, by=user, on=datetime.date(2026, 3, 12), how="邮件"),
    "settle": lambda cycle, user: services.record_settlement(cycle, by=user, amount=cycle.cost_total,
                                                             date=datetime.date(2026, 3, 12)),
    "invoice": lambda cycle, user: services.record_invoice(cycle, by=user, number="No.1",
                                                           date=datetime.date(2026, 3, 12), amount="90.00"),
}


@pytest.fixture
def built(team, working_hours):
    return built_cycle(team)


def cycle_in(state, team, built):
    cycle, tea = built
    finance = team["finance_lead"]
    day = datetime.date(2026, 3, 12)
    if state == "not built":
        SupplierCycle.objects.filter(pk=cycle.pk).update(built_at=None)
        return cycle
    if state in ("sent", "rebuilt after sending", "sent, settled and invoiced"):
        services.mark_sent(cycle, by=team["product_lead"], on=day, how="邮件")
    if state == "rebuilt after sending":
        inventory_services.record_move(tea, kind=StockMove.Kind.SALE, quantity=-1, by=team["product_lead"],
                                       moved_at=at("2026-02-20 10:00"))
        services.build_cycle(cycle.supplier, cycle.month, by=team["product_lead"])
    if state in ("settled", "settled, its entry reversed", "sent, settled and invoiced"):
        services.record_settlement(cycle, by=finance, amount=cycle.cost_total, date=day)
    if state == "settled at zero":
        services.record_settlement(cycle, by=finance, amount="0.00", date=day, reason="供应商让利")
    if state == "settled, its entry reversed":
        services.reverse_entry(SupplierCycle.objects.get(pk=cycle.pk).settlement_entry, by=finance, reason="付错")
    if state in ("invoiced", "sent, settled and invoiced"):
        services.record_invoice(cycle, by=finance, number="No.7", date=day, amount="90.00")
    return cycle


@pytest.mark.parametrize("state", [
    "not built", "built", "sent", "rebuilt after sending", "settled", "settled at zero",
    "settled, its entry reversed", "invoiced", "sent, settled and invoiced"])
def test_a_supplier_cycles_buttons_are_what_its_services_accept_in_each_state(client, team, built, state):
    with time_machine.travel(at("2026-03-12 10:00"), tick=False):
        cycle = cycle_in(state, team, built)
        offered_somewhere = set()
        for name in PEOPLE:
            user = team[name]
            cycle = SupplierCycle.objects.get(pk=cycle.pk)
            if not rules.sees_supplier_cycles(user):
                assert rules.allowed_actions(cycle, user) == set()
                continue
            on_page = shown(client, user, cycle.get_absolute_url(),
                            lambda action, pk=cycle.pk: reverse("finance:cycle_action", args=[pk, action]),
                            CYCLE_ATTEMPTS)
            assert on_page == accepted(CYCLE_ATTEMPTS, cycle, user) == rules.allowed_actions(cycle, user), name
            offered_somewhere |= on_page
    assert bool(offered_somewhere) == (state not in ("not built", "sent, settled and invoiced"))
