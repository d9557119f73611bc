"""Periodic stock work; each run is safe to repeat and to run beside another."""
from celery import shared_task
from django.conf import settings

from . import importing, services
from .models import TaobaoImport

# Each import job stops at SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS (the import is then marked failed, naming the limit);
# the hard limit a minute later kills a job that did not stop.
IMPORT_LIMITS = {"soft_time_limit": settings.SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS,
                 "time_limit": settings.SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS + 60}


@shared_task
def check_stock_drift():
    return len(services.check_drift().drift)


@shared_task(**IMPORT_LIMITS)
def check_taobao_import(import_id):
    return importing.check(TaobaoImport.objects.get(pk=import_id)).status


@shared_task(**IMPORT_LIMITS)
def run_taobao_import(import_id):
    return importing.run(import_id).status


@shared_task
def expire_stale_taobao_imports():
    """Every 5 minutes: a check or an import whose worker died is marked stopped, to be run again."""
    return importing.expire_stale()


@shared_task(autoretry_for=(Exception,), retry_backoff=60, retry_backoff_max=3600, max_retries=12)
def book_taobao_money(import_id):
    """An import's money days into the books, retried with backoff while finance raises (idempotent)."""
    return services.book_taobao_money(import_id)


@shared_task
def book_pending_taobao_money():
    """Nightly: book every import whose money still waits (a worker died, or the retries ran out)."""
    return services.book_pending_taobao_money()


@shared_task
def scan_low_stock():
    from . import alerts

    return len(alerts.scan_low_stock())


@shared_task
def forget_old_buyer_data():
    """Nightly: buyers' names, phones and addresses, and the stored export files, older than the shop keeps them."""
    forgotten = importing.forget_old_buyer_data()
    return {"orders": forgotten.orders, "files": forgotten.files}
