"""Taobao money: the booking outbox. An import records the days whose money it changed
(TaobaoImport.money_days) in its own transaction; after commit they are booked here, a failure is retried by
tasks.book_taobao_money, and the nightly sweep (tasks.book_pending_taobao_money) books any import still
waiting. The dashboard says when one waits."""
import datetime
import logging

from django.utils import timezone

from shopteam.queueing import queue_now, task_named

from .. import selectors, signals
from ..models import TaobaoImport

logger = logging.getLogger(__name__)


# The retrying job (tasks.book_taobao_money), queued by name: the task module imports this one.
BOOK_TAOBAO_MONEY = "inventory.tasks.book_taobao_money"


def book_taobao_money(import_id: int) -> bool:
    """Book a done import's money days: `orders_imported` is sent synchronously (finance's day sync listens) and
    the import is marked booked only if no receiver raised; an error propagates so the job retries. Safe to run
    again: finance rewrites a day only when its total changed, and a booked import is not sent again. A receiver
    may return a note (finance: the refusal it told finance of, final, not retried), kept on the import. True when
    this call booked it."""
    taobao_import = TaobaoImport.objects.filter(pk=import_id, status=TaobaoImport.Status.DONE,
                                                money_booked_at=None).first()
    if taobao_import is None:
        return False
    dates = [datetime.date.fromisoformat(day) for day in taobao_import.money_days]
    responses = signals.orders_imported.send(sender=TaobaoImport, import_id=taobao_import.pk, dates=dates)
    note = "\n".join(str(response) for _receiver, response in responses if response)
    return bool(TaobaoImport.objects.filter(pk=taobao_import.pk, money_booked_at=None)
                .update(money_booked_at=timezone.now(), money_note=note))


def book_taobao_money_after_commit(import_id: int) -> None:
    """Right after an import commits: book it at once; if that fails, the retrying job takes it over (and were the
    broker down too, the nightly sweep)."""
    try:
        book_taobao_money(import_id)
    except Exception:  # noqa: BLE001 - the import is committed; the job retries and the sweep is behind it
        logger.exception("Taobao import %s: its money could not be booked now; the booking job retries", import_id)
        job = task_named(BOOK_TAOBAO_MONEY)
        queue_now(job.apply_async, job.name, [((), {"args": (import_id,), "countdown": 60})])


def book_pending_taobao_money() -> int:
    """The nightly sweep: book every done import still waiting, oldest first. One that fails again stays waiting
    (logged) and the others go on. Returns how many were booked."""
    booked = 0
    for pk in selectors.taobao_imports_unbooked().order_by("finished_at", "pk").values_list("pk", flat=True):
        try:
            booked += book_taobao_money(pk)
        except Exception:  # noqa: BLE001 - the next import is booked all the same; this one waits for the next night
            logger.exception("Taobao import %s: its money could not be booked by the sweep", pk)
    return booked
