"""The after-sales desk on a phone: an agent records a complaint and sends it to the shop manager, the manager's
decision comes back and the agent closes it; the agent records a negative review, talks the buyer round and
records the withdrawal; then works the follow-up list and the 催付 list. Screenshots in test-artifacts/screenshots/.
"""
import pytest
from django.urls import reverse

from aftersales.models import Complaint, FollowUp, Review
from escalation.models import Case
from tests.aftersales.factories import complaint, received_order, unpaid_order
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_escalation_journey import assert_fits, go
from tests.factories import PASSWORD
from tests.inventory.factories import TaobaoOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WANTS = "两盒菊花茶压坏了，要求全额退款并赔偿 100 元"
CLAIM = "赔偿 100 元超出售后规定"
DECISION = "同意退款，另送 20 元优惠券，不赔现金"


def agent_sends_a_complaint_to_the_manager(page, live_server, order):
    sign_in(page, live_server, "kefu_a", PASSWORD)
    page.goto(live_server.url + reverse("aftersales:desk"))
    assert_fits(page)
    screenshot(page, "aftersales-desk-phone")
    go(page, f"a[href='{reverse('aftersales:complaint_create')}']")
    page.fill("input[name=order_id]", order.order_id)
    page.fill("textarea[name=wants]", WANTS)
    go(page, "form[data-submit-once] button[type=submit]")
    complaint = Complaint.objects.get()
    assert page.url == live_server.url + complaint.get_absolute_url()
    page.click("[data-escalate] summary")
    page.fill("textarea[name=claim]", CLAIM)
    go(page, "[data-escalate] button")
    assert page.locator("[data-status=manager]").count() == 1
    assert page.locator(f"[data-case='{Case.objects.get().pk}']").count() == 1
    assert_fits(page)
    screenshot(page, "aftersales-complaint-with-manager-phone")
    return complaint


def manager_decides(page, live_server, case):
    sign_in(page, live_server, "manager", PASSWORD)
    card = page.locator(f"[data-case='{case.pk}']")
    assert "售后困难" in card.inner_text()
    card.locator("input[name=note]").fill(DECISION)
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED


def agent_closes_the_decided_complaint(page, live_server, complaint):
    page.goto(live_server.url + complaint.get_absolute_url())
    assert DECISION in page.locator("[data-decision]").inner_text()
    page.fill("[data-act] textarea[name=done]", "已退款并发放 20 元优惠券，买家接受")
    go(page, "[data-act] button[name=close]")
    assert page.locator("[data-status=closed]").count() == 1
    assert_fits(page)
    screenshot(page, "aftersales-complaint-closed-phone")


def agent_records_a_withdrawn_review(page, live_server, order):
    page.goto(live_server.url + reverse("aftersales:review_create"))
    page.fill("input[name=order_id]", order.order_id)
    page.fill("textarea[name=text]", "味道不对，差评")
    go(page, "form[data-submit-once] button[type=submit]")
    page.fill("[data-contact] textarea[name=note]", "电话沟通，补发一包试喝装")
    go(page, "[data-contact] button")
    page.select_option("[data-close] select[name=outcome]", "withdrawn")
    go(page, "[data-close] button")
    assert page.locator("[data-withdrawn-by]").count() == 1
    assert_fits(page)
    screenshot(page, "aftersales-review-withdrawn-phone")


def agent_works_the_follow_up_lists(page, live_server, due, unpaid):
    page.goto(live_server.url + reverse("aftersales:follow_ups"))
    assert page.locator("[data-due-order]").count() == 2
    assert_fits(page)
    screenshot(page, "aftersales-follow-ups-phone")
    row = page.locator(f"[data-due-order='{due.order_id}']")
    row.locator("select[name=answer]").select_option("satisfied")
    row.locator("input[name=note]").fill("买家说很好喝")
    with page.expect_navigation():
        row.locator("button").click()
    assert page.locator("[data-due-order]").count() == 1
    assert page.locator("[data-made] li").count() == 1
    page.goto(live_server.url + reverse("aftersales:follow_ups") + "?list=unpaid")
    row = page.locator(f"[data-due-order='{unpaid.order_id}']")
    row.locator("select[name=answer]").select_option("will_pay")
    with page.expect_navigation():
        row.locator("button").click()
    assert page.locator("[data-due-order]").count() == 0
    assert_fits(page)
    screenshot(page, "aftersales-unpaid-phone")


def test_an_agent_works_the_after_sales_desk_on_a_phone(open_page, live_server, team, working_hours):  # noqa: F811
    complained_about, reviewed = TaobaoOrderFactory(), received_order(3)
    due, unpaid = received_order(8), unpaid_order()
    received_order(9)
    agent = open_page(PHONE)
    sent = agent_sends_a_complaint_to_the_manager(agent, live_server, complained_about)
    manager_decides(open_page(PHONE), live_server, Case.objects.get())
    sent.refresh_from_db()
    assert sent.status == Complaint.Status.DECIDED and sent.decision == DECISION
    agent_closes_the_decided_complaint(agent, live_server, sent)
    agent_records_a_withdrawn_review(agent, live_server, reviewed)
    agent_works_the_follow_up_lists(agent, live_server, due, unpaid)
    assert Review.objects.get().withdrawn_by.username == "kefu_a"
    assert set(FollowUp.objects.values_list("kind", "answer")) == {("received", "satisfied"), ("unpaid", "will_pay")}
    sent.refresh_from_db()
    assert sent.status == Complaint.Status.CLOSED and sent.handled_by.username == "kefu_a"


def test_the_desk_fits_a_desktop_and_a_phone(open_page, live_server, team):
    complaint(team["kefu_a"], order=TaobaoOrderFactory(buyer_nick="小红"))
    for viewport, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = open_page(viewport)
        sign_in(page, live_server, "kefu_a", PASSWORD)
        for name, url in (("desk", reverse("aftersales:desk")),
                          ("buyer", reverse("aftersales:buyer") + "?q=小红"),
                          ("complaint", Complaint.objects.get().get_absolute_url())):
            page.goto(live_server.url + url)
            assert_fits(page)
            screenshot(page, f"aftersales-{name}-{suffix}")
