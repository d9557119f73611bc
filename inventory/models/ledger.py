"""The stock ledger whose sum is every product's stock, the rules a move is held to, and the nightly re-adding."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shopteam.models import OneRowSettings

from .catalogue import Product


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
    order_line = models.ForeignKey(
        "TaobaoOrderLine", on_delete=models.PROTECT, null=True, blank=True, related_name="moves",
        verbose_name=_("order line"),
    )
    taobao_import = models.ForeignKey(
        "TaobaoImport", on_delete=models.PROTECT, null=True, blank=True, related_name="moves",
        verbose_name=_("import"),
    )

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


class InventorySettings(OneRowSettings):
    """The storeroom's rules, one row edited in the admin: how many units one move a person records (or one
    stocktake count) may hold, so a typo such as 99,999,999,999 is refused instead of booked."""

    MOVE_LIMIT_DEFAULT = 100_000
    MOVE_LIMIT_MOST = 1_000_000_000  # below what the ledger's integer column holds

    move_limit = models.PositiveIntegerField(
        _("most units in one move"), default=MOVE_LIMIT_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(MOVE_LIMIT_MOST)],
        help_text=_("A receipt, sale, return or adjustment recorded by a person, or a stocktake count, above this "
                    "is refused. Imports and reversals are not limited."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inventory settings")
        verbose_name_plural = _("inventory settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="inventory_settings_one_row"),
            models.CheckConstraint(condition=Q(move_limit__gte=1, move_limit__lte=1_000_000_000),
                                   name="inventory_settings_move_limit_range"),
        ]

    def __str__(self):
        return str(_("Inventory settings"))


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
