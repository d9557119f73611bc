"""Writing many rows fast: PostgreSQL's COPY, else bulk_create; and the batch size every step reads in.
"""
import csv
import io

from django.db import connection
from django.utils import timezone

from ..models import StockMove

BATCH = 5000


def copies():
    """Whether new rows are written by COPY (PostgreSQL); else by bulk_create, as on SQLite. The tests run the
    Python path both ways on PostgreSQL, so that SQLite's way of writing runs in CI too."""
    return connection.vendor == "postgresql"


def insert(model, objects):
    """Insert new rows fast: PostgreSQL's COPY (no ids come back), else bulk_create. Every field's value is what
    saving would write (defaults were set on the instances; auto_now(_add) here), so the rows are the same."""
    if not objects:
        return
    if not copies():
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    stamped = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add",
                                                                                          False)]
    now = timezone.now()
    for obj in objects:
        for field in stamped:
            setattr(obj, field.attname, now)
    copy_rows(model, [field.attname for field in fields],
              ([getattr(obj, field.attname) for field in fields] for obj in objects))


def copy_rows(model, attnames, rows):
    """COPY `rows` (sequences of Python values in `attnames`' order) into the model's table (PostgreSQL)."""
    columns = [model._meta.get_field(name).column for name in attnames]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([_copy_value(value) for value in row])
    buffer.seek(0)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN "
                           f"WITH (FORMAT csv, NULL '\\N')", buffer)


def _copy_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return value


def bulk_update(model, objects, fields):
    if objects:
        model.objects.bulk_update(sorted(objects, key=lambda o: o.pk), fields, batch_size=BATCH)


MOVE_COLUMNS = ["product_id", "kind", "quantity", "moved_at", "recorded_at", "by_id", "reason", "reference", "amount",
                "reverses_id", "key", "order_line_id", "taobao_import_id"]


def insert_moves(moves):
    if not moves:
        return
    if copies():
        copy_rows(StockMove, MOVE_COLUMNS, moves)
    else:
        StockMove.objects.bulk_create([StockMove(**dict(zip(MOVE_COLUMNS, move, strict=True))) for move in moves])
