"""The stage tables' life: whether a kind of file is staged on this database, copying a file's cleaned cells in
(COPY, a committed chunk at a time), the check's shared opening, and discarding what an import no longer needs.
"""
import datetime

import psycopg2
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .. import taobao
from ..models import TaobaoImport
from ..spreadsheets import TableRefused

STAGE = "inventory_taobao_stage"
ORDER_STAGE = "inventory_taobao_order_stage"
RAW = "taobao_raw"
CHUNK_TABLE = "taobao_chunk"
# Rows per COPY while checking (the progress bar moves between them) and per committed chunk while importing.
CHUNK = 25_000
PYTHON_BATCH = 2000
FEED_BYTES = 1 << 16  # text handed to COPY at a time
STAGED_FOR = datetime.timedelta(days=7)


def in_sql():
    """Whether the exports are checked, imported and settled in SQL: on PostgreSQL, unless SHOPTEAM_IMPORT_IN_SQL is
    off (every file then takes the Python path, as on SQLite)."""
    return settings.SHOPTEAM_IMPORT_IN_SQL and connection.vendor == "postgresql"


def usable(kind, staged_kind=taobao.LINES):
    """Whether an export of `kind` is staged at its check (the 宝贝报表's rows, an 订单报表's orders)."""
    return kind == staged_kind and in_sql()


def staged(taobao_import, table=STAGE):
    """Whether the import's rows are staged (checked on PostgreSQL): then it is imported from there."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE import_id = %s)", [taobao_import.pk])
        return cursor.fetchone()[0]


def purge():
    """Forget the rows staged for imports left waiting or stopped for a week: should one be started after all, it
    reads its file again (it is kept)."""
    with connection.cursor() as cursor:
        for stage in (STAGE, ORDER_STAGE):
            cursor.execute(f"DELETE FROM {stage} WHERE import_id IN (SELECT id FROM {TaobaoImport._meta.db_table} "
                           f"WHERE status IN (%s, %s) AND created_at < %s)",
                           [TaobaoImport.Status.CHECKED, TaobaoImport.Status.FAILED, timezone.now() - STAGED_FOR])


def discard(taobao_import):
    """Forget the staged rows (the import is done, cancelled or refused)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {STAGE} WHERE import_id = %s", [taobao_import.pk])
            cursor.execute(f"DELETE FROM {ORDER_STAGE} WHERE import_id = %s", [taobao_import.pk])


# --- check: stage, clean, read, count -------------------------------------------------------------------------


class Feed:
    """A file-like of COPY text (tab-separated) written from the next `limit` (row number, cells) of `rows` as
    COPY reads it: memory stays flat. A row whose cells hold a tab, a line break or a backslash has them escaped."""

    def __init__(self, rows, *, limit):
        self.rows, self.limit = rows, limit
        self.count = 0
        self.refusal = None  # the file stopped being readable (psycopg2 reports it as a failed COPY)

    def read(self, size=-1):
        try:
            return self._read(size)
        except TableRefused as refusal:
            self.refusal = refusal
            raise

    def _read(self, size):
        size = size if size and size > 0 else FEED_BYTES
        lines, length = [], 0
        if self.count >= self.limit:
            return ""
        for number, cells in self.rows:
            line = "\t".join(cells)
            if line.count("\t") != len(cells) - 1 or "\\" in line or "\n" in line or "\r" in line:
                line = "\t".join(cell.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                                  .replace("\r", "\\r") for cell in cells)
            lines.append(f"{number}\t{line}\n")
            length += len(line)
            self.count += 1
            if length >= size or self.count >= self.limit:
                break
        return "".join(lines)


class Fallback(Exception):
    """The file cannot be staged (e.g. a cell PostgreSQL cannot hold): read it the Python way."""


def checked(taobao_import, table, read):
    """COPY the file's cells (`copy_cells`), then, in one transaction that holds the check's claim (its row
    locked till commit: no other check stages these rows), `read(cursor, columns, rows copied)` them into the
    stage; returns what `read` returns. On an error nothing stays staged: PostgreSQL's refusal becomes Fallback, a
    file that stopped being readable its own refusal; a Fallback from `read` goes up."""
    columns = list(table.columns)
    purge()
    discard(taobao_import)
    feeds = []
    try:
        with connection.cursor() as cursor:
            done = copy_cells(cursor, taobao_import, table, feeds)
            with transaction.atomic():
                taobao_import.beat(done)
                discard(taobao_import)
                found = read(cursor, columns, done)
            cursor.execute(f"DROP TABLE IF EXISTS {RAW}")
    except Fallback:
        discard(taobao_import)
        raise
    except (DatabaseError, psycopg2.Error) as error:
        discard(taobao_import)
        refused_or_fallback(feeds, error)
    finally:
        table.close()
    return found


def copy_cells(cursor, taobao_import, table, feeds):
    """COPY the table's cleaned cells (`Table.clean_rows`) into the temporary RAW table (row_no, c0, c1, …), a
    committed CHUNK at a time so that the progress moves; returns how many rows. Each Feed is appended to `feeds`
    (the last one knows whether the file stopped being readable)."""
    width = len(table.columns)
    copy_columns = ", ".join(["row_no", *(f"c{n}" for n in range(width))])
    rows = iter(table.clean_rows())
    cursor.execute(f"DROP TABLE IF EXISTS {RAW}")
    cursor.execute(f"CREATE TEMP TABLE {RAW} (row_no integer, {', '.join(f'c{n} text' for n in range(width))})")
    done = 0
    while not feeds or feeds[-1].count == CHUNK:
        feeds.append(Feed(rows, limit=CHUNK))
        with transaction.atomic():
            cursor.copy_expert(f"COPY {RAW} ({copy_columns}) FROM STDIN", feeds[-1], size=FEED_BYTES)
        done += feeds[-1].count
        if feeds[-1].count:
            taobao_import.beat(done)
    return done


def refused_or_fallback(feeds, error):
    """After PostgreSQL refused the staging: the file's own refusal if reading it failed, else Fallback."""
    if feeds and feeds[-1].refusal is not None:
        raise feeds[-1].refusal from None
    raise Fallback(str(error)) from error
