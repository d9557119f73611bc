"""Periodic and queued finance work; each run is safe to repeat and to run beside another."""
from celery import shared_task

from . import services


@shared_task
def send_monthly_report():
    return bool(services.send_monthly_report())


@shared_task(autoretry_for=(OSError,), retry_backoff=60, retry_kwargs={"max_retries": 8})
def mail_management_report(report_id):
    return services.mail_management_report(report_id)
