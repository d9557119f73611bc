"""Promotion spend: marketing asks, finance decides up to the limit; above it, or when finance disputes it, the
playbook's 财务支出 case goes up its chain to the shop manager, whose decision comes back to the request.
Paying writes the ledger entry; marketing sees its budget used this month."""
import datetime
from decimal import Decimal

import pytest

from escalation import services as case_services
from escalation.models import Case
from finance import selectors, services
from finance.models import Category, FinanceSettings, LedgerEntry, PromotionRequest
from roles.models import Post
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def ask(team, amount="800.00", *, who="marketing_lead", code="promotion-ztc", key="", **fields):
    values = {"purpose": "新品主推款直通车拉新", "start": datetime.date(2026, 3, 18), "end": datetime.date(2026, 3, 31),
              **fields}
    return services.request_promotion(by=team[who], channel=Category.objects.get(code=code), amount=amount, key=key,
                                      **values)


def told(user, event):
    return Notification.objects.filter(recipient=user, event=event)


def test_below_the_limit_finance_approves_and_paying_writes_the_channels_entry(team, clock):
    request = ask(team)
    assert request.status == "requested" and request.case is None
    assert told(team["finance_lead"], "promotion.requested").exists()
    services.decide_promotion(request, by=team["finance_lead"], approve=True, reason="预算内")
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", team["finance_lead"])
    assert told(team["marketing_lead"], "promotion.decided").exists()

    services.pay_promotion(request, by=team["finance_lead"], date=datetime.date(2026, 3, 17), reference="支付宝123")
    request.refresh_from_db()
    entry = request.paid_entry
    assert request.status == "paid"
    assert (entry.category.code, entry.direction, entry.amount, entry.source) == (
        "promotion-ztc", "out", Decimal("800.00"), "promotion")
    with pytest.raises(ServiceError, match="approved"):
        services.pay_promotion(request, by=team["finance_lead"], date=datetime.date(2026, 3, 17))
    assert LedgerEntry.objects.count() == 1


def test_a_refusal_needs_a_reason_and_only_finance_or_the_manager_decide(team, clock):
    request = ask(team)
    with pytest.raises(ServiceError, match="why"):
        services.decide_promotion(request, by=team["finance_lead"], approve=False)
    for username in ("marketing_lead", "kefu_lead", "product_lead"):
        with pytest.raises(ServiceError, match="finance or the shop manager"):
            services.decide_promotion(request, by=team[username], approve=True)
    services.decide_promotion(request, by=team["manager"], approve=False, reason="本月先做淘宝客")
    request.refresh_from_db()
    assert request.status == "refused" and request.reason == "本月先做淘宝客"
    with pytest.raises(ServiceError, match="already been decided"):
        services.decide_promotion(request, by=team["finance_lead"], approve=True)


def test_above_the_limit_the_spending_case_goes_to_finance_then_the_shop_manager_and_comes_back(team, clock):
    FinanceSettings.objects.update_or_create(pk=1, defaults={"promotion_approval_limit": Decimal("2000.00")})
    request = ask(team, "5000.00", code="promotion-juhuasuan")
    case = request.case
    assert request.status == "escalated"
    assert (case.difficulty.name, case.reporter, case.subject) == ("财务支出", team["marketing_lead"], request)
    assert case.current_post.title == "财务组组长"

    # Finance cannot settle it: it sends it on up the chain.
    with pytest.raises(ServiceError, match="case of this request is with"):
        services.decide_promotion(request, by=team["manager"], approve=True)
    services.refer_promotion(request, by=team["finance_lead"], reason="超过财务权限，请店长定")
    case.refresh_from_db()
    assert case.current_post.title == "店长"
    with pytest.raises(ServiceError, match="case of this request is with"):
        services.decide_promotion(request, by=team["finance_lead"], approve=True)

    services.decide_promotion(request, by=team["manager"], approve=True, reason="聚划算值得做")
    request.refresh_from_db()
    case.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", team["manager"])
    assert case.status == Case.Status.RESOLVED and "聚划算值得做" in case.resolution
    assert request.case_resolution == ""  # decided through the request, not on the case page
    services.pay_promotion(request, by=team["finance_lead"], date=datetime.date(2026, 3, 16))


