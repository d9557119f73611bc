"""The edges a person meets outside the main journeys: the sign-in lockout, the error pages, the admin's name and
labels in Chinese, the notifications' "just now", and a post's duties without an empty heading."""
import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.template import loader
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from roles.models import Duty, Post
from shopteam.lockout import duration
from shopteam.notifications.models import Notification
from tests.factories import PASSWORD, AssignmentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a bug")


# This module is also the URLconf of the 500 test: the site's URLs and one view that fails.
urlpatterns = [path("boom/", boom), path("", include("shopteam.urls"))]


def text_of(response):
    """The page's visible text, its tags removed and its spaces squeezed."""
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def in_english(client):
    client.cookies["django_language"] = "en"


# -- the sign-in lockout -------------------------------------------------------------------------------------

@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.5  # hours, as AXES_COOLOFF_HOURS gives it
    return UserFactory(username="kefu")


def sign_in(client, password):
    return client.post(reverse("login"), {"username": "kefu", "password": password}, REMOTE_ADDR="10.0.0.9")


def test_four_failed_sign_ins_show_the_form_error_and_the_fifth_the_lockout_page(client, lockout):
    for _ in range(4):
        response = sign_in(client, "wrong")
        assert response.status_code == 200
        assert "请输入一个正确的" in text_of(response)  # Django's "Please enter a correct username and password"

    response = sign_in(client, "wrong")
    assert response.status_code == 429
    page = text_of(response)
    assert "登录已锁定" in page
    assert "连续 5 次输错密码" in page
    assert "请 30 分钟后再试" in page
    assert "Account locked" not in page
    assert "/static/bootstrap/css/bootstrap.min.css" in response.content.decode()  # the site's layout
    assert 'href="/accounts/login/"' in response.content.decode()


def test_the_lockout_holds_even_with_the_right_password(client, lockout):
    for _ in range(5):
        sign_in(client, "wrong")
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "请 30 分钟后再试" in text_of(response)
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_in_english_says_how_long_as_configured(client, lockout, settings):
    settings.AXES_COOLOFF_TIME = 1.5
    in_english(client)
    for _ in range(5):
        response = sign_in(client, "wrong")
    assert response.status_code == 429
    page = text_of(response)
    assert "Sign-in locked" in page
    assert "wrong password 5 times in a row" in page
    assert "Try again in 1 hour 30 minutes." in page


def test_a_lockout_without_a_cool_off_sends_the_person_to_an_admin(client, lockout, settings):
    settings.AXES_COOLOFF_TIME = None
    for _ in range(5):
        response = sign_in(client, "wrong")
    assert response.status_code == 429
    assert "请管理员解除锁定" in text_of(response)


@pytest.mark.parametrize(
    ("delta", "english", "chinese"),
    [
        (datetime.timedelta(minutes=30), "30 minutes", "30 分钟"),
        (datetime.timedelta(minutes=1), "1 minute", "1 分钟"),
        (datetime.timedelta(hours=1), "1 hour", "1 小时"),
        (datetime.timedelta(hours=2, minutes=5), "2 hours 5 minutes", "2 小时 5 分钟"),
        (datetime.timedelta(days=1), "1 day", "1 天"),
    ],
)
def test_a_lockout_length_reads_as_people_say_it(delta, english, chinese):
    from django.utils import translation

    assert duration(delta) == english
    with translation.override("zh-hans"):
        assert duration(delta) == chinese


# -- error pages ----------------------------------------------------------------------------------------------

def test_a_missing_page_is_the_sites_404_in_chinese_with_a_way_home(client):
    client.force_login(UserFactory())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = text_of(response)
    assert "找不到这个页面" in page and "返回工作" in page
    assert 'class="navbar' in response.content.decode() and 'href="/"' in response.content.decode()
    assert "Not Found" not in page


def test_the_404_in_english(client):
    in_english(client)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in text_of(response) and "Back to work" in text_of(response)


def test_a_forbidden_page_is_the_sites_403(client):
    client.force_login(UserFactory())  # not the shop manager: the dashboard is refused
    response = client.get(reverse("dashboard"))
    assert response.status_code == 403
    page = text_of(response)
    assert "没有权限" in page and "返回工作" in page
    assert "403 Forbidden" not in page


@pytest.mark.urls(__name__)
def test_a_server_error_is_the_sites_500_in_chinese(client):
    client.raise_request_exception = False
    client.force_login(UserFactory())
    response = client.get("/boom/")
    assert response.status_code == 500
    page = text_of(response)
    assert "出错了" in page and "返回工作" in page
    assert "/static/bootstrap/css/bootstrap.min.css" in response.content.decode()
    assert "Server Error" not in page


def test_the_500_page_needs_no_request_and_no_database(django_assert_num_queries):
    """Django renders 500.html without context processors; the database may be what failed."""
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    assert "/static/shopteam/shopteam.css" in html and 'href="/"' in html


