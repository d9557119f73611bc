"""A team member signs in, reads the org chart and opens a post to see whom to call, on desktop and phone."""
import pytest
from django.urls import reverse

from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOOTSTRAP_DARK = "rgb(33, 37, 41)"  # Bootstrap 5.3's --bs-dark, the navbar's .bg-dark


def assert_styled_and_fits(page):
    """Bootstrap and shopteam.css are served (the navbar is dark), and nothing widens the page sideways."""
    background = page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).backgroundColor")
    assert background == BOOTSTRAP_DARK, "Bootstrap's CSS did not load"
    # Both pages have a list that shopteam.css strips of its bullets: the tree, or a difficulty's chain.
    bullets = page.evaluate("getComputedStyle(document.querySelector('.org-tree, .chain')).listStyleType")
    assert bullets == "none", "shopteam.css did not load"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def read_org_chart_and_open_customer_service_lead(page, live_server, device):
    sign_in(page, live_server, "kefu_a", PASSWORD)
    if device == "phone":
        page.click(".navbar-toggler")  # the menu folds away on a phone; opening it needs Bootstrap's JS
    with page.expect_navigation():
        page.click(f"nav.navbar a[href='{reverse('roles:org_chart')}']")

    tree = page.locator(".org-tree")
    assert tree.locator(".org-node").first.inner_text().count("王店长") == 1  # the shop manager is the root
    marketing = tree.locator(".org-node", has_text="郑营销")
    assert marketing.count() == 2  # the marketing and the data-analysis post
    for node in marketing.all():
        badge = node.locator(".badge", has_text="2")
        assert badge.count() == 1
        assert "兼任" in badge.inner_text() or "holds 2 posts" in badge.inner_text()
    assert_styled_and_fits(page)
    screenshot(page, f"org-chart-{device}")

    with page.expect_navigation():
        tree.get_by_role("link", name="客服组组长", exact=True).click()
    assert page.locator("h1").inner_text() == "客服组组长"
    assert page.get_by_text("接待来访顾客").count() >= 1
    overloaded = page.locator("[data-difficulty=cs-overloaded]")
    assert "客服忙碌" in overloaded.locator("h3").inner_text()
    chain = overloaded.locator("ol.chain > li")
    assert chain.count() == 2
    assert "郑营销" in chain.nth(0).inner_text()  # the marketing leader first,
    assert "王店长" in chain.nth(1).inner_text()  # then the shop manager
    assert_styled_and_fits(page)
    screenshot(page, f"post-detail-{device}")


def test_a_member_reads_the_org_chart_and_whom_to_call_on_a_desktop(page, live_server, team):
    read_org_chart_and_open_customer_service_lead(page, live_server, "desktop")


def test_a_member_reads_the_org_chart_and_whom_to_call_on_a_phone(phone_page, live_server, team):
    read_org_chart_and_open_customer_service_lead(phone_page, live_server, "phone")
