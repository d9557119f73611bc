"""What finance does when another app tells it something: only calls its own services."""
import logging

from django.contrib.contenttypes.models import ContentType

from escalation.signals import case_resolved
from inventory.signals import orders_imported
from shopteam.errors import ServiceError

from . import services
from .models import PromotionRequest

logger = logging.getLogger(__name__)


def note_case_decision(sender, *, case, by, **kwargs):
    if case.subject_type_id == ContentType.objects.get_for_model(PromotionRequest).pk:
        services.note_case_decision(case, by=by)


def write_taobao_days(sender, *, dates=(), **kwargs):
    """An import of Taobao exports committed: its days' sales and refunds go into the ledger. Any other error
    propagates, so the import stays unbooked and the booking job retries. A refusal (every open month closed) is
    final: retrying would not open a month, so finance is told and the refusal is returned, for the import to
    keep as its booking note."""
    try:
        services.sync_taobao_days(dates)
    except ServiceError as error:
        logger.warning("Taobao money of %s not written: %s", dates, error)
        services.tell_finance_taobao_refused(dates, error)
        return " ".join(str(message) for message in error.messages)
    return None


def connect():
    case_resolved.connect(note_case_decision, dispatch_uid="finance.note_case_decision")
    orders_imported.connect(write_taobao_days, dispatch_uid="finance.write_taobao_days")
