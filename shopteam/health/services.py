"""Recording that a background part is alive."""
from django.utils import timezone

from .models import Heartbeat


def beat(part: str) -> None:
    """Record that `part` (a Heartbeat.Part) is alive now: one upsert, no history (it is overwritten every
    minute and says nothing about the shop)."""
    Heartbeat.objects.update_or_create(part=part, defaults={"at": timezone.now()})
