"""Issue 20 point 10: promotion spend never passes the month's budget unnoticed. Finance may approve less than
was asked (asked and approved both kept); an approval that takes the month below zero is refused unless an
override reason is given, which is recorded and told to marketing, finance and the shop manager; paying pays the
approved amount; one selector (`budget_left`) says what is left."""
import datetime
from decimal import Decimal

import pytest

from finance import selectors, services
from finance.models import Category, FinanceSettings, PromotionRequest
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def budget(amount):
    FinanceSettings.objects.update_or_create(pk=1, defaults={"monthly_promotion_budget": Decimal(amount),
                                                             "promotion_approval_limit": Decimal("9000.00")})


def ask(team, amount, *, code="promotion-ztc"):
    return services.request_promotion(by=team["marketing_lead"], channel=Category.objects.get(code=code),
                                      amount=amount, purpose="双十二直通车", start=datetime.date(2026, 3, 18),
                                      end=datetime.date(2026, 3, 31))


def test_finance_approves_less_than_asked_and_both_are_kept(team, clock):
    budget("5000.00")
    request = ask(team, "3000.00")
    assert selectors.budget_left(MARCH) == Decimal("5000.00")
    services.decide_promotion(request, by=team["finance_lead"], approve=True, amount="1,200.00", reason="先试一周")
    request.refresh_from_db()
    assert (request.amount, request.approved_amount) == (Decimal("3000.00"), Decimal("1200.00"))
    assert selectors.budget_left(MARCH) == Decimal("3800.00")


def test_the_approved_amount_defaults_to_what_was_asked(team, clock):
    budget("5000.00")
    request = services.decide_promotion(ask(team, "800.00"), by=team["finance_lead"], approve=True)
    assert request.approved_amount == Decimal("800.00")


@pytest.mark.parametrize("amount", ["3000.01", "0", "-5", "12abc"])
def test_more_than_asked_nothing_or_nonsense_is_refused_and_changes_nothing(team, clock, amount):
    budget("5000.00")
    request = ask(team, "3000.00")
    with pytest.raises(ServiceError):
        services.decide_promotion(request, by=team["finance_lead"], approve=True, amount=amount)
    request.refresh_from_db()
    assert (request.status, request.approved_amount) == ("requested", None)


def test_an_approval_that_passes_the_budget_is_refused_with_what_is_left(team, clock):
    budget("5000.00")
    first = ask(team, "2300.00")
    services.decide_promotion(first, by=team["finance_lead"], approve=True)
    request = ask(team, "5000.00")
    with pytest.raises(ServiceError, match="2,700.00"):
        services.decide_promotion(request, by=team["finance_lead"], approve=True)
    request.refresh_from_db()
    assert (request.status, request.approved_amount) == ("requested", None)
    assert selectors.budget_left(MARCH) == Decimal("2700.00")
    # What is left can be approved without an override.
    services.decide_promotion(request, by=team["finance_lead"], approve=True, amount="2700.00")
    assert selectors.budget_left(MARCH) == Decimal("0.00")


def test_an_override_is_recorded_on_the_request_and_in_history_and_told(team, clock):
    budget("5000.00")
    services.decide_promotion(ask(team, "2300.00"), by=team["finance_lead"], approve=True)
    request = ask(team, "5000.00")
    Notification.objects.all().delete()
    services.decide_promotion(request, by=team["manager"], approve=True, override_reason="双十二大促，老板同意超支")
    request.refresh_from_db()
    assert request.status == "approved" and request.approved_amount == Decimal("5000.00")
    assert request.override_reason == "双十二大促，老板同意超支"
    last = request.history.order_by("-history_date", "-history_id").first()
    assert last.override_reason == "双十二大促，老板同意超支" and last.history_user == team["manager"]
    assert "over budget" in last.history_change_reason
    assert selectors.budget_left(MARCH) == Decimal("-2300.00")
    told = set(Notification.objects.filter(event="promotion.over_budget").values_list("recipient__username",
                                                                                      flat=True))
    assert {"marketing_lead", "finance_lead", "manager"} <= told


def test_no_override_is_recorded_when_the_budget_holds(team, clock):
    budget("5000.00")
    request = services.decide_promotion(ask(team, "800.00"), by=team["finance_lead"], approve=True,
                                        override_reason="用不上")
    assert request.override_reason == ""
    assert not Notification.objects.filter(event="promotion.over_budget").exists()


def test_without_a_budget_nothing_is_checked(team, clock):
    budget("0")
    request = services.decide_promotion(ask(team, "8000.00"), by=team["finance_lead"], approve=True)
    assert request.approved_amount == Decimal("8000.00") and selectors.budget_left(MARCH) is None


def test_paying_pays_the_approved_amount(team, clock):
    budget("5000.00")
    request = ask(team, "3000.00")
    services.decide_promotion(request, by=team["finance_lead"], approve=True, amount="1200.00")
    services.pay_promotion(request, by=team["finance_lead"], date=datetime.date(2026, 3, 16))
    request.refresh_from_db()
    assert request.paid_entry.amount == Decimal("1200.00")
    assert selectors.budget_left(MARCH) == Decimal("3800.00")
    assert PromotionRequest.objects.get().amount == Decimal("3000.00")


def test_asking_for_more_than_is_left_warns_finance_and_the_manager_at_once(team, clock):
    budget("5000.00")
    services.decide_promotion(ask(team, "2300.00"), by=team["finance_lead"], approve=True)
    Notification.objects.all().delete()
    ask(team, "2700.00")  # exactly what is left: no warning
    assert not Notification.objects.filter(event="promotion.asked_over_budget").exists()
    ask(team, "2700.01")
    warned = Notification.objects.filter(event="promotion.asked_over_budget")
    assert {"finance_lead", "manager"} <= set(warned.values_list("recipient__username", flat=True))
    assert "2,700.00" in warned.first().body
