"""Recurring org-chart work for Celery."""
from celery import shared_task

from . import services


@shared_task
def sync_department_groups():
    """Daily: assignments start and end by date, so group membership and whatever follows a post's holders
    (open cases, tasks) are brought in step (idempotent)."""
    return services.record_holders_changed()
