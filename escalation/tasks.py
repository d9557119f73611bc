"""Periodic escalation work; each run is safe to repeat and to run beside another."""
from celery import shared_task

from . import services


@shared_task
def move_on_overdue_cases():
    return len(services.move_on_overdue_cases())


@shared_task
def warn_before_deadlines():
    return len(services.warn_before_deadlines())
