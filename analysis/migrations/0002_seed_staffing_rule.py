"""Document 004's staffing rule (analysis/seeds.py) added when missing, each row with its history row; the posts
are linked by analysis.services.seed_staffing once the playbook's posts exist (setup_shopteam, the demo)."""
from django.db import migrations

# A frozen copy, so this migration means the same thing if seeds.py changes later.
STAFFING = [
    ("customer_service", [(50, 1), (150, 1)]),
    ("promotion", [(50, 1)]),
    ("analysis", [(250, 1)]),
    ("packing", [(50, 1), (150, 1)]),
]


def seed(apps, schema_editor):
    from django.utils import timezone

    Role = apps.get_model("analysis", "StaffingRole")
    Threshold = apps.get_model("analysis", "StaffingThreshold")
    HistoricalRole = apps.get_model("analysis", "HistoricalStaffingRole")
    HistoricalThreshold = apps.get_model("analysis", "HistoricalStaffingThreshold")
    now = timezone.now()
    for order, (code, thresholds) in enumerate(STAFFING):
        role, created = Role.objects.get_or_create(code=code, defaults={"order": order})
        if not created:
            continue
        HistoricalRole.objects.create(id=role.pk, code=code, order=order, posts_seeded=False, history_date=now,
                                      history_type="+", history_change_reason="document 004")
        for orders_per_day, extra in thresholds:
            threshold = Threshold.objects.create(role=role, orders_per_day=orders_per_day, extra=extra)
            HistoricalThreshold.objects.create(id=threshold.pk, role_id=role.pk, orders_per_day=orders_per_day,
                                               extra=extra, history_date=now, history_type="+",
                                               history_change_reason="document 004")


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_staffing_rule")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
