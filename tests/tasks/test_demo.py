"""The demo's tasks: a believable week for the demo team, added through the services, the same after a second run."""
import pytest
from django.apps import apps

from roles.models import Duty
from tasks.models import Standup, Subtask, Task

pytestmark = pytest.mark.django_db


def counts():
    return [Task.objects.count(), Subtask.objects.count(), Standup.objects.count(),
            Duty.objects.exclude(recurrence="").count()]


def test_the_demo_data_loads_and_a_second_run_changes_nothing(team, holidays, clock):
    summary = apps.get_app_config("tasks").load_demo()
    assert "8 tasks filed" in summary
    first = counts()
    assert first[0] >= 8 and first[2] == 3 and first[3] == 7
    assert Task.objects.filter(status="doing").count() == 2 and Task.objects.filter(status="done").count() == 2
    assert "0 tasks filed" in apps.get_app_config("tasks").load_demo()
    assert counts() == first
