"""Counts of the storeroom, line by line."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .catalogue import Product
from .ledger import StockMove


class Stocktake(models.Model):
    """A count of the storeroom (all of it, a category or a shelf). Each line's expected stock is taken when it is
    counted, so sales recorded between the count and the posting are never undone."""

    class Scope(models.TextChoices):
        ALL = "all", _("All products")
        CATEGORY = "category", _("A category")
        SHELF = "shelf", _("A shelf")

    class Status(models.TextChoices):
        COUNTING = "counting", _("Counting")
        POSTED = "posted", _("Posted")
        ABANDONED = "abandoned", _("Abandoned")

    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.ALL)
    scope_value = models.CharField(_("category or shelf"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.COUNTING)
    note = models.TextField(_("note"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("started by"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("posted or abandoned by"))
    closed_at = models.DateTimeField(_("posted or abandoned"), null=True, blank=True)
    close_reason = models.TextField(_("why abandoned"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")

    def __str__(self):
        scope = self.get_scope_display()
        if self.scope != self.Scope.ALL:
            scope = f"{scope} {self.scope_value}"
        return _("Stocktake #%(id)s (%(scope)s)") % {"id": self.pk, "scope": scope}

    def get_absolute_url(self):
        return reverse("inventory:stocktake_detail", args=[self.pk])


class StocktakeLine(models.Model):
    stocktake = models.ForeignKey(Stocktake, on_delete=models.PROTECT, related_name="lines",
                                  verbose_name=_("stocktake"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stocktake_lines",
                                verbose_name=_("product"))
    # Open while its stocktake counts: a product is in one open count at a time.
    open = models.BooleanField(default=True, editable=False)
    expected_at_count = models.IntegerField(_("expected when counted"), null=True, blank=True)
    counted = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("counted by"))
    move = models.OneToOneField(StockMove, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="stocktake_line", verbose_name=_("posted move"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["stocktake", "product__shelf", "product__sku"]
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "product"], name="stocktake_line_unique"),
            models.UniqueConstraint(fields=["product"], condition=Q(open=True), name="one_open_count_per_product"),
        ]

    def __str__(self):
        return f"{self.stocktake_id}: {self.product_id}"

    @property
    def difference(self):
        if self.counted is None or self.expected_at_count is None:
            return None
        return self.counted - self.expected_at_count
