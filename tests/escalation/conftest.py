"""Escalation tests run on a working Monday morning in Shanghai, with the playbook's work schedules (office
hours, and the customer-service rota for the customer-service group)."""
import datetime
import zoneinfo

import pytest
import time_machine

# The fixture is tests/conftest.py's; named here too for the test packages that import it from this module.
from tests.conftest import working_hours  # noqa: F401

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY_10AM = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock(working_hours):  # noqa: F811 - the fixture imported above
    """A controllable clock starting Monday 2026-11-23 10:00 Shanghai; `clock.move_to(...)`, `clock.shift(...)`."""
    with time_machine.travel(MONDAY_10AM, tick=False) as traveller:
        yield traveller
