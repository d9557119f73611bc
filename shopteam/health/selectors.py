"""Is the shop's app healthy: the database, the broker, a worker and beat, each with what failed in words."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Heartbeat


@dataclass(frozen=True)
class Part:
    name: str  # database, broker, worker, beat
    ok: bool
    detail: str  # what was seen, in words (no data of the shop's)

    @property
    def label(self) -> str:
        return {"database": _("Database"), "broker": _("Message broker"), "worker": _("Worker"),
                "beat": _("Beat")}[self.name]


def check(now: datetime.datetime | None = None) -> list[Part]:
    """Each part's state. The worker and beat are judged by their heartbeats: alive if seen within
    SHOPTEAM_HEALTH_STALE_MINUTES (beat sends the heartbeat every minute; a worker runs it)."""
    now = now or timezone.now()
    parts = [_database()]
    parts.append(_broker())
    seen = _heartbeats() if parts[0].ok else {}
    stale = datetime.timedelta(minutes=settings.SHOPTEAM_HEALTH_STALE_MINUTES)
    for part, label in ((Heartbeat.Part.WORKER, _("a worker")), (Heartbeat.Part.BEAT, _("beat"))):
        at = seen.get(part)
        if not parts[0].ok:
            parts.append(Part(part, False, _("not known: the database does not answer")))
        elif at is None:
            parts.append(Part(part, False, _("%(part)s has never answered") % {"part": label}))
        else:
            minutes = int((now - at).total_seconds() // 60)
            ok = now - at <= stale
            detail = (_("%(part)s answered %(minutes)s min ago") if ok else
                      _("%(part)s has not answered for %(minutes)s min")) % {"part": label, "minutes": minutes}
            parts.append(Part(part, ok, detail))
    return parts


def healthy(parts: list[Part]) -> bool:
    return all(part.ok for part in parts)


def _database() -> Part:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Part("database", False, _("does not answer: %(error)s") % {"error": type(error).__name__})
    return Part("database", True, _("answers"))


def _broker() -> Part:
    from shopteam.celery import app  # the Celery app reads the settings; imported when asked, not at start

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=settings.SHOPTEAM_HEALTH_TIMEOUT)
    except Exception as error:  # kombu raises its own and the transport's errors: each means "does not answer"
        return Part("broker", False, _("does not answer: %(error)s") % {"error": type(error).__name__})
    return Part("broker", True, _("answers"))


def _heartbeats() -> dict[str, datetime.datetime]:
    try:
        return dict(Heartbeat.objects.values_list("part", "at"))
    except DatabaseError:
        return {}
