"""A case's whole journey in the browser: customer service raises 客服忙碌 on a phone, the marketing leader
passes it on, and the shop manager resolves it from the dashboard.

Time is real here (the live server runs in another thread, so no time-machine): the default working hours
are in the database, which makes any real moment's deadline computable. Selectors use URLs, name and data-*
attributes, or a regex matching both the Chinese and the English interface.
"""
import re

import pytest
from django.urls import reverse

from escalation.models import Case
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "双十一预热，咨询量是平时的三倍，客服组两个人回不过来，平均响应超过5分钟。"
REASON = "营销这边今天抽不出人手，请店长决定是否临时加人。"
RESOLUTION = "今天下午起临时从视觉组借调一人做售前客服。"


def assert_fits(page):
    """Bootstrap loaded (the navbar is dark) and nothing widens the page sideways, e.g. on a phone."""
    background = page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).backgroundColor")
    assert background == "rgb(33, 37, 41)", "Bootstrap's CSS did not load"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def go(page, selector):
    """Click a link or submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def current_step(page):
    """The contact chain's highlighted step on the case page (the one marked ← now)."""
    return page.locator("ol.chain > li.fw-bold").inner_text()


def customer_service_raises_a_case(page, live_server):
    sign_in(page, live_server, "kefu_a", PASSWORD)
    page.click(".navbar-toggler")  # a phone: the menu folds away
    go(page, f"nav.navbar a[href='{reverse('roles:my_posts')}']")
    overloaded = page.locator("[data-difficulty=cs-overloaded]")
    assert re.search("客服忙碌|overloaded", overloaded.locator("h3").inner_text(), re.I)
    go(page, f"[data-difficulty=cs-overloaded] a[href^='{reverse('escalation:raise_case')}?']")

    assert page.url.startswith(live_server.url + reverse("escalation:raise_case"))
    assert "客服忙碌" in page.locator("select[name=difficulty] option:checked").inner_text()  # preselected
    page.fill("textarea[name=description]", DESCRIPTION)
    screenshot(page, "raise-form-phone")  # its fit on a phone: test_the_raise_form_fits_a_phone
    go(page, "main form button[type=submit]")

    case = Case.objects.get()
    assert page.url == live_server.url + case.get_absolute_url()
    assert case.current_post.title == "营销策划组组长"
    assert "营销策划组组长" in current_step(page)
    assert DESCRIPTION in page.locator("main").inner_text()
    assert page.locator("main .alert-success").count() == 1  # "Case #n raised and sent to …"
    assert_fits(page)
    screenshot(page, "case-raised-phone")
    return case


def marketing_leader_passes_it_on(page, live_server, case):
    sign_in(page, live_server, "marketing_lead", PASSWORD)
    badge = page.locator("nav.navbar [data-count=cases]")
    assert badge.inner_text().strip() == "1"
    go(page, "nav.navbar a:has([data-count=cases])")

    assert "box=mine" in page.url
    row = page.locator(f"main a.list-group-item[href='{case.get_absolute_url()}']")
    assert row.count() == 1
    assert "客服忙碌" in row.inner_text()
    assert_fits(page)
    screenshot(page, "case-list-desktop")
    go(page, f"main a.list-group-item[href='{case.get_absolute_url()}']")

    assert "营销策划组组长" in current_step(page)
    page.fill("#case-actions textarea[name=note]", REASON)
    assert_fits(page)
    screenshot(page, "case-before-passing-on-desktop")
    go(page, f"#case-actions button[formaction='{reverse('escalation:case_action', args=[case.pk, 'pass'])}']")

    case.refresh_from_db()
    assert case.current_post.title == "店长"
    assert case.step == 1
    assert "店长" in current_step(page)
    assert page.locator("li[data-event=passed_on]").count() == 1
    assert REASON in page.locator("li[data-event=passed_on]").inner_text()


def manager_resolves_it_on_the_dashboard(page, phone, live_server, case):
    sign_in(page, live_server, "manager", PASSWORD)
    assert page.url == live_server.url + reverse("dashboard")  # the manager's home
    card = page.locator(f"[data-case='{case.pk}']")
    assert card.count() == 1
    assert re.search("客服忙碌", card.inner_text())
    assert page.locator("[data-figure=waiting] .fs-3").inner_text().strip() == "1"
    assert_fits(page)
    screenshot(page, "dashboard-desktop")

    sign_in(phone, live_server, "manager", PASSWORD)
    assert phone.locator(f"[data-case='{case.pk}']").count() == 1
    assert_fits(phone)
    screenshot(phone, "dashboard-phone")

    card.locator("input[name=note]").fill(RESOLUTION)
    with page.expect_navigation():
        card.locator("button[type=submit]").click()

    assert page.url == live_server.url + reverse("dashboard")
    assert page.locator("main .alert-success").count() == 1  # "The case is resolved."
    assert page.locator(f"[data-case='{case.pk}']").count() == 0
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    assert case.resolution == RESOLUTION
    assert case.handler.username == "manager"
    assert case.reached_manager


def test_a_case_travels_from_customer_service_to_the_shop_manager(open_page, live_server, team, working_hours):
    case = customer_service_raises_a_case(open_page(PHONE), live_server)
    marketing_leader_passes_it_on(open_page(DESKTOP), live_server, case)
    manager = open_page(DESKTOP)
    manager_resolves_it_on_the_dashboard(manager, open_page(PHONE), live_server, case)

    manager.goto(live_server.url + case.get_absolute_url())
    resolved = manager.locator("main .alert-success")
    assert RESOLUTION in resolved.inner_text()
    assert re.search("已解决|Resolved", manager.locator("main h1 + div .badge").first.inner_text())
    events = manager.locator("li[data-event]").evaluate_all("rows => rows.map(r => r.dataset.event)")
    assert events[0] == "raised"
    assert events[-1] == "resolved"
    assert {"routed", "passed_on"} <= set(events)
    assert_fits(manager)
    screenshot(manager, "case-history-desktop")

    reporter = open_page(PHONE)  # the reporter reads how it ended, on her phone
    sign_in(reporter, live_server, "kefu_a", PASSWORD)
    reporter.goto(live_server.url + case.get_absolute_url())
    assert RESOLUTION in reporter.locator("main .alert-success").inner_text()
    assert reporter.locator(
        f"button[formaction='{reverse('escalation:case_action', args=[case.pk, 'reopen'])}']"
    ).count() == 1
    assert_fits(reporter)
    screenshot(reporter, "case-history-phone")


def test_the_raise_form_fits_a_phone(phone_page, live_server, team):
    sign_in(phone_page, live_server, "kefu_a", PASSWORD)
    phone_page.goto(live_server.url + reverse("escalation:raise_case"))
    assert_fits(phone_page)
