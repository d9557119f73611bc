"""Escalation tests run on a working Monday morning in Shanghai, with the default working hours."""
import datetime
import zoneinfo

import pytest
import time_machine

from shopteam.workcalendar.models import WorkingPeriod
from shopteam.workcalendar.services import DEFAULT_PERIODS

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY_10AM = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def working_hours(db):
    WorkingPeriod.objects.bulk_create(WorkingPeriod(weekday=w, start=s, end=e) for w, s, e in DEFAULT_PERIODS)


@pytest.fixture
def clock(working_hours):
    """A controllable clock starting Monday 2026-11-23 10:00 Shanghai; `clock.move_to(...)`, `clock.shift(...)`."""
    with time_machine.travel(MONDAY_10AM, tick=False) as traveller:
        yield traveller
