"""Checking and running an import: claimed by one worker with a lease, one import writing at a time, stopped at its
time limit, and swept when its worker died.
"""
import logging
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError
from shopteam.queueing import task_named

from .. import services, staging, taobao
from ..models import Product, TaobaoImport, TaobaoRefund
from ..spreadsheets import TableRefused
from .batch import Batch
from .files import open_file
from .ledger import settle_ledger
from .writes import BATCH

logger = logging.getLogger(__name__)
Status = TaobaoImport.Status
# Files up to this size are checked and imported while the person waits; larger ones in the background.
INLINE_BYTES = 512 * 1024
# A worker renews its claim at every batch (seconds apart); one not renewed for this long has died.
LEASE = timedelta(minutes=10)
# The PostgreSQL advisory lock an import holds while it writes (any number: the app takes no other).
IMPORTS_LOCK = 0x7A0BA0


def runs_inline(taobao_import):
    return taobao_import.size <= INLINE_BYTES


def check_soon(taobao_import):
    """Check now if the file is small; else in the background (the page polls its progress)."""
    if taobao_import.status != Status.CHECKING:
        return taobao_import  # already imported (the same file)
    if runs_inline(taobao_import):
        return check(taobao_import)
    task_named("inventory.tasks.check_taobao_import").delay_on_commit(taobao_import.pk)
    return taobao_import


def _batches(records):
    batch = []
    for item in records:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _run(taobao_import, *, write, opened=None):
    """Read the whole file in batches: count (and with `write`, apply) what it says. Returns (summary, problems,
    problem count, dates, deltas)."""
    kind, table = opened or open_file(taobao_import)
    records = taobao.records(kind, table)
    products = dict(Product.objects.values_list("sku", "pk")) if kind == taobao.LINES else {}
    summary, problems, problem_count = defaultdict(int), [], 0
    dates, deltas, occurrences = set(), defaultdict(int), {}
    waiting_refunds = kind == taobao.LINES and TaobaoRefund.objects.filter(line__isnull=True).exists()
    rows_done = 0
    for batch_records in _batches(records):
        good = [(number, record) for number, record, problem in batch_records if problem is None]
        bad = [problem for _n, _r, problem in batch_records if problem is not None]
        batch = Batch(taobao_import, write=write, waiting_refunds=waiting_refunds)
        with transaction.atomic():
            if kind == taobao.ORDERS:
                batch.orders(good)
            elif kind == taobao.LINES:
                batch.lines(good, products=products, occurrences=occurrences)
            else:
                batch.refunds(good)
        bad += batch.problems
        problem_count += len(bad)
        for problem in sorted(bad, key=lambda p: p.row):
            if len(problems) < TaobaoImport.PROBLEMS_KEPT:
                problems.append({"row": problem.row, "reason": str(problem.reason), "ref": problem.ref})
        for key, value in batch.counts.items():
            summary[key] += value
        for pk, delta in batch.deltas.items():
            deltas[pk] += delta
        dates |= batch.dates
        rows_done += len(batch_records)
        taobao_import.beat(rows_done)
    summary["rows"] = rows_done
    return dict(summary), problems, problem_count, dates, deltas


def _claim(pk, claimable, **changes):
    """Claim the check or the run for this worker, as the notification outbox claims a delivery: only the caller
    whose UPDATE changed the row does the work; a claim older than LEASE (its worker died) may be taken over.
    Returns the claimed import, or None."""
    now = timezone.now()
    if not TaobaoImport.objects.filter(pk=pk, status=claimable).filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)).update(claimed_at=now, **changes):
        return None
    return TaobaoImport.objects.get(pk=pk)


def _mine(taobao_import):
    """The import, while this worker's claim holds."""
    return TaobaoImport.objects.filter(pk=taobao_import.pk, claimed_at=taobao_import.claimed_at)


