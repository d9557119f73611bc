"""The recurring jobs, installed into django-celery-beat's tables so an admin can change them there.

The site's jobs are listed here; a feature app lists its own as `schedules` on its AppConfig, in the same
form, so this module never imports a feature app. Each job is created once by name: an admin's edit of its
timing is never overwritten.
"""
from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext_noop as N_
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

# name, task, ("crontab", minute, hour[, day_of_month[, day_of_week]]) in Asia/Shanghai, or ("every", minutes)
SCHEDULES = [
    (N_("Sync department groups with assignments"), "roles.tasks.sync_department_groups", ("crontab", "5", "0")),
    (N_("Move cases on when their deadline passes"), "escalation.tasks.move_on_overdue_cases", ("every", 1)),
    (N_("Warn contacts before a case deadline"), "escalation.tasks.warn_before_deadlines", ("every", 5)),
    (N_("Retry stuck notification deliveries"), "shopteam.notifications.tasks.retry_stuck_deliveries", ("every", 1)),
]


def all_schedules():
    """The site's jobs and every installed app's."""
    return SCHEDULES + [job for config in apps.get_app_configs() for job in getattr(config, "schedules", ())]


@transaction.atomic
def install_schedules(schedules=None):
    schedules = all_schedules() if schedules is None else schedules
    made = 0
    for name, task, timing in schedules:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        if timing[0] == "crontab":
            minute, hour, day_of_month, day_of_week = (*timing[1:], "*", "*")[:4]
            schedule, _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_week=day_of_week, day_of_month=day_of_month, month_of_year="*",
                timezone="Asia/Shanghai",
            )
            PeriodicTask.objects.create(name=name, task=task, crontab=schedule)
        else:
            schedule, _ = IntervalSchedule.objects.get_or_create(every=timing[1], period=IntervalSchedule.MINUTES)
            PeriodicTask.objects.create(name=name, task=task, interval=schedule)
        made += 1
    return made
