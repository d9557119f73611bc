"""What the tasks app does when another app tells it something: only calls its own services."""
from escalation.signals import case_resolved

from . import services


def complete_tasks_about_case(sender, *, case, by=None, **kwargs):
    services.complete_tasks_about_resolved_case(case, by=by)


def connect():
    case_resolved.connect(complete_tasks_about_case, dispatch_uid="tasks.complete_tasks_about_case")
