"""The sweep of stuck deliveries runs every minute (it ran every 15): a message written while the broker was down
goes out within minutes. An installed job still at the old 15 minutes is moved; one an admin changed is kept."""
from django.db import migrations, models
from django.utils import timezone

JOB = "Retry stuck notification deliveries"


def every_minute(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    job = PeriodicTask.objects.filter(name=JOB, interval__every=15, interval__period="minutes").first()
    if job is not None:
        job.interval, _made = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
        job.save(update_fields=["interval"])
        # A running beat re-reads its jobs when this changes (the model's own save() would have said so).
        apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="requeued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="queued again"),
        ),
        migrations.RunPython(every_minute, migrations.RunPython.noop),
    ]