def test_a_failed_form_check_is_explained_not_djangos_page(client):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "kefu", "password": "x"})
    assert response.status_code == 403
    page = text_of(response)
    assert "表单已过期" in page
    assert "CSRF verification failed" not in page


# -- the admin ----------------------------------------------------------------------------------------------

@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_the_admin_is_named_shopteam_in_chinese_and_english(client, superuser):
    page = client.get(reverse("admin:index")).content.decode()
    assert "<title>站点管理 | Shopteam 管理</title>" in page
    assert "Shopteam 管理" in re.search(r'(?s)<div id="site-name">.*?</div>', page).group()
    assert "Django" not in text_of(client.get(reverse("admin:index")))
    in_english(client)
    assert "Shopteam admin" in text_of(client.get(reverse("admin:index")))


class AdminLabels(HTMLParser):
    """The labels of an admin page (headings, breadcrumbs, column headers, form labels, help, buttons, filters),
    not its data (table cells, field values), whose English may be the shop's own (name_en, codes)."""

    LABELS = {"h1", "h2", "h3", "th", "label", "legend", "caption", "button"}
    CLASSES = {"breadcrumbs", "help", "object-tools", "submit-row", "paginator"}

    def __init__(self):
        super().__init__()
        self.stack, self.labels, self.data_header = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "input", "hr", "meta", "link", "col"}:
            return
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append((tag, bool(classes & self.CLASSES) or tag in self.LABELS))
        if tag == "th" and any(name.startswith("field-") for name in classes):
            self.data_header = len(self.stack)  # a change list's first column: the object, not a label

    @property
    def in_data_header(self):
        return self.data_header is not None and len(self.stack) >= self.data_header

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
        if self.data_header is not None and len(self.stack) < self.data_header:
            self.data_header = None

    def handle_data(self, data):
        tags = [t for t, _label in self.stack]
        if not data.strip() or {"script", "style", "td", "select"} & set(tags) or self.in_data_header:
            return
        if any(label for _t, label in self.stack):
            self.labels.append(data.strip())


def english_labels(response):
    parser = AdminLabels()
    parser.feed(response.content.decode())
    return {label for label in parser.labels if re.search(r"[A-Za-z]{3,}", label)
            and not re.search(r"[\u4e00-\u9fff]", label)}




def admin_pages(apps):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in apps:
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{name}_changelist")
        yield reverse(f"{name}_add")
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            yield reverse(f"{name}_change", args=[obj.pk])
            yield reverse(f"{name}_history", args=[obj.pk])
            record = isinstance(model_admin, SimpleHistoryAdmin) and obj.history.order_by("pk").first()
            if record:
                yield reverse(f"{name}_simple_history", args=[obj.pk, record.history_id])
    for app in apps:
        yield reverse("admin:app_list", args=[app])
    yield reverse("admin:index")


def english_labels_on(client, urls, *, others=frozenset()):
    """{label: the first of `urls` showing it} for every English label (not one of `others`, lower-cased) on the
    admin pages at `urls`; each answers 200, but for a read-only admin's add page (403)."""
    found = {}
    for url in urls:
        response = client.get(url)
        if response.status_code == 403:  # read-only admins have no add page
            continue
        assert response.status_code == 200, url
        for label in english_labels(response):
            if label.lower() not in others:
                found.setdefault(label, url)
    return found


def test_the_admin_pages_of_the_shops_apps_have_no_english_labels_in_chinese(client, superuser, team):
    from escalation.services import raise_case
    from shopteam.notifications.models import WebhookChannel
    from shopteam.workcalendar.models import CalendarDay
    from shopteam.workcalendar.services import ensure_schedules

    ensure_schedules()
    CalendarDay.objects.create(date=datetime.date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    WebhookChannel.objects.create(name="客服群", kind="dingtalk", url="https://oapi.dingtalk.com/robot/send?x=1")
    kefu = team.holder("客服A")
    raise_case(by=kefu, post=Post.objects.get(title="客服A"), description="咨询太多了")
    manager_post = Post.objects.get(title="店长")
    manager_post.head_count = 1
    manager_post.save()  # a second history record, so the history list shows its changes column

    apps = ["roles", "escalation", "workcalendar", "notifications", "axes", "tasks", "inventory", "finance"]
    found = english_labels_on(client, admin_pages(apps))
    assert found == {}, "\n".join(f"{url}: {label}" for label, url in sorted(found.items()))


# -- notifications: "just now" ------------------------------------------------------------------------------

def test_a_fresh_notification_came_just_now_not_0_minutes_ago(client):
    user = UserFactory()
    client.force_login(user)
    fresh = Notification.objects.create(recipient=user, title="刚到的通知")
    older = Notification.objects.create(recipient=user, title="早些的通知")
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))

    page = client.get(reverse("notifications:list")).content.decode().replace("\xa0", " ")
    item = re.search(rf'(?s)data-notification="{fresh.pk}".*?</a>', page).group()
    assert "刚刚" in item and "0 分钟" not in item
    item = re.search(rf'(?s)data-notification="{older.pk}".*?</a>', page).group()
    assert "5 分钟前" in item

    in_english(client)
    page = client.get(reverse("notifications:list")).content.decode().replace("\xa0", " ")
    assert "just now" in re.search(rf'(?s)data-notification="{fresh.pk}".*?</a>', page).group()
    assert "5 minutes ago" in re.search(rf'(?s)data-notification="{older.pk}".*?</a>', page).group()


