"""The staging table of the 宝贝报表 import on PostgreSQL (inventory/staging.py): one row per row of a checked
file, read and cleaned, until the import is done or cancelled. UNLOGGED: it is only a copy of a kept file (after a
crash the import reads the file again). Nothing on SQLite, where the import reads the file itself."""
from django.db import migrations

CREATE = """
CREATE UNLOGGED TABLE IF NOT EXISTS inventory_taobao_stage (
    import_id bigint NOT NULL,
    row_no integer NOT NULL,
    judge boolean NOT NULL DEFAULT false,
    reason text,
    ref text NOT NULL DEFAULT '',
    order_id text NOT NULL DEFAULT '',
    sub_order_id text NOT NULL DEFAULT '',
    line_key text NOT NULL DEFAULT '',
    sku text NOT NULL DEFAULT '',
    title text NOT NULL DEFAULT '',
    properties text NOT NULL DEFAULT '',
    quantity integer,
    paid_amount numeric(12, 2),
    status text NOT NULL DEFAULT '',
    refund_given boolean NOT NULL DEFAULT false,
    refund_status text NOT NULL DEFAULT '',
    refund_amount numeric(12, 2),
    paid_at timestamptz,
    created_at timestamptz,
    PRIMARY KEY (import_id, row_no)
)
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS inventory_taobao_stage")


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0004_alerts_and_restock"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
