"""The promotion pages and the sales targets per role: marketing asks and sees its own requests and budget;
finance and the shop manager decide; only the shop manager sets targets."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finance import services
from finance.models import Category, MonthlyTarget, PromotionRequest
from roles.models import Post
from tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(team, clock):
    return services.request_promotion(
        by=team["marketing_lead"], channel=Category.objects.get(code="promotion-ztc"), amount="800.00",
        purpose="直通车拉新", start=datetime.date(2026, 3, 18), end=datetime.date(2026, 3, 31))


def test_an_anonymous_visitor_is_sent_to_sign_in(client, request_):
    for url in (reverse("finance:promotion_list"), reverse("finance:promotion_new"), request_.get_absolute_url(),
                reverse("finance:targets")):
        assert client.get(url)["Location"].startswith(reverse("login") + "?next=")
    assert client.post(reverse("finance:promotion_action", args=[request_.pk, "approve"]))["Location"].startswith(
        reverse("login"))
    assert PromotionRequest.objects.get().status == "requested"


@pytest.mark.parametrize(
    ("username", "listing", "detail", "new"),
    [("marketing_lead", 200, 200, 200), ("finance_lead", 200, 200, 403), ("manager", 200, 200, 403),
     ("kefu_a", 403, 403, 403), ("product_lead", 403, 403, 403)],
)
def test_who_sees_the_promotion_pages(client, team, request_, username, listing, detail, new):
    client.force_login(team[username])
    assert client.get(reverse("finance:promotion_list")).status_code == listing
    assert client.get(request_.get_absolute_url()).status_code == detail
    assert client.get(reverse("finance:promotion_new")).status_code == new


def test_another_marketing_person_gets_a_404_for_a_request_not_hers(client, team, request_):
    colleague = AssignmentFactory(post=Post.objects.get(title="营销策划组组长")).user
    client.force_login(colleague)
    assert client.get(request_.get_absolute_url()).status_code == 404
    assert client.post(reverse("finance:promotion_action", args=[request_.pk, "approve"])).status_code == 404
    assert request_.pk not in [r.pk for r in client.get(reverse("finance:promotion_list")).context["page"]]


def test_marketing_asks_on_a_form_that_submits_once(client, team, clock):
    client.force_login(team["marketing_lead"])
    form = client.get(reverse("finance:promotion_new")).context["form"]
    data = {"channel": Category.objects.get(code="promotion-taobaoke").pk, "amount": "1,500.00",
            "start": "2026-03-20", "end": "2026-03-27", "purpose": "淘宝客佣金", "key": form.initial["key"]}
    first = client.post(reverse("finance:promotion_new"), data)
    second = client.post(reverse("finance:promotion_new"), data)
    assert first["Location"] == second["Location"]
    assert PromotionRequest.objects.get().amount == Decimal("1500.00")


@pytest.mark.parametrize(
    ("username", "action", "status"),
    [("finance_lead", "approve", "approved"), ("manager", "refuse", "refused"), ("marketing_lead", "approve", None),
     ("finance_lead", "refer", "escalated")],
)
def test_deciding_on_the_request_page_per_role(client, team, request_, username, action, status):
    client.force_login(team[username])
    response = client.post(reverse("finance:promotion_action", args=[request_.pk, action]), {"reason": "理由"})
    assert response.status_code == (302 if status else 403)
    assert PromotionRequest.objects.get().status == (status or "requested")


def test_paying_on_the_page_writes_the_entry(client, team, request_):
    services.decide_promotion(request_, by=team["finance_lead"], approve=True)
    client.force_login(team["marketing_lead"])
    client.post(reverse("finance:promotion_action", args=[request_.pk, "pay"]), {"date": "2026-03-16"})
    assert PromotionRequest.objects.get().status == "approved"  # marketing cannot pay
    client.force_login(team["finance_lead"])
    client.post(reverse("finance:promotion_action", args=[request_.pk, "pay"]), {"date": "2026-03-16"})
    paid = PromotionRequest.objects.get()
    assert paid.status == "paid" and paid.paid_entry.amount == Decimal("800.00")
    page = client.get(paid.get_absolute_url()).content.decode()
    assert paid.paid_entry.get_absolute_url() in page


def test_the_request_page_shows_the_case_decision_and_the_budget_page_marketings_figures(client, team, clock):
    big = services.request_promotion(
        by=team["marketing_lead"], channel=Category.objects.get(code="promotion-juhuasuan"), amount="8000.00",
        purpose="聚划算报名", start=datetime.date(2026, 3, 20), end=datetime.date(2026, 3, 22))
    from escalation import services as case_services

    case_services.resolve_case(big.case, by=team["finance_lead"], resolution="可以做，控制在八千以内")
    client.force_login(team["marketing_lead"])
    page = client.get(big.get_absolute_url()).content.decode()
    assert "可以做，控制在八千以内" in page and big.case.get_absolute_url() in page
    assert 'data-budget' in client.get(reverse("finance:promotion_list")).content.decode()


@pytest.mark.parametrize(("username", "status"), [("manager", 302), ("finance_lead", 403), ("marketing_lead", 403)])
def test_only_the_shop_manager_sets_targets(client, team, clock, username, status):
    client.force_login(team[username])
    response = client.post(reverse("finance:targets"), {"month": "2026-04", "amount": "25000"})
    assert response.status_code == status
    assert MonthlyTarget.objects.filter(month=datetime.date(2026, 4, 1)).exists() == (status == 302)


def test_the_list_makes_the_same_queries_for_3_and_60_requests(client, team, clock):
    client.force_login(team["finance_lead"])
    counts = []
    for size in (3, 60):
        while PromotionRequest.objects.count() < size:
            services.request_promotion(
                by=team["marketing_lead"], channel=Category.objects.get(code="promotion-ztc"), amount="10.00",
                purpose="测试", start=datetime.date(2026, 3, 18), end=datetime.date(2026, 3, 19))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("finance:promotion_list"))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_marketing_gets_a_navigation_link_to_its_requests(client, team):
    client.force_login(team["marketing_lead"])
    page = client.get(reverse("roles:my_posts")).content.decode()
    assert f'href="{reverse("finance:promotion_list")}"' in page
    assert client.get(reverse("finance:home"))["Location"] == reverse("finance:promotion_list")


# --- issue 20 point 10: the budget on every page, partial approval, overrides ----------------------------


@pytest.fixture
def budget_of_5000(db):
    from finance.models import FinanceSettings

    FinanceSettings.objects.update_or_create(pk=1, defaults={"monthly_promotion_budget": Decimal("5000.00"),
                                                             "promotion_approval_limit": Decimal("9000.00")})


def big_request(team, amount="5000.00"):
    return services.request_promotion(
        by=team["marketing_lead"], channel=Category.objects.get(code="promotion-ztc"), amount=amount,
        purpose="双十二", start=datetime.date(2026, 3, 18), end=datetime.date(2026, 3, 31))


def test_the_request_form_shows_what_is_left_before_and_after(client, team, clock, budget_of_5000):
    services.decide_promotion(big_request(team, "2300.00"), by=team["finance_lead"], approve=True)
    client.force_login(team["marketing_lead"])
    page = client.get(reverse("finance:promotion_new")).content.decode()
    assert 'data-budget-left="2700.00"' in page and "data-budget-after" in page
    form = client.get(reverse("finance:promotion_new")).context["form"]
    data = {"channel": Category.objects.get(code="promotion-ztc").pk, "amount": "5000.00", "start": "2026-03-20",
            "end": "2026-03-27", "purpose": "双十二", "key": form.initial["key"]}
    response = client.post(reverse("finance:promotion_new"), data, follow=True)
    assert "2,700.00" in " ".join(str(m) for m in response.context["messages"])


def test_the_decision_page_shows_the_budget_and_the_override_field_when_it_would_go_negative(
        client, team, clock, budget_of_5000):
    services.decide_promotion(big_request(team, "2300.00"), by=team["finance_lead"], approve=True)
    request_ = big_request(team)
    client.force_login(team["finance_lead"])
    page = client.get(request_.get_absolute_url()).content.decode()
    assert 'value="5000.00"' in page and 'data-budget-left="2700.00"' in page
    assert "-2,300.00" in page
    assert 'name="override_reason"' in page and "data-over-budget hidden" not in page
    listing = client.get(reverse("finance:promotion_list")).content.decode()
    assert "data-over-budget-warning" in listing


def test_the_override_field_is_hidden_while_the_budget_holds(client, team, clock, budget_of_5000):
    request_ = big_request(team, "800.00")
    client.force_login(team["finance_lead"])
    assert "data-over-budget hidden" in client.get(request_.get_absolute_url()).content.decode()


def test_finance_approves_less_on_the_page_and_over_budget_only_with_a_reason(client, team, clock, budget_of_5000):
    services.decide_promotion(big_request(team, "2300.00"), by=team["finance_lead"], approve=True)
    request_ = big_request(team)
    client.force_login(team["finance_lead"])
    url = reverse("finance:promotion_action", args=[request_.pk, "approve"])
    client.post(url, {"amount": "5000.00"})
    assert PromotionRequest.objects.get(pk=request_.pk).status == "requested"
    client.post(url, {"amount": "2,700.00"})
    done = PromotionRequest.objects.get(pk=request_.pk)
    assert (done.status, done.amount, done.approved_amount) == ("approved", Decimal("5000.00"), Decimal("2700.00"))
    page = client.get(done.get_absolute_url()).content.decode()
    assert "data-approved" in page and "2,700.00" in page

    again = big_request(team, "100.00")
    client.post(reverse("finance:promotion_action", args=[again.pk, "approve"]),
                {"amount": "100.00", "override_reason": "老板口头同意"})
    again.refresh_from_db()
    assert again.override_reason == "老板口头同意"
    assert "data-override" in client.get(again.get_absolute_url()).content.decode()
    assert "data-budget-warning" in client.get(reverse("finance:promotion_list")).content.decode()


@pytest.mark.parametrize("username", ["marketing_lead", "kefu_a", "product_lead"])
def test_someone_not_allowed_to_decide_gets_403_and_nothing_changes(client, team, clock, budget_of_5000, username):
    request_ = big_request(team, "800.00")
    client.force_login(team[username])
    for action in ("approve", "refuse"):
        response = client.post(reverse("finance:promotion_action", args=[request_.pk, action]),
                               {"amount": "100.00", "reason": "x", "override_reason": "x"})
        assert response.status_code == 403
    request_.refresh_from_db()
    assert (request_.status, request_.approved_amount, request_.override_reason) == ("requested", None, "")


def test_the_dashboard_panel_shows_what_is_left_of_this_months_promotion_budget(client, team, clock, budget_of_5000):
    services.decide_promotion(big_request(team, "2300.00"), by=team["finance_lead"], approve=True)
    client.force_login(team["manager"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "data-promotion-budget" in page and "2,700.00" in page and "5,000.00" in page