def _over_time_limit(what):
    """The message of a job stopped by its time limit (SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS)."""
    seconds = settings.SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS
    if what == "check":
        return _("The check was stopped: it took longer than its time limit of %(seconds)s seconds (the "
                 "SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS setting). Nothing was imported; split the file and upload the "
                 "parts.") % {"seconds": seconds}
    return _("The import was stopped: it took longer than its time limit of %(seconds)s seconds (the "
             "SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS setting). Run it again: what was imported is not imported twice; "
             "or split the file.") % {"seconds": seconds}


def check(taobao_import):
    """The preview: read and check every row, count what importing would do, write nothing but the import's
    own record (its kind, counts and problems). A file that is no export is refused whole. Claimed once: a second
    call, or a redelivered task, while the first is alive does nothing."""
    claimed = _claim(taobao_import.pk, Status.CHECKING, rows_done=0)
    if claimed is None:
        return TaobaoImport.objects.get(pk=taobao_import.pk)
    taobao_import = claimed
    try:
        summary, problems, count, deltas = _check(taobao_import)
    except TaobaoImport.ClaimLost:
        return TaobaoImport.objects.get(pk=taobao_import.pk)
    except TableRefused as refusal:
        _mine(taobao_import).update(status=Status.REFUSED, refusal=refusal.message, finished_at=timezone.now(),
                          claimed_at=None)
        return TaobaoImport.objects.get(pk=taobao_import.pk)
    except SoftTimeLimitExceeded:
        logger.warning("checking Taobao import %s stopped at its time limit", taobao_import.pk)
        TaobaoImport.objects.filter(pk=taobao_import.pk).update(status=Status.FAILED, refusal=_over_time_limit("check"),
                                                      finished_at=timezone.now(), claimed_at=None)
        return TaobaoImport.objects.get(pk=taobao_import.pk)
    except Exception:
        logger.exception("checking Taobao import %s failed", taobao_import.pk)
        _mine(taobao_import).update(
            status=Status.FAILED, claimed_at=None,
            refusal=_("The check stopped on an unexpected error; the admins can see it in the log. Nothing was "
                      "imported."))
        raise
    short = _shortage_warnings(deltas)
    summary["short"] = short
    _mine(taobao_import).update(
        status=Status.CHECKED, claimed_at=None, summary=summary, problems=problems, problem_count=count,
        rows_total=summary.get("rows", 0), rows_done=summary.get("rows", 0), kind=taobao_import.kind,
        file_format=taobao_import.file_format,
    )
    return TaobaoImport.objects.get(pk=taobao_import.pk)


def _check(taobao_import):
    """(summary, problems, problem count, deltas): set-based from the staged rows where it can (a 宝贝报表 on
    PostgreSQL), else read in Python."""
    kind, table = open_file(taobao_import)
    if staging.usable(kind):
        try:
            return staging.stage(taobao_import, table)
        except staging.Fallback as error:
            logger.warning("Taobao import %s is read in Python: it could not be staged (%s)", taobao_import.pk,
                           error)
            # A beat in the undone transaction is undone.
            taobao_import.refresh_from_db(fields=["claimed_at", "rows_done"])
            kind, table = open_file(taobao_import)
    if staging.orders_usable(kind):
        # The orders the check reads are kept, so that the import does not read the file again.
        try:
            return staging.stage_orders(taobao_import, table)
        except staging.Fallback as error:
            logger.warning("Taobao import %s is read in Python: its orders could not be staged (%s)",
                           taobao_import.pk, error)
            taobao_import.refresh_from_db(fields=["claimed_at", "rows_done"])
            kind, table = open_file(taobao_import)
    summary, problems, count, _dates, deltas = _run(taobao_import, write=False, opened=(kind, table))
    return summary, problems, count, deltas


def _write(taobao_import):
    """Write the file's orders, lines or refunds: (summary, problems, problem count, dates, whether new lines wait
    for the settling). From the staged rows if the check staged them (refused rows are then known before anything
    is written), else read again."""
    if taobao_import.kind == taobao.LINES and staging.staged(taobao_import):
        problems, count = staging.problems(taobao_import)
        if count and not taobao_import.skip_bad_rows:
            raise _refused_since_check(count)  # before anything is written
        summary, held = staging.write(taobao_import)
        return summary, problems, count, set(), held
    if taobao_import.kind == taobao.ORDERS and staging.orders_staged(taobao_import):
        # The orders the check read: the refused rows are those it found (an order row's reading never depends on
        # what the shop holds).
        summary, dates = staging.write_orders(taobao_import)
        return summary, taobao_import.problems, taobao_import.problem_count, dates, False
    summary, problems, count, dates, _deltas = _run(taobao_import, write=True)
    return summary, problems, count, dates, False


