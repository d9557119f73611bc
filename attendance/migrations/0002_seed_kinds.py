"""Document 002's attendance kinds and points (attendance/seeds.py); never overwrites an admin's edit."""
from django.db import migrations


def seed(apps, schema_editor):
    from attendance.seeds import KINDS

    Kind = apps.get_model("attendance", "Kind")
    for order, (code, name, name_en, short, short_en, counts_as, points) in enumerate(KINDS):
        Kind.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "short": short, "short_en": short_en, "counts_as": counts_as,
            "points": points, "order": order})


class Migration(migrations.Migration):
    dependencies = [("attendance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
