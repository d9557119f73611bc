"""The 宝贝报表 stage's column of the rows SQL leaves to the Python reader is named for what it holds: `judge` becomes
`needs_python`. Nothing on SQLite, which has no stage table."""
from django.db import migrations


def rename(old, new):
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE inventory_taobao_stage RENAME COLUMN {old} TO {new}")

    return forwards


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0011_taobao_import_file_removed"),
    ]

    operations = [
        migrations.RunPython(rename("judge", "needs_python"), rename("needs_python", "judge")),
    ]
