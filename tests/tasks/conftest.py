"""Tasks tests run on the escalation tests' clock (a working Monday morning in Shanghai, 2026-11-23 10:00) with the
playbook's work schedules; `holidays` adds the public holidays and make-up workdays from chinesecalendar."""
import datetime

import pytest

from shopteam.workcalendar.services import seed_from_chinesecalendar
from tests.escalation.conftest import MONDAY_10AM, SHANGHAI, clock  # noqa: F401 - fixtures

__all__ = ["MONDAY_10AM", "SHANGHAI", "at"]


def at(text):
    """'2026-09-30 17:00' as an aware datetime in Shanghai."""
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


@pytest.fixture
def holidays(working_hours):
    seed_from_chinesecalendar()
