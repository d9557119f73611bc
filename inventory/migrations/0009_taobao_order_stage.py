"""The staging table of the 订单报表 import on PostgreSQL (inventory/staging.py): the orders a check read
(`taobao.read_order`'s values), one row per good row of the file, until the import is done or cancelled, so the
import does not read the file again. UNLOGGED: it is only a copy of a kept file (after a crash the import reads
the file again). Nothing on SQLite, where the import reads the file itself."""
from django.db import migrations

CREATE = """
CREATE UNLOGGED TABLE IF NOT EXISTS inventory_taobao_order_stage (
    import_id bigint NOT NULL,
    row_no integer NOT NULL,
    order_id text NOT NULL,
    status text NOT NULL,
    status_rank smallint,
    sold boolean,
    paid_amount numeric(12, 2),
    total numeric(12, 2),
    refund_amount numeric(12, 2),
    paid_at timestamptz,
    placed_at timestamptz,
    close_reason text NOT NULL,
    PRIMARY KEY (import_id, row_no)
)
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS inventory_taobao_order_stage")


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0008_taobao_import_money_booking"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
