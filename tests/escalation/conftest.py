"""Escalation tests run on a working Monday morning in Shanghai, with the playbook's work schedules (office
hours, and the customer-service rota for the customer-service group)."""
import datetime
import zoneinfo

import pytest
import time_machine

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY_10AM = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock(working_hours):
    """A controllable clock starting Monday 2026-11-23 10:00 Shanghai; `clock.move_to(...)`, `clock.shift(...)`."""
    with time_machine.travel(MONDAY_10AM, tick=False) as traveller:
        yield traveller
