"""The edges in a browser, on a desktop and a phone: the lockout page, the error pages, the admin's name, the
notifications' "just now", a post's duties, and the playbook-health table fitting a 390 px phone."""
import datetime

import pytest
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, reverse
from django.utils import timezone

from roles.models import Duty, Post
from shopteam.notifications.models import Notification
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, screenshot, sign_in
from tests.escalation.factories import bulk_cases
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOOTSTRAP_DARK = "rgb(33, 37, 41)"  # the navbar's .bg-dark
DEVICES = {"desktop": DESKTOP, "phone": PHONE}


@login_not_required
def boom(request):
    raise RuntimeError("a bug")


# The 500 test's URLconf: the site's URLs and one view that fails.
urlpatterns = [path("boom/", boom), path("", include("shopteam.urls"))]


def assert_styled_and_fits(page):
    background = page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).backgroundColor")
    assert background == BOOTSTRAP_DARK, "Bootstrap's CSS did not load"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("device", DEVICES)
def test_the_fifth_wrong_password_shows_the_lockout_page(open_page, live_server, team, settings, device):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.5
    page = open_page(DEVICES[device])
    page.goto(live_server.url + reverse("login"))
    for attempt in range(1, 6):
        page.fill("input[name=username]", "kefu_a")
        page.fill("input[name=password]", "not-the-password")
        with page.expect_navigation():
            page.click("form button[type=submit]")
        if attempt < 5:
            assert page.locator("form .alert-danger, form .invalid-feedback, .errorlist").count() >= 1
    card = page.locator("[data-lockout]")
    assert "登录已锁定" in card.inner_text()
    assert "请 30 分钟后再试" in card.inner_text()
    assert_styled_and_fits(page)
    screenshot(page, f"lockout-{device}")


@pytest.mark.parametrize("device", DEVICES)
def test_the_error_pages_look_like_the_site(open_page, live_server, team, device):
    page = open_page(DEVICES[device])
    sign_in(page, live_server, "kefu_a", PASSWORD)
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert "找不到这个页面" in page.locator("[data-error]").inner_text()
    assert_styled_and_fits(page)
    screenshot(page, f"error-404-{device}")

    response = page.goto(live_server.url + reverse("dashboard"))  # the shop manager's page
    assert response.status == 403
    assert "没有权限" in page.locator("[data-error]").inner_text()
    assert_styled_and_fits(page)
    screenshot(page, f"error-403-{device}")

    with page.expect_navigation():
        page.click("[data-error] a.btn")
    assert page.url.startswith(live_server.url) and "/no-such-page/" not in page.url


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("device", DEVICES)
def test_the_500_page_looks_like_the_site(open_page, live_server, device):
    page = open_page(DEVICES[device])
    response = page.goto(live_server.url + "/boom/")
    assert response.status == 500
    assert "出错了" in page.locator("[data-error]").inner_text()
    assert_styled_and_fits(page)
    screenshot(page, f"error-500-{device}")


def test_the_admin_is_named_shopteam(page, live_server, team):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    page.goto(live_server.url + reverse("admin:index"))
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "Shopteam 管理" in page.locator("#site-name").inner_text()
    assert "登录锁定" in page.locator("#content-main").inner_text()  # django-axes, by its Chinese name
    screenshot(page, "admin-index-desktop")


def test_a_fresh_notification_came_just_now(phone_page, live_server, team):
    kefu = team["kefu_a"]
    Notification.objects.create(recipient=kefu, title="事项 #1 需要你处理")
    older = Notification.objects.create(recipient=kefu, title="事项 #2 已解决")
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    sign_in(phone_page, live_server, "kefu_a", PASSWORD)
    phone_page.goto(live_server.url + reverse("notifications:list"))
    items = phone_page.locator("[data-notification]")
    assert "刚刚" in items.nth(0).inner_text()
    assert "2 小时前" in items.nth(1).inner_text().replace("\xa0", " ")
    assert_styled_and_fits(phone_page)
    screenshot(phone_page, "notifications-phone")


def test_a_post_without_supporting_duties_has_no_empty_heading(phone_page, live_server, team):
    post = Post.objects.get(title="客服A")
    post.duties.filter(kind=Duty.Kind.SUPPORTING).delete()
    sign_in(phone_page, live_server, "kefu_a", PASSWORD)
    phone_page.goto(live_server.url + reverse("roles:post_detail", args=[post.pk]))
    assert phone_page.locator("[data-duties]").evaluate_all("hs => hs.map(h => h.dataset.duties)") == ["main"]
    assert_styled_and_fits(phone_page)
    screenshot(phone_page, "post-without-supporting-duties-phone")


@pytest.mark.parametrize("device", DEVICES)
def test_the_playbook_health_table_fits_a_phone(open_page, live_server, team, device):
    bulk_cases(200, team=team, start=timezone.now() - datetime.timedelta(days=80), days=79)
    page = open_page(DEVICES[device])
    sign_in(page, live_server, "manager", PASSWORD)
    health = page.locator(".health")
    assert health.locator("[role=row][data-difficulty]").count() == 9  # every difficulty has cases
    assert_styled_and_fits(page)
    # Nothing is cut off or scrolls inside the table: every cell holds its content, and the table stays
    # inside its card (Bootstrap's rows reach into the card's padding by half a gutter, by design).
    cut = health.evaluate(
        "table => [...table.querySelectorAll('[role=cell], [role=columnheader]')]"
        ".filter(cell => cell.offsetParent && cell.scrollWidth > cell.clientWidth + 1).map(cell => cell.innerText)"
    )
    assert cut == []
    sticks_out = health.evaluate(
        "table => { const card = table.closest('.card').getBoundingClientRect();"
        " const box = table.getBoundingClientRect(); return Math.max(card.left - box.left, box.right - card.right); }"
    )
    assert sticks_out <= 0, f"the playbook-health table sticks out of its card by {sticks_out}px"
    assert health.evaluate("table => getComputedStyle(table).overflowX") == "visible"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    health.locator("xpath=ancestor::div[contains(@class, 'card')][1]").screenshot(
        path=str(SCREENSHOTS / f"playbook-health-{device}.png")
    )
