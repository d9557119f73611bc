"""When each background part last showed it is alive: one row per part, overwritten in place."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    class Part(models.TextChoices):
        BEAT = "beat", _("beat (the schedule)")
        WORKER = "worker", _("worker")

    part = models.CharField(_("part"), max_length=10, choices=Part.choices, unique=True)
    at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.part} {self.at:%Y-%m-%d %H:%M:%S}"
