"""Sending notifications in Celery: one delivery per task, retried with backoff, safe to run twice."""
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from shopteam.queueing import queue_now

from . import services
from .models import Delivery

# A delivery still pending after this long lost its task (broker down at commit, worker died mid-send).
STUCK_AFTER = timedelta(minutes=2)
# Once queued again, a delivery that is still pending is queued once more only after this long: it may only be
# waiting behind a busy worker, and queueing it every minute would pile up tasks that find nothing to do.
REQUEUE_AFTER = timedelta(minutes=10)


@shared_task(
    autoretry_for=(services.DeliveryFailed,),
    max_retries=5,
    retry_backoff=30,  # 30 s, 1, 2, 4, 8 min: a robot that is down for a quarter of an hour still gets it
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    acks_late=True,  # idempotent: the claim in send_delivery makes a second run do nothing
)
def deliver(delivery_id):
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    return delivery is not None and services.send_delivery(delivery)


@shared_task
def retry_stuck_deliveries():
    """Every minute: queue again the pending deliveries whose task was lost, so a message written while the
    broker was down goes out within a few minutes of it coming back. Returns how many were queued."""
    now = timezone.now()
    stuck = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, created_at__lt=now - STUCK_AFTER)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - services.CLAIM_LEASE))
        .filter(Q(requeued_at__isnull=True) | Q(requeued_at__lt=now - REQUEUE_AFTER))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    queued = stuck[:queue_now(deliver.delay, deliver.name, [((pk,), {}) for pk in stuck])]
    Delivery.objects.filter(pk__in=queued).update(requeued_at=now)
    return len(queued)
