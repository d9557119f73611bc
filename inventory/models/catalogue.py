"""The catalogue: suppliers and the products they supply."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The playbook's one supplier, the default for every product (seeds/PLAYBOOK.md, 000).
DEFAULT_SUPPLIER = "食草堂"


class Supplier(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    contact = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self):
        return self.name


class Product(models.Model):
    class Status(models.TextChoices):
        LISTED = "listed", _("Listed")
        UNLISTED = "unlisted", _("Not listed")
        DISCONTINUED = "discontinued", _("Discontinued")

    sku = models.CharField(
        _("SKU (商家编码)"), max_length=64, unique=True,
        help_text=_("The 商家编码 typed in the seller centre: order lines are matched to products by it."),
    )
    name = models.CharField(_("name"), max_length=200)
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="products", verbose_name=_("supplier")
    )
    category = models.CharField(_("category"), max_length=50, blank=True)
    shelf = models.CharField(_("shelf"), max_length=50, blank=True, help_text=_("Where it lies in the storeroom."))
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, default=0)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, default=0)
    reorder_point = models.PositiveIntegerField(
        _("reorder point"), default=0, help_text=_("At or below this stock a low-stock alert opens.")
    )
    reorder_quantity = models.PositiveIntegerField(
        _("reorder quantity"), default=0, help_text=_("The usual quantity to ask the supplier for.")
    )
    status = models.CharField(_("listing status"), max_length=12, choices=Status.choices, default=Status.LISTED)
    allow_negative = models.BooleanField(
        _("may go below zero"), default=False,
        help_text=_("Only an admin may allow it: sales are recorded even when the ledger says the shelf is empty."),
    )
    # The ledger's sum, cached: changed only by inventory.services with F() under the product's row lock, in
    # the transaction that writes the moves; the nightly drift check re-adds the ledger.
    on_hand = models.IntegerField(_("on hand"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    # The ledger is on_hand's history; the product's own fields are kept here.
    history = HistoricalRecords(excluded_fields=["on_hand"])
    _change_reason: str  # read by simple_history at save: the history row's reason (not a field)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["status", "sku"], name="product_status_sku"),
            models.Index(fields=["category"], name="product_category"),
            models.Index(fields=["shelf"], name="product_shelf"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_hand__gte=0) | Q(allow_negative=True),
                name="product_stock_not_negative",
                violation_error_message=_("Stock cannot go below zero for this product."),
            ),
        ]

    def __str__(self):
        return f"{self.sku} {self.name}"

    def get_absolute_url(self):
        return reverse("inventory:product_detail", args=[self.pk])

    @property
    def is_low(self):
        return self.on_hand <= self.reorder_point
