"""Periodic and queued finance work; each run is safe to repeat and to run beside another."""
from celery import shared_task

from . import services


@shared_task
def send_monthly_report() -> bool:
    return bool(services.send_monthly_report())


@shared_task(autoretry_for=(OSError,), retry_backoff=60, retry_kwargs={"max_retries": 8})
def mail_management_report(report_id: int) -> bool:
    return services.mail_management_report(report_id)


@shared_task
def build_supplier_cycles() -> int:
    return len(services.build_due_cycles())


@shared_task
def remind_supplier_cycles() -> int:
    return len(services.remind_open_steps())


@shared_task
def raise_late_supplier_cycles() -> int:
    return len(services.raise_late_cases())
