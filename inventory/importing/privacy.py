"""Buyers' personal data is kept only as long as the shop needs it (PIPL): names, phones and addresses of orders
whose last moment is older than SHOPTEAM_BUYER_DATA_DAYS are cleared, and the stored export files (which hold
them too) are removed after the same time. Orders, their money and the stock ledger stay."""
import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from shopteam import stored_files

from ..models import TaobaoImport, TaobaoOrder
from .files import file_name

log = logging.getLogger(__name__)

PERSONAL = ("buyer_nick", "receiver_name", "receiver_phone", "address")
# An import that may still be read again keeps its file, whatever its age.
BUSY = (TaobaoImport.Status.CHECKING, TaobaoImport.Status.CHECKED, TaobaoImport.Status.QUEUED,
        TaobaoImport.Status.RUNNING)
CHUNK = 5000


@dataclass(frozen=True)
class Forgotten:
    orders: int
    files: int


def forget_old_buyer_data(now: datetime.datetime | None = None) -> Forgotten:
    """Clear what identifies a buyer on orders whose last moment (received, else shipped, paid or placed) is older
    than SHOPTEAM_BUYER_DATA_DAYS, and remove export files uploaded before then. 0 days keeps everything. Safe
    to run twice and beside an import (each chunk is its own short transaction)."""
    days = settings.SHOPTEAM_BUYER_DATA_DAYS
    if not days:
        return Forgotten(0, 0)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    has_personal = ~Q(**dict.fromkeys(PERSONAL, ""))  # any of them not blank
    old = (TaobaoOrder.objects.annotate(last=Coalesce("received_at", "shipped_at", "paid_at", "placed_at"))
           .filter(has_personal, last__lt=cutoff))
    orders = 0
    while ids := list(old.order_by("pk").values_list("pk", flat=True)[:CHUNK]):
        with transaction.atomic():
            orders += TaobaoOrder.objects.filter(pk__in=ids).update(**dict.fromkeys(PERSONAL, ""))
    files = _remove_files(cutoff)
    if orders or files:
        log.info("buyer data older than %s days cleared: %s order(s), %s stored export file(s)", days, orders, files)
    return Forgotten(orders, files)


def _remove_files(cutoff):
    removed = 0
    stale = (TaobaoImport.objects.filter(created_at__lt=cutoff, file_removed_at__isnull=True).exclude(status__in=BUSY)
             .exclude(status=TaobaoImport.Status.SAME))
    for taobao_import in stale.order_by("pk").iterator():
        with transaction.atomic():
            # Uploads of the same bytes share the file: it goes when none of them may be read again.
            if TaobaoImport.objects.filter(stored_name=taobao_import.stored_name, status__in=BUSY).exists():
                continue
            removed += stored_files.delete(file_name(taobao_import))
            TaobaoImport.objects.filter(stored_name=taobao_import.stored_name).update(file_removed_at=timezone.now())
    return removed
