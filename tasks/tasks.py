"""Periodic tasks work for Celery: one thin function per job, each safe to run twice or beside another."""
from celery import shared_task

from . import services


@shared_task
def create_recurring_tasks():
    return services.create_recurring_tasks()


@shared_task
def escalate_overdue_tasks():
    return len(services.escalate_overdue_tasks())


@shared_task
def send_morning_digests():
    return services.send_morning_digests()
