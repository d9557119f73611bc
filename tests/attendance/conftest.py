"""Attendance tests run on a working Monday in Shanghai (2026-12-07 10:00) with the playbook's team; the kinds are
document 002's, seeded by the migration (and again here, as a transactional test elsewhere may flush them)."""
import datetime
import zoneinfo

import pytest
import time_machine

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
TODAY = MONDAY.date()


@pytest.fixture
def clock(db):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _seeded_kinds(request):
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        from attendance.services import ensure_kinds

        ensure_kinds()
