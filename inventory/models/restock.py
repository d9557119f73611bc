"""Low-stock alerts and the restock requests drafted to suppliers for them."""
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .catalogue import Product, Supplier


class LowStockAlert(models.Model):
    """A product at or below its reorder point: one open alert per product, closed when stock recovers."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("product"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    on_hand_at_open = models.IntegerField(_("on hand when opened"))
    reorder_point_at_open = models.IntegerField(_("reorder point when opened"))
    # Claimed by the run that tells people, files the task and drafts the restock (a second run does nothing).
    handled_at = models.DateTimeField(_("people told"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(pgettext_lazy("an alert or request", "closed"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("What could not be done when it opened."))

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("low-stock alert")
        verbose_name_plural = _("low-stock alerts")
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["product"], condition=Q(closed_at__isnull=True),
                                    name="one_open_alert_per_product"),
        ]
        indexes = [models.Index(fields=["handled_at"], condition=Q(handled_at__isnull=True),
                                name="alert_unhandled")]

    def __str__(self):
        return _("Low stock: %(sku)s %(name)s") % {"sku": self.product.sku, "name": self.product.name}

    def get_absolute_url(self):
        return reverse("inventory:alert_list") + f"#alert-{self.pk}"

    @property
    def is_open(self):
        return self.closed_at is None


class RestockRequest(models.Model):
    """What the product group asks a supplier for: drafted line by line as alerts open (one draft per supplier),
    then sent, then received or cancelled."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent to the supplier")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.DRAFT, Status.SENT)

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="restock_requests",
                                 verbose_name=_("supplier"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("an alert or request", "closed"), null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("last changed by"))
    history = HistoricalRecords()
    # Read by simple_history at save (not fields): the history row's reason and who made the change.
    _change_reason: str
    _history_user: User | None

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("restock request")
        verbose_name_plural = _("restock requests")
        constraints = [
            models.UniqueConstraint(fields=["supplier"], condition=Q(status="draft"), name="one_draft_per_supplier"),
        ]

    def __str__(self):
        return _("Restock request #%(id)s to %(supplier)s") % {"id": self.pk, "supplier": self.supplier}

    def get_absolute_url(self):
        return reverse("inventory:restock_detail", args=[self.pk])


class RestockLine(models.Model):
    request = models.ForeignKey(RestockRequest, on_delete=models.PROTECT, related_name="lines",
                                verbose_name=_("restock request"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="restock_lines",
                                verbose_name=_("product"))
    alert = models.OneToOneField(LowStockAlert, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="restock_line", verbose_name=_("alert"))
    quantity = models.PositiveIntegerField(_("quantity"))
    on_hand = models.IntegerField(_("on hand"))
    reorder_point = models.IntegerField(_("reorder point"))
    sold_30_days = models.IntegerField(_("sold in the last 30 days"))
    reason = models.TextField(_("how the quantity was reckoned"))

    class Meta:
        ordering = ["request", "product__sku"]
        verbose_name = _("restock line")
        verbose_name_plural = _("restock lines")
        constraints = [models.UniqueConstraint(fields=["request", "product"], name="restock_line_unique")]

    def __str__(self):
        return f"{self.product.sku} ×{self.quantity}"