def _refused_since_check(count):
    return ServiceError(_("%(count)s row(s) are refused now that were not when the file was checked (a product was "
                          "removed?): check the file again.") % {"count": count})


def _shortage_warnings(deltas):
    products = Product.objects.filter(pk__in=[pk for pk, d in deltas.items() if d < 0]).only(
        "pk", "sku", "name", "on_hand", "allow_negative", "reorder_point")
    return services.shortages(list(products), deltas)


def start(taobao_import, *, by, skip_bad_rows=False, inline=None):
    """Import a checked file: refused rows are skipped only when the person says so; a file with refused rows
    otherwise imports nothing. Small files import now, large ones in the background (`inline` decides)."""
    services.require_stock_rights(by)
    taobao_import = TaobaoImport.objects.get(pk=taobao_import.pk)
    if taobao_import.status != Status.CHECKED:
        raise ServiceError(_("This file is not waiting to be imported (it is %(status)s).")
                           % {"status": taobao_import.get_status_display()})
    if taobao_import.problem_count and not skip_bad_rows:
        raise ServiceError(_("%(count)s row(s) of %(file)s are refused: fix the file, or choose to skip those rows.")
                           % {"count": taobao_import.problem_count, "file": taobao_import.filename})
    claimed = TaobaoImport.objects.filter(pk=taobao_import.pk, status=Status.CHECKED).update(
        status=Status.QUEUED, skip_bad_rows=skip_bad_rows, applied_by=by, rows_done=0)
    if not claimed:
        raise ServiceError(_("This file is already being imported."))
    taobao_import.refresh_from_db()
    if runs_inline(taobao_import) if inline is None else inline:
        return run(taobao_import.pk, wait=inline is not None)
    task_named("inventory.tasks.run_taobao_import").delay_on_commit(taobao_import.pk)
    return taobao_import


def retry(taobao_import, *, by):
    """Run a stopped import again (its records are idempotent; the ledger settles only what is not yet right), or
    check again a file whose check stopped."""
    services.require_stock_rights(by)
    if TaobaoImport.objects.filter(pk=taobao_import.pk, status=Status.FAILED, applied_by__isnull=True).update(
            status=Status.CHECKING, rows_done=0, refusal="", claimed_at=None, finished_at=None):
        return check_soon(TaobaoImport.objects.get(pk=taobao_import.pk))
    if not TaobaoImport.objects.filter(pk=taobao_import.pk, status=Status.FAILED, applied_by__isnull=False).update(
            status=Status.QUEUED, applied_by=by, rows_done=0, refusal="", claimed_at=None):
        raise ServiceError(_("Only a stopped import can be run again."))
    taobao_import.refresh_from_db()
    if runs_inline(taobao_import):
        return run(taobao_import.pk, wait=False)
    task_named("inventory.tasks.run_taobao_import").delay_on_commit(taobao_import.pk)
    return taobao_import


@transaction.atomic
def cancel(taobao_import, *, by):
    services.require_stock_rights(by)
    if not TaobaoImport.objects.filter(pk=taobao_import.pk, status__in=[Status.CHECKED, Status.REFUSED]).update(
            status=Status.CANCELLED, finished_at=timezone.now()):
        raise ServiceError(_("Only a file waiting to be imported can be cancelled."))
    staging.discard(taobao_import)


