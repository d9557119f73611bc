"""Telling people: in the app, by e-mail and through group robots, written at once and sent after commit."""
from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError
from shopteam.people import display_name
from shopteam.queueing import task_named

from .models import Delivery, Notification, WebhookChannel

logger = logging.getLogger(__name__)

# A robot that does not answer within this long is down; the task retries later instead of hanging a worker.
HTTP_TIMEOUT = 10
# The job that sends one delivery (tasks.deliver), queued by name: the task module imports this one.
DELIVER = "shopteam.notifications.tasks.deliver"
# A claim older than this belongs to a worker that died mid-send; another may take the work over.
CLAIM_LEASE = timedelta(minutes=5)


class Phrase:
    """A translatable sentence and its values, rendered when it is read in the language active then: a
    message built by a clerk's English request still reaches the shop in the shop's language. Values may
    be lazy translations or Phrases themselves."""

    def __init__(self, template: str | Promise, **params: Any) -> None:
        self.template = template
        self.params = params

    def __str__(self) -> str:
        params = {key: render(value) for key, value in self.params.items()}
        return str(self.template) % params if params else str(self.template)


def render(value: Any) -> Any:
    """A Phrase or lazy translation as text in the active language; anything else as it is."""
    return str(value) if isinstance(value, Phrase | Promise) else value


class DeliveryFailed(Exception):
    """The channel refused or could not be reached; the failure is recorded and the task retries."""


class ChannelError(Exception):
    """The robot answered, but not with success."""


@transaction.atomic
def notify(recipients: Iterable[User | None], *, title: str | Promise, body: str | Promise = "", url: str = "",
           event: str = "", params: Mapping[str, Any] | None = None) -> list[Notification]:
    """Tell each distinct active recipient in the app, by e-mail if they have an address, and every
    active group robot once (naming the recipients).

    Call it inside the transaction of the change it reports: the notifications and the outbox rows are
    written in that transaction (so they exist exactly when the change does), and the sending is queued
    in Celery only after commit, so a channel that is down never blocks or rolls back the caller, and a
    broker that is down never fails it (the rows wait for the sweep, retry_stuck_deliveries).

    `title` and `body` may be lazy translations; they are rendered in the shop's language (not in the
    language of whoever happened to trigger the change), with `% params` when `params` is given.
    `recipients` is any iterable of users (None entries, e.g. a vacant post's holder, are skipped);
    `url` is a path inside the app. Returns the in-app notifications created.
    """
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"notify() takes a path inside the app, not {url!r}")
    with translation.override(settings.LANGUAGE_CODE):
        title, body = (str(Phrase(text, **(params or {}))) for text in (title, body))
    title = Truncator(title).chars(200)
    distinct: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.is_active:
            distinct.setdefault(user.pk, user)
    people = list(distinct.values())

    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, title=title, body=body, url=url, event=event) for user in people
    )
    link = absolute_link(url)
    deliveries = [
        Delivery(
            kind=Delivery.Kind.EMAIL,
            recipient=user,
            address=user.email,
            event=event,
            subject=title,
            text="\n\n".join(part for part in (body, link) if part),
        )
        for user in people
        if user.email
    ]
    names = ", ".join(display_name(user) for user in people)
    with translation.override(settings.LANGUAGE_CODE):
        for_whom = _("For: %(names)s") % {"names": names} if names else ""
    group_text = "\n".join(part for part in (title, body, link, for_whom) if part)
    deliveries += [
        Delivery(kind=channel.kind, channel=channel, event=event, subject=title, text=group_text)
        for channel in WebhookChannel.objects.filter(active=True)
        if channel.wants(event)
    ]
    Delivery.objects.bulk_create(deliveries)

    task_named(DELIVER).delay_each_on_commit([(delivery.pk,) for delivery in deliveries])
    return notifications


def mark_read_about(users: Iterable[User | None], *, url: str, events: Iterable[str]) -> int:
    """Mark read the unread notifications of `users` about `url` with one of `events`: they have been
    overtaken (a case that left someone no longer "needs" them). Returns how many changed."""
    return Notification.objects.filter(
        recipient__in=[u.pk for u in users if u is not None], url=url, event__in=events, read_at__isnull=True
    ).update(read_at=timezone.now())


