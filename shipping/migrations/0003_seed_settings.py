"""The desk's settings row, with the threshold's defaults (a loss worth ¥200 at cost, or 5 units)."""
from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("shipping", "ShippingSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("shipping", "0002_stocktake_losses")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
