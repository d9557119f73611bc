"""Sending notifications in Celery: one delivery per task, retried with backoff, safe to run twice."""
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from . import services
from .models import Delivery

# A delivery still pending after this long lost its task (broker down at commit, worker died mid-send).
STUCK_AFTER = timedelta(minutes=10)


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
    """Every 15 minutes: queue again the pending deliveries whose task was lost."""
    now = timezone.now()
    stuck = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, created_at__lt=now - STUCK_AFTER)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - services.CLAIM_LEASE))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for delivery_id in stuck:
        deliver.delay(delivery_id)
    return len(stuck)
