"""Periodic stock work; each run is safe to repeat and to run beside another."""
from celery import shared_task

from . import services


@shared_task
def check_stock_drift():
    return len(services.check_drift().drift)
