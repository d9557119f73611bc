"""Beat's half of the heartbeat: the moment the heartbeat task is published is when beat last ran its schedule
(only beat sends it). The signal fires in the publishing process, so beat records it itself."""
import contextlib

from celery.signals import before_task_publish
from django.db import DatabaseError

from . import services
from .models import Heartbeat
from .tasks import HEARTBEAT


@before_task_publish.connect(dispatch_uid="health-beat-published")
def record_beat(sender=None, **kwargs):
    if sender != HEARTBEAT:
        return
    with contextlib.suppress(DatabaseError):  # the database down must not stop beat sending the rest
        services.beat(Heartbeat.Part.BEAT)
