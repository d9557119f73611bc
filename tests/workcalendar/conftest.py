"""The calendar seeded from chinesecalendar, and a helper for moments in Shanghai."""
import datetime
import zoneinfo

import pytest

from shopteam.workcalendar.services import seed_from_chinesecalendar

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text):
    """'2025-09-30 17:00' as an aware datetime in Shanghai."""
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


@pytest.fixture
def calendar(db):
    return seed_from_chinesecalendar()
