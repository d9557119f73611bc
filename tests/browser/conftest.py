"""Playwright on Debian's Chromium against pytest-django's live server, and helpers to sign in and keep
screenshots (test-artifacts/screenshots/, kept by CI as artefacts)."""
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Never `playwright install`: the system Chromium and its CJK font come from apt (bin/setup --browser).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: run bin/setup --browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """Open a page in a fresh context (no cookies shared with other pages): `open_page(PHONE)`."""
    contexts = []

    def open_page(viewport=DESKTOP):
        phone = viewport["width"] < 576
        # The shop works in Chinese; Chromium would otherwise send Accept-Language: en-US.
        context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=phone, has_touch=phone)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page(DESKTOP)


@pytest.fixture
def phone_page(open_page):
    return open_page(PHONE)


def sign_in(page, live_server, username, password):
    """Sign in through the login form, as a person would, and wait to land on the page after it."""
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert reverse("login") not in page.url, f"sign-in as {username} failed: still on {page.url}"


def screenshot(page, name):
    """Save a full-page PNG as test-artifacts/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
