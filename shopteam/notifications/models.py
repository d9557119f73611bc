"""What was said to whom: the in-app notifications, the group robots, and the outbox of deliveries."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(
        _("link"), max_length=500, blank=True, help_text=_("A path inside the app, e.g. /cases/12/.")
    )
    event = models.CharField(_("event"), max_length=50, blank=True, help_text=_("e.g. case.assigned"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


class WebhookChannel(models.Model):
    """A DingTalk or WeCom group robot: every notification is also posted once to its group."""

    class Kind(models.TextChoices):
        DINGTALK = "dingtalk", _("DingTalk group robot")
        WECOM = "wecom", _("WeCom group robot")

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(
        _("webhook URL"),
        max_length=500,
        help_text=_("The robot's webhook address, with its access_token (DingTalk) or key (WeCom)."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_(
            "DingTalk only: the SEC… secret of the robot's signed (加签) security mode; blank if unused."
        ),
    )
    events = models.CharField(
        _("events"),
        max_length=300,
        blank=True,
        help_text=_(
            "Only events starting with these prefixes, comma-separated (e.g. case., stock.); blank for all."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self):
        return self.name

    def wants(self, event):
        prefixes = [prefix.strip() for prefix in self.events.split(",") if prefix.strip()]
        return not prefixes or any(event.startswith(prefix) for prefix in prefixes)


class Delivery(models.Model):
    """One message to send on one channel: the outbox while pending, the history once sent or failed."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        DINGTALK = "dingtalk", _("DingTalk")
        WECOM = "wecom", _("WeCom")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("channel"), max_length=10, choices=Kind.choices)
    channel = models.ForeignKey(
        WebhookChannel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("group robot"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    # The address as it was when the message was written, so the history says where it really went.
    address = models.EmailField(_("e-mail address"), blank=True)
    event = models.CharField(_("event"), max_length=50, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Set while one worker is sending; a claim older than the lease is abandoned work (a crashed worker).
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the sweep last queued it again (its first task was lost, or is still waiting behind a busy worker).
    requeued_at = models.DateTimeField(_("queued again"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="delivery_pending"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"