# -- a post's duties ----------------------------------------------------------------------------------------

def duty_headings(response):
    return re.findall(r'data-duties="(\w+)"', response.content.decode())


def test_a_post_without_supporting_duties_shows_no_empty_supporting_heading(client):
    assignment = AssignmentFactory()
    post = assignment.post
    Duty.objects.create(post=post, kind=Duty.Kind.MAIN, text="每天回复客户咨询", order=1)
    client.force_login(assignment.user)

    for url in (reverse("roles:post_detail", args=[post.pk]), reverse("roles:my_posts")):
        response = client.get(url)
        assert duty_headings(response) == ["main"], url
        assert "主要工作" in text_of(response) and "监理工作" not in text_of(response)


def test_a_post_with_both_kinds_shows_both_headings_main_first(client):
    post = PostFactory()
    Duty.objects.create(post=post, kind=Duty.Kind.SUPPORTING, text="监督发货", order=1)
    Duty.objects.create(post=post, kind=Duty.Kind.MAIN, text="处理订单", order=2)
    client.force_login(UserFactory())
    response = client.get(reverse("roles:post_detail", args=[post.pk]))
    assert duty_headings(response) == ["main", "supporting"]
    page = text_of(response)
    assert page.index("处理订单") < page.index("监理工作") < page.index("监督发货")


def test_a_post_without_duties_says_so(client):
    post = PostFactory()
    client.force_login(UserFactory())
    response = client.get(reverse("roles:post_detail", args=[post.pk]))
    assert duty_headings(response) == []
    assert "岗位手册尚未列出这个岗位的工作" in text_of(response)


def test_a_403_is_logged_once(client, team, settings, capsys):
    from django.utils.log import configure_logging

    settings.DEBUG = True  # Django's own console handler prints only with DEBUG on: it made the second copy
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)  # the handlers now write to the captured output
    try:
        client.force_login(team["kefu_a"])
        assert client.get(reverse("dashboard")).status_code == 403
        captured = capsys.readouterr()
        logged = captured.out + captured.err  # the site's handler writes to standard output, Django's to stderr
    finally:
        with capsys.disabled():  # back to the real streams: the captured ones close with this test
            configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    assert logged.count("Forbidden (Permission denied): /dashboard/") == 1
    assert logged.count("Traceback") <= 1


def _site_urls(patterns=None, prefix=""):
    """Every URL of the site but the admin's, its parameters filled in (ids that may not exist)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    values = {"int": "1", "slug": "close", "str": "2026-01", "path": "x"}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith("admin/") or route.startswith("^"):
            continue
        if isinstance(pattern, URLResolver):
            yield from _site_urls(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: values[m.group(1) or "str"], route)


def test_a_get_on_a_forms_post_url_goes_to_a_page_not_a_405(client, team):
    client.force_login(team["manager"])
    answered = {url: client.get(url).status_code for url in _site_urls()}
    assert "/cases/1/close/" in answered and "/accounts/logout/" in answered
    assert [url for url, status in answered.items() if status == 405] == []


def test_a_get_on_an_action_goes_to_the_page_its_form_is_on(client, team):
    from tests.escalation.factories import raise_difficulty

    case = raise_difficulty(team, "客服忙碌")
    client.force_login(team["manager"])
    response = client.get(reverse("escalation:case_action", args=[case.pk, "accept"]))
    assert response.status_code == 302 and response["Location"] == reverse("escalation:case_detail", args=[case.pk])
    response = client.get(reverse("notifications:mark_all_read"))
    assert response["Location"] == reverse("notifications:list")
    assert client.get(reverse("logout"))["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code in (200, 302)  # still signed in: a GET signs nobody out


def test_the_app_serves_its_own_favicon_and_every_page_links_it(client, team):
    client.force_login(team["kefu_a"])
    page = client.get(reverse("roles:org_chart")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/shopteam/favicon[^"]*\.svg"', page)
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and "/static/shopteam/favicon" in response["Location"]
    client.logout()
    assert client.get("/favicon.ico").status_code == 301  # the sign-in page's tab too