def test_finance_disputing_a_small_request_raises_the_case_as_the_marketing_person_and_passes_it_up(team, clock):
    request = ask(team, "300.00")
    services.refer_promotion(request, by=team["finance_lead"], reason="这个渠道上月没有效果")
    request.refresh_from_db()
    case = request.case
    assert request.status == "escalated" and case.reporter == team["marketing_lead"]
    assert case.current_post.title == "店长"
    assert case.events.filter(kind="passed_on", actor=team["finance_lead"]).exists()
    services.decide_promotion(request, by=team["manager"], approve=False, reason="同意财务意见")
    case.refresh_from_db()
    assert case.status == "resolved" and PromotionRequest.objects.get().status == "refused"


def test_a_case_resolved_on_its_own_page_waits_for_an_explicit_decision_on_the_request(team, clock):
    request = ask(team, "9000.00")
    case = request.case
    case_services.resolve_case(case, by=team["finance_lead"], resolution="同意，但分两次付")
    request.refresh_from_db()
    assert request.status == "escalated" and request.case_resolution == "同意，但分两次付"
    assert told(team["manager"], "promotion.case_decided").exists()
    assert services.may_decide(request, team["finance_lead"]) and services.may_decide(request, team["manager"])
    assert not services.may_decide(request, team["marketing_lead"])
    services.decide_promotion(request, by=team["finance_lead"], approve=True, reason="按事项结论")
    assert PromotionRequest.objects.get().status == "approved"


def test_only_marketing_asks_and_bad_input_is_named_at_once(team, clock):
    with pytest.raises(ServiceError, match="marketing"):
        ask(team, who="finance_lead")
    with pytest.raises(ServiceError) as refused:
        services.request_promotion(by=team["marketing_lead"], channel=Category.objects.get(code="payroll"),
                                   amount="-1", purpose="", start=datetime.date(2026, 3, 20),
                                   end=datetime.date(2026, 3, 19))
    assert len(refused.value.messages) == 4
    assert not PromotionRequest.objects.exists()


def test_a_double_submitted_form_makes_one_request_and_one_case(team, clock):
    first = ask(team, "6000.00", key="form-1")
    again = ask(team, "6000.00", key="form-1")
    assert first == again and PromotionRequest.objects.count() == 1 and Case.objects.count() == 1


def test_the_budget_shows_what_was_paid_this_month_and_what_is_approved(team, clock):
    FinanceSettings.objects.update_or_create(pk=1, defaults={"monthly_promotion_budget": Decimal("3000.00")})
    paid = ask(team, "800.00")
    services.decide_promotion(paid, by=team["finance_lead"], approve=True)
    services.pay_promotion(paid, by=team["finance_lead"], date=datetime.date(2026, 3, 16))
    approved = ask(team, "500.50", code="promotion-taobaoke")
    services.decide_promotion(approved, by=team["finance_lead"], approve=True)
    ask(team, "100.00")  # not decided: not counted
    budget = selectors.promotion_budget(datetime.date(2026, 3, 16))
    assert (budget["spent"], budget["committed"], budget["remaining"]) == (
        Decimal("800.00"), Decimal("500.50"), Decimal("1699.50"))
    services.reverse_entry(PromotionRequest.objects.get(pk=paid.pk).paid_entry, by=team["finance_lead"],
                           reason="阿里妈妈退回")
    assert selectors.promotion_budget(datetime.date(2026, 3, 16))["spent"] == Decimal("0.00")


def test_paying_into_a_closed_month_is_refused(team, clock):
    request = ask(team)
    services.decide_promotion(request, by=team["finance_lead"], approve=True)
    services.close_month(datetime.date(2026, 2, 1), by=team["manager"])
    with pytest.raises(ServiceError, match="closed"):
        services.pay_promotion(request, by=team["finance_lead"], date=datetime.date(2026, 2, 28))
    assert PromotionRequest.objects.get().status == "approved"


def test_a_second_marketing_person_sees_only_her_own_requests(team, clock):
    colleague = AssignmentFactory(post=Post.objects.get(title="营销策划组组长")).user
    mine = ask(team)
    theirs = services.request_promotion(by=colleague, channel=Category.objects.get(code="promotion-zuanzhan"),
                                        amount="200.00", purpose="钻展测试", start=datetime.date(2026, 3, 20),
                                        end=datetime.date(2026, 3, 21))
    assert list(selectors.visible_requests(team["marketing_lead"])) == [mine]
    assert set(selectors.visible_requests(team["finance_lead"])) == {mine, theirs}
