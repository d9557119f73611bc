"""Shared fixtures: the playbook loaded, its work schedules, and the demo team built with factories."""
import os

import pytest

# Playwright runs an event loop in the test thread; without this, creating the test database fails with
# SynchronousOnlyOperation once a browser is running (ENVIRONMENT.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from roles.services import load_playbook  # noqa: E402
from shopteam.workcalendar.services import ensure_schedules  # noqa: E402
from tests.factories import TeamBuilder  # noqa: E402

NEEDS_POSTGRES = ("needs PostgreSQL (row locks, concurrent writers): set DATABASE_URL=postgres://… or run it on "
                  "127.0.0.1:5432, and bin/test uses it")


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` (every one that runs work at once) are skipped on SQLite, and counted in the summary,
    so a run without PostgreSQL says how much it did not test."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason=NEEDS_POSTGRES))


def pytest_terminal_summary(terminalreporter):
    skipped = [report for report in terminalreporter.stats.get("skipped", ())
               if NEEDS_POSTGRES in str(report.longrepr)]
    if skipped:
        terminalreporter.section("not tested here", sep="=", yellow=True, bold=True)
        terminalreporter.line(f"{len(skipped)} test(s) skipped: each {NEEDS_POSTGRES}.", yellow=True)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """The dashboard caches its statistics; every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_messages():
    """Service tests match English messages; pages pick their own language per request (LocaleMiddleware)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def playbook(db):
    load_playbook()


@pytest.fixture
def working_hours(db):
    """The playbook's work schedules: office hours (Mon–Fri 09:00–12:00, 13:30–18:00) and the customer-service
    rota."""
    ensure_schedules()


@pytest.fixture
def team(playbook):
    """The playbook's eight people, one per post, the marketing leader also holding data analysis."""
    return TeamBuilder().build()
