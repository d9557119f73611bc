"""The storeroom: suppliers, products, and the stock ledger whose sum is every product's stock."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
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


class StockMove(models.Model):
    """One line of the ledger: never updated, never deleted; a mistake is corrected by a reversing move."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        SALE = "sale", _("Sale")
        RETURN = "return", _("Return")
        ADJUSTMENT = "adjustment", _("Adjustment")
        STOCKTAKE = "stocktake", _("Stocktake difference")
        REVERSAL = "reversal", _("Reversal")

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="moves", verbose_name=_("product"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"), help_text=_("Positive into stock, negative out of it."))
    moved_at = models.DateTimeField(_("when"), default=timezone.now, help_text=_("When the goods moved."))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("by"), help_text=_("Empty when Shopteam recorded it (e.g. an import)."),
    )
    reason = models.TextField(_("why"), blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    # Money the move brought in: a sale's price as sold, negative for a return and for a sale's reversal.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    # Makes a move written by a job or an import idempotent (empty for moves people record).
    key = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["-moved_at", "-pk"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        default_permissions = ("add", "view")
        indexes = [
            models.Index(fields=["product", "-moved_at"], name="move_product_time"),
            models.Index(fields=["kind", "moved_at"], name="move_kind_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="move_quantity_not_zero"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="move_reversal_names_its_move",
            ),
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="move_key_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity:+d} {self.product.sku}"


class DriftCheck(models.Model):
    """The nightly re-adding of the ledger: one per day, with every product whose cached stock disagrees."""

    day = models.DateField(_("day"), unique=True)
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)
    products_checked = models.PositiveIntegerField(_("products checked"), default=0)
    # [{"product_id", "sku", "on_hand", "ledger"}]
    drift = models.JSONField(_("drift"), default=list, blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("stock drift check")
        verbose_name_plural = _("stock drift checks")

    def __str__(self):
        return str(self.day)

    @property
    def ok(self):
        return not self.drift
