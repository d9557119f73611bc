"""The Taobao/Tmall order import, as services: upload (the file is kept), check (a preview: counts and every
problem row, nothing written), then import.

An import brings the shop's record of each order, line and refund up to what the export says, then settles
the ledger: each line knows what should be sold (`target`: its quantity when the order is paid, shipped or
finished, the line is not closed and not fully refunded; else 0) and what the ledger holds for it (`sold`);
the import writes the sale, or the reversal of the earlier sale, that brings one to the other. Importing the
same file again, or an overlapping later export, finds every line already right and writes nothing.

The records are written in batches, each committed, so a large file shows its progress and never holds a
clerk's products locked for long; the ledger is then settled in one transaction, all or nothing (a product the
file would take below zero stops the whole settling with every short product named). A run that stopped is
simply run again.

Imports write one at a time: on PostgreSQL each run holds one advisory lock from its first batch to its settling
(`one_import_at_a_time`), so two files of the same orders never read and write the same records at once; on SQLite
the IMMEDIATE transactions serialise each batch. A check and a run are claimed by one worker with a lease it renews
at every batch (`TaobaoImport.beat`); a claim older than LEASE is a worker that died: `expire_stale` marks its
import stopped, to be run again. A file whose bytes equal one already imported without refused rows is recognised
at upload and not read again.

On PostgreSQL a 宝贝报表 is read once, when it is checked, into a staging table, and checked, counted and imported
from there set-based (`staging`); an 订单报表 likewise has its orders read, checked and counted in SQL when it is
checked (`staging.stage_orders`) and written set-based by its import (`staging.write_orders`); the 退款报表, a file
that names an order twice, and everything on SQLite, go through `Batch`.

The package, by noun: `files` (upload and opening), `rules` (what a line counts as sold, in Python), `batch`
(applying a batch of records), `writes` (COPY and bulk writes), `runs` (check, start, run, retry, cancel, the
sweep), `ledger` (settling) and `privacy` (buyers' data cleared after SHOPTEAM_BUYER_DATA_DAYS). The names
other modules use are importable from here.
"""
from .batch import Batch
from .files import file_exists, file_name, file_path, imports_dir, open_file, upload
from .ledger import settle_ledger
from .privacy import forget_old_buyer_data
from .rules import fully_refunded, newer, target_of
from .runs import (
    LEASE,
    cancel,
    check,
    check_soon,
    expire_stale,
    one_import_at_a_time,
    retry,
    run,
    runs_inline,
    start,
)

__all__ = [
    "LEASE", "Batch", "cancel", "check", "check_soon", "expire_stale", "file_exists", "file_name",
    "file_path", "forget_old_buyer_data",
    "fully_refunded", "imports_dir",
    "newer", "one_import_at_a_time", "open_file", "retry", "run", "runs_inline", "settle_ledger", "start",
    "target_of", "upload",
]