@contextmanager
def one_import_at_a_time(*, wait=True):
    """Hold the imports' lock (PostgreSQL, for the session: across the run's committed batches; a worker that dies
    loses it with its connection). Yields whether it is held: without `wait`, False when another import has it.
    Elsewhere yields True (SQLite's IMMEDIATE transactions serialise the writers)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)" if wait else "SELECT pg_try_advisory_lock(%s)", [IMPORTS_LOCK])
        held = cursor.fetchone()[0] is not False
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORTS_LOCK])


def run(import_id, *, wait=True):
    """The import itself, one at a time: it waits for an import already writing, or with `wait` False (the page)
    leaves itself to the worker then. Claimed once: a second worker, or a second call, does nothing."""
    if not TaobaoImport.objects.filter(pk=import_id, status=Status.QUEUED).exists():
        return TaobaoImport.objects.get(pk=import_id)
    with one_import_at_a_time(wait=wait) as held:
        if held:
            return _run_claimed(import_id)
    task_named("inventory.tasks.run_taobao_import").delay_on_commit(import_id)
    return TaobaoImport.objects.get(pk=import_id)


def _run_claimed(import_id):
    taobao_import = _claim(import_id, Status.QUEUED, status=Status.RUNNING, started_at=timezone.now())
    if taobao_import is None:
        return TaobaoImport.objects.get(pk=import_id)
    try:
        summary, problems, count, dates, new_lines = _write(taobao_import)
        if count and not taobao_import.skip_bad_rows:
            raise _refused_since_check(count)
        settled = settle_ledger(taobao_import, new_lines=new_lines)
    except TaobaoImport.ClaimLost:
        return TaobaoImport.objects.get(pk=import_id)
    except ServiceError as error:
        TaobaoImport.objects.filter(pk=taobao_import.pk).update(status=Status.FAILED, refusal="\n".join(
            str(m) for m in error.messages), finished_at=timezone.now(), claimed_at=None)
        return TaobaoImport.objects.get(pk=import_id)
    except SoftTimeLimitExceeded:
        logger.warning("Taobao import %s stopped at its time limit", taobao_import.pk)
        TaobaoImport.objects.filter(pk=taobao_import.pk).update(status=Status.FAILED, refusal=_over_time_limit("run"),
                                                      finished_at=timezone.now(), claimed_at=None)
        return TaobaoImport.objects.get(pk=import_id)
    except Exception:
        logger.exception("Taobao import %s failed", taobao_import.pk)
        TaobaoImport.objects.filter(pk=taobao_import.pk).update(
            status=Status.FAILED, finished_at=timezone.now(), claimed_at=None,
            refusal=_("The import stopped on an unexpected error; the admins can see it in the log. Run it again "
                      "once it is fixed: what was imported is not imported twice."))
        raise
    dates |= set(settled.pop("dates"))
    summary.update(settled)
    summary["skipped"] = count
    with transaction.atomic():
        now = timezone.now()
        TaobaoImport.objects.filter(pk=taobao_import.pk).update(
            status=Status.DONE, summary=summary, problems=problems, problem_count=count, rows_total=summary["rows"],
            rows_done=summary["rows"], finished_at=now, claimed_at=None,
            money_days=[day.isoformat() for day in sorted(dates)], money_booked_at=None if dates else now)
        staging.discard(taobao_import)
        if dates:  # booked after commit, retried, and swept nightly (services.book_taobao_money)
            transaction.on_commit(partial(services.book_taobao_money_after_commit, taobao_import.pk))
    return TaobaoImport.objects.get(pk=import_id)


def expire_stale():
    """The periodic sweep: a check or an import whose worker stopped renewing its claim (it died, was restarted,
    ran out of memory) is marked stopped, to be run again from its page. Returns how many."""
    now = timezone.now()
    stale = Q(claimed_at__lt=now - LEASE) | Q(claimed_at__isnull=True, started_at__lt=now - LEASE)
    checks = TaobaoImport.objects.filter(stale, status=Status.CHECKING).update(
        status=Status.FAILED, claimed_at=None, finished_at=now,
        refusal=_("The check stopped: the worker checking the file stopped. Run it again: nothing was imported."))
    runs = TaobaoImport.objects.filter(stale, status=Status.RUNNING).update(
        status=Status.FAILED, claimed_at=None, finished_at=now,
        refusal=_("The import stopped: the worker importing the file stopped. Run it again: what was imported is "
                  "not imported twice."))
    return checks + runs
