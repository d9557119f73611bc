"""Finance tests run on a working Monday in Shanghai (2026-03-16 10:00) with the playbook's team and work
schedules; money is built through the services."""
import datetime
import zoneinfo

import pytest
import time_machine

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=SHANGHAI)


def at(text):
    """'2026-03-16 10:00' as an aware datetime in Shanghai."""
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


@pytest.fixture
def clock(working_hours):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _seeded_books(request):
    """The categories the data migration seeds; a transactional test elsewhere may have flushed them."""
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        from finance.services import ensure_seed_data

        ensure_seed_data()
