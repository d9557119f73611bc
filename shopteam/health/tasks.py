"""The heartbeat: sent by beat every minute (its publishing is recorded by `receivers`), run by a worker."""
from celery import shared_task

from . import services
from .models import Heartbeat

HEARTBEAT = "shopteam.health.tasks.heartbeat"


@shared_task(name=HEARTBEAT, ignore_result=True)
def heartbeat():
    services.beat(Heartbeat.Part.WORKER)
