"""Every page, as the shop manager (and the admin's post change page as an admin): nothing is fetched from
another host, and each page fits a 390 px phone without scrolling sideways. Screenshots at 390 px and, for a few
key pages, at 1280 px, in test-artifacts/screenshots/every-page-*.png.

The pages without URL arguments come from walking the URL resolver (those a GET as the manager answers 200),
plus one page of each kind of object (tests/objects.py)."""
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.urls.exceptions import NoReverseMatch

from roles.models import Post
from tests.access import ADMIN_KEY, url_patterns
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.factories import PASSWORD, UserFactory
from tests.objects import shop_objects

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SKIPPED_NAMESPACES = {ADMIN_KEY, "djdt"}
SKIPPED_NAMES = {"logout", "login", "set_language", "javascript-catalog"}
KEY_PAGES = {"dashboard", "tasks-board", "finance-ledger", "case", "stocktake", "admin-post"}


def names_without_arguments():
    """Every named URL pattern that reverses without arguments, e.g. 'finance:ledger'."""
    for name, _route in url_patterns():
        if name.split(":")[0] in SKIPPED_NAMESPACES or name.rsplit(":", 1)[-1] in SKIPPED_NAMES:
            continue
        try:
            yield name, reverse(name)
        except NoReverseMatch:
            continue


@pytest.fixture
def shop(team, tmp_path):
    """One page of each kind of object (tests/objects.py, shared with the permission walk)."""
    objects = shop_objects(team, var_dir=tmp_path)
    return {name: obj.get_absolute_url() for name, obj in objects.items() if hasattr(obj, "get_absolute_url")}


def manager_pages(shop):
    client = Client()
    client.login(username="manager", password=PASSWORD)
    pages = {}
    for name, path in names_without_arguments():
        response = client.get(path) if path not in pages.values() else None
        if response is not None and response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages[name.replace(":", "-").replace("_", "-")] = path
    return {**pages, **shop}


def watch_requests(page, live_server):
    """Every request the page makes whose host is not the live server's."""
    home = urlsplit(live_server.url).netloc
    foreign = []
    page.on("request", lambda request: foreign.append(request.url)
            if urlsplit(request.url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(request.url).netloc != home else None)
    return foreign


# Controls a page at phone width must show whole: none past the screen's edge unless a box of its own scrolls it
# into view, and no short button broken into two lines (查 / 找). A width check cannot see either.
CONTROLS_SHOWN_WHOLE = """() => {
  const width = window.innerWidth, found = [];
  const scrolled = el => { for (let up = el.parentElement; up; up = up.parentElement) {
    if (["auto", "scroll"].includes(getComputedStyle(up).overflowX)) return true; } return false; };
  for (const el of document.querySelectorAll("input, select, textarea, button, a.btn, .nav-link")) {
    const box = el.getBoundingClientRect(), text = (el.textContent || el.name || "").trim().slice(0, 30);
    if (!box.width || !box.height || el.type === "hidden" || el.closest(".visually-hidden, [hidden]")) continue;
    if (box.right > width + 1 && !scrolled(el)) found.push("cut off at the edge: " + text);
    if (el.matches("button, a.btn") && text.length <= 8) {
      const range = document.createRange(); range.selectNodeContents(el);
      if (new Set([...range.getClientRects()].map(line => Math.round(line.top))).size > 1)
        found.push("broken into two lines: " + text);
    }
  }
  return found;
}"""


def visit(page, live_server, name, path, problems):
    foreign = watch_requests(page, live_server)
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if width < 576 and scroll_width > width + 1:
        problems.append(f"{path} is {scroll_width}px wide at {width}px")
    if width < 576:
        problems += [f"{path}: {problem}" for problem in page.evaluate(CONTROLS_SHOWN_WHOLE)]
    if foreign:
        problems.append(f"{path} asked another host for {foreign}")
    screenshot(page, f"every-page-{name}-{width}")


def test_every_page_stays_on_the_shop_and_fits_a_phone(open_page, live_server, team, shop):
    pages = manager_pages(shop)
    for expected in ("dashboard", "tasks-board", "finance-ledger", "roles-org-chart"):
        assert any(name.endswith(expected.split("-", 1)[-1]) for name in pages), f"{expected} not visited"
    phone, desktop = open_page(PHONE), open_page(DESKTOP)
    sign_in(phone, live_server, "manager", PASSWORD)
    sign_in(desktop, live_server, "manager", PASSWORD)
    problems = []
    for name, path in pages.items():
        visit(phone, live_server, name, path, problems)
        if any(key == name or name.endswith(key) for key in KEY_PAGES):
            visit(desktop, live_server, name, path, problems)
    assert not problems, "\n".join(problems)
    assert len(pages) > 20, sorted(pages)


def test_the_admins_post_page_fits_a_phone(open_page, live_server, team):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    path = reverse("admin:roles_post_change", args=[Post.objects.order_by("pk").first().pk])
    problems = []
    for viewport in (PHONE, DESKTOP):
        page = open_page(viewport)
        sign_in(page, live_server, "boss", PASSWORD)
        visit(page, live_server, "admin-post", path, problems)
    assert not problems, "\n".join(problems)