def absolute_link(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url else ""


@transaction.atomic
def mark_read(notification: Notification, *, by: User) -> Notification:
    if notification.recipient_id != by.pk:
        raise ServiceError(_("This notification is addressed to someone else."))
    now = timezone.now()
    # Conditional, so reading it twice keeps the first time it was read.
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
        notification.read_at = now
    else:
        notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, by: User) -> int:
    """Returns how many notifications were unread."""
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())


def send_delivery(delivery: Delivery) -> bool:
    """Send one delivery if nobody has sent or is sending it; safe to run twice or at the same time.

    Returns True if this call sent it, False if there was nothing to do. Raises DeliveryFailed after
    recording the failure, so the task can retry.
    """
    claimed_at = timezone.now()
    # Healthchecks style: only the caller whose UPDATE changed the row does the work.
    claimed = (
        Delivery.objects.filter(pk=delivery.pk, status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED])
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=claimed_at - CLAIM_LEASE))
        .update(claimed_at=claimed_at, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    delivery.refresh_from_db()
    mine = Delivery.objects.filter(pk=delivery.pk, claimed_at=claimed_at)
    try:
        SENDERS[delivery.kind](delivery)
    except (OSError, ValueError, http.client.HTTPException, ChannelError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        logger.warning("Delivery %s (%s) failed: %s", delivery.pk, delivery.kind, error)
        mine.update(status=Delivery.Status.FAILED, last_error=error, claimed_at=None)
        delivery.refresh_from_db()
        raise DeliveryFailed(error) from exc
    mine.update(status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", claimed_at=None)
    delivery.refresh_from_db()
    return True


def send_test_message(channel: WebhookChannel, *, by: User) -> Delivery:
    """Post a test message to a group robot now, so the admin sees at once whether it works.

    Returns the delivery; raises DeliveryFailed with the robot's error if it did not work.
    """
    with transaction.atomic():
        delivery = Delivery.objects.create(
            kind=channel.kind,
            channel=channel,
            recipient=by,
            event="test",
            subject=_("Test message"),
            text=_("Test message from Shopteam, sent by %(name)s.")
            % {"name": display_name(by)},
        )
    send_delivery(delivery)
    return delivery


def _send_email(delivery: Delivery) -> None:
    send_mail(delivery.subject, delivery.text, settings.DEFAULT_FROM_EMAIL, [delivery.address])


def _robot(delivery: Delivery) -> WebhookChannel:
    channel = delivery.channel
    if channel is None:
        raise ChannelError(_("the group robot was deleted"))
    if not channel.active:
        raise ChannelError(_("the group robot is turned off"))
    return channel


def _send_dingtalk(delivery: Delivery) -> None:
    channel = _robot(delivery)
    url = channel.url
    if channel.secret:
        url += ("&" if "?" in url else "?") + dingtalk_signature(channel.secret)
    _post_json(url, {"msgtype": "text", "text": {"content": delivery.text}})


def dingtalk_signature(secret: str, timestamp: int | str | None = None) -> str:
    """The query string of DingTalk's signed mode: HmacSHA256 of "timestamp\\nsecret", keyed by the secret."""
    timestamp = str(timestamp if timestamp is not None else round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.urlencode({"timestamp": timestamp, "sign": base64.b64encode(digest).decode()})


def _send_wecom(delivery: Delivery) -> None:
    _post_json(_robot(delivery).url, {"msgtype": "text", "text": {"content": delivery.text}})


def _post_json(url: str, payload: dict[str, Any]) -> None:
    """Both robots answer HTTP 200 with {"errcode": 0} on success; anything else is a failure."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ChannelError(_("the webhook URL must start with http:// or https://"))
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
        answer = json.loads(response.read().decode() or "{}")
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        answer = answer if isinstance(answer, dict) else {}
        raise ChannelError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


SENDERS: dict[str, Callable[[Delivery], None]] = {
    Delivery.Kind.EMAIL: _send_email,
    Delivery.Kind.DINGTALK: _send_dingtalk,
    Delivery.Kind.WECOM: _send_wecom,
}
