"""Analysis tests: the playbook's team, document 004's staffing rule seeded and linked to its posts."""
import datetime
import zoneinfo

import pytest

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text):
    """'2026-03-16 10:00' as an aware datetime in Shanghai."""
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


@pytest.fixture
def staffing(team):
    from analysis.services import seed_staffing

    seed_staffing()
    return team
