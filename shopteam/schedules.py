"""The recurring jobs, installed into django-celery-beat's tables so an admin can change them there.

Each schedule is created with get_or_create by name: an admin's edit of its timing is never overwritten.
"""
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

# name, task, ("crontab", minute, hour) or ("every", minutes)
SCHEDULES = [
    ("Sync department groups with assignments", "roles.tasks.sync_department_groups", ("crontab", "5", "0")),
    ("Move cases on when their deadline passes", "escalation.tasks.move_on_overdue_cases", ("every", 1)),
    ("Warn contacts before a case deadline", "escalation.tasks.warn_before_deadlines", ("every", 5)),
    ("Retry stuck notification deliveries", "shopteam.notifications.tasks.retry_stuck_deliveries", ("every", 15)),
]


@transaction.atomic
def install_schedules(schedules=SCHEDULES):
    made = 0
    for name, task, timing in schedules:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        if timing[0] == "crontab":
            schedule, _ = CrontabSchedule.objects.get_or_create(
                minute=timing[1], hour=timing[2], day_of_week="*", day_of_month="*", month_of_year="*",
                timezone="Asia/Shanghai",
            )
            PeriodicTask.objects.create(name=name, task=task, crontab=schedule)
        else:
            schedule, _ = IntervalSchedule.objects.get_or_create(every=timing[1], period=IntervalSchedule.MINUTES)
            PeriodicTask.objects.create(name=name, task=task, interval=schedule)
        made += 1
    return made
