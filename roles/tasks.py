"""Recurring org-chart work for Celery."""
from celery import shared_task

from . import services


@shared_task
def sync_department_groups():
    """Daily: assignments start and end by date, so group membership is recomputed (idempotent)."""
    return services.sync_department_groups()
