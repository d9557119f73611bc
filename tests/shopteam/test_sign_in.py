"""Every page needs a sign-in; staff sign in, change their password and sign out; the admin is staff-only."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "favicon", "healthz", "set_language"}  # sign-in and its language switch, its tab icon, the monitor


def every_pattern(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from every_pattern(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


def concrete(route):
    """Turn a route pattern into a URL, with 1 for every parameter."""
    import re

    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    route = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return "/" + route.replace("^", "")


PATTERNS = sorted({(concrete(route), name) for route, name in every_pattern() if name not in PUBLIC})


@pytest.mark.parametrize(("url", "name"), PATTERNS, ids=[u for u, _ in PATTERNS])
def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, url, name):
    response = client.get(url)
    assert response.status_code == 302, url
    assert "/login/" in response["Location"], response["Location"]


def test_sign_in_change_password_and_sign_out(client):
    user = UserFactory(username="kefu")
    response = client.post(reverse("login"), {"username": "kefu", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("roles:org_chart")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-secret-456", "new_password2": "a-new-secret-456"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-secret-456")
    client.post(reverse("logout"))
    assert client.get(reverse("roles:org_chart")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="kefu")
    response = client.post(reverse("login"), {"username": "kefu", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_repeated_failed_sign_ins_lock_the_account(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="kefu")
    for _ in range(3):
        client.post(reverse("login"), {"username": "kefu", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(reverse("login"), {"username": "kefu", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429


def test_a_lock_holds_the_username_at_the_address_that_failed_not_everywhere(client, settings):
    """The README's choice: a username and address together are locked, so wrong passwords typed elsewhere (a
    colleague, a stranger) cannot lock a person out of the shop; the guesser at that address is stopped."""
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="kefu")
    for _ in range(3):
        client.post(reverse("login"), {"username": "kefu", "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    locked = client.post(reverse("login"), {"username": "kefu", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert locked.status_code == 429
    at_work = client.post(reverse("login"), {"username": "kefu", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert at_work.status_code == 302


def test_admin_refuses_staff_who_are_not_admins(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_interface_is_chinese_by_default_and_english_on_request(client):
    client.force_login(UserFactory())
    assert "组织架构" in client.get(reverse("roles:org_chart")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/org/"})
    assert "Org chart" in client.get(reverse("roles:org_chart")).content.decode()


def test_the_sign_in_pages_language_switch_works_before_signing_in(client):
    assert "Sign in" not in client.get(reverse("login")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response["Location"] == reverse("login")
    assert "Sign in" in client.get(reverse("login")).content.decode()


def test_times_are_in_shanghai(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
