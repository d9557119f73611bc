"""The shipping desk's records: what happened to each imported order in the storeroom (picked, packed, shipped),
the pick lists, problems found while packing, problem parcels (问题件) and storeroom incidents (库房事故).
The orders themselves are inventory's (as the latest export says them); nothing here changes them."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inventory.models import Stocktake, TaobaoOrder
from shopteam.models import OneRowSettings


class PickList(models.Model):
    """One round of picking: the orders it covered and who walked the shelves."""

    day = models.DateField(_("day"))
    picked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("picked by"))
    picked_at = models.DateTimeField(_("picked"), default=timezone.now)
    history = HistoricalRecords()
    _change_reason: str  # read by simple_history at save: the history row's reason (not a field)

    class Meta:
        ordering = ["-picked_at", "-pk"]
        verbose_name = _("pick list")
        verbose_name_plural = _("pick lists")

    def __str__(self):
        return f"{self.day} #{self.pk}"


class Parcel(models.Model):
    """The desk's record of one order: picked and shipped, by whom and when, with the carrier and waybill."""

    order = models.OneToOneField(TaobaoOrder, on_delete=models.PROTECT, related_name="parcel",
                                 verbose_name=_("imported order"))
    pick_list = models.ForeignKey(PickList, on_delete=models.PROTECT, null=True, blank=True, related_name="parcels",
                                  verbose_name=_("pick list"))
    picked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("picked by"))
    picked_at = models.DateTimeField(_("picked"), null=True, blank=True)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("shipped by"))
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    waybill = models.CharField(_("waybill number (运单号)"), max_length=50, blank=True)
    history = HistoricalRecords()
    _change_reason: str  # read by simple_history at save: the history row's reason (not a field)

    class Meta:
        ordering = ["-shipped_at", "-pk"]
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        constraints = [
            models.UniqueConstraint(fields=["waybill"], condition=~Q(waybill=""), name="parcel_waybill_unique"),
        ]
        indexes = [models.Index(fields=["shipped_at"], name="parcel_shipped"),
                   models.Index(fields=["picked_at"], name="parcel_picked")]

    def __str__(self):
        return str(self.order)


class PackingProblem(models.Model):
    """Goods found damaged, short or wrong while packing: the order is not shipped, a case goes up the chain."""

    class Kind(models.TextChoices):
        DAMAGED = "damaged", _("Damaged")
        SHORT = "short", _("Short (missing goods)")
        WRONG = "wrong", _("Wrong item")

    order = models.ForeignKey(TaobaoOrder, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported order"))
    kind = models.CharField(_("problem"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("what was found"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    case = models.ForeignKey("escalation.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))
    history = HistoricalRecords()
    _change_reason: str  # read by simple_history at save: the history row's reason (not a field)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("packing problem")
        verbose_name_plural = _("packing problems")

    def __str__(self):
        return f"{self.order} {self.get_kind_display()}"


class ProblemParcel(models.Model):
    """A parcel that went wrong after it left (问题件): what was done, followed until closed."""

    class Kind(models.TextChoices):
        LOST = "lost", _("Lost")
        RETURNED = "returned", _("Returned")
        REFUSED = "refused", _("Refused by the buyer")
        DAMAGED = "damaged", _("Damaged in transit")

    order = models.ForeignKey(TaobaoOrder, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported order"))
    kind = models.CharField(_("problem"), max_length=10, choices=Kind.choices)
    what_done = models.TextField(_("what was done"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords()
    _change_reason: str  # read by simple_history at save: the history row's reason (not a field)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("problem parcel")
        verbose_name_plural = _("problem parcels")
        indexes = [models.Index(fields=["closed_at"], name="problem_parcel_closed")]

    def __str__(self):
        return f"{self.order} {self.get_kind_display()}"


class StoreroomIncident(models.Model):
    """A storeroom incident (库房事故): the month it happens in pays no storekeeper's allowance."""

    class Kind(models.TextChoices):
        LOSS = "loss", _("Loss")
        DAMAGE = "damage", _("Damage")
        WRONG_SHIPMENT = "wrong_shipment", _("Wrong shipment")
        STOCKTAKE_LOSS = "stocktake_loss", _("Stocktake loss over the threshold")

    happened_on = models.DateField(_("happened on"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    what_happened = models.TextField(_("what happened"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()
    _change_reason: str  # read by simple_history at save: the history row's reason (not a field)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name = _("storeroom incident")
        verbose_name_plural = _("storeroom incidents")
        indexes = [models.Index(fields=["happened_on"], name="storeroom_incident_day")]

    def __str__(self):
        return f"{self.happened_on} {self.get_kind_display()}"


class ShippingSettings(OneRowSettings):
    """The desk's rules, one row edited in the admin (with history): when a stocktake's loss is large enough to be
    put to the product leader as a storeroom incident."""

    stocktake_loss_value = models.DecimalField(
        _("stocktake loss at cost to confirm (¥)"), max_digits=12, decimal_places=2, default=Decimal("200.00"),
        help_text=_("A posted stocktake whose goods found missing are worth at least this at cost is put to the "
                    "product leader as a possible storeroom incident."))
    stocktake_loss_units = models.PositiveIntegerField(
        _("stocktake loss in units to confirm"), default=5,
        help_text=_("… or whose goods found missing are at least this many units."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shipping desk settings")
        verbose_name_plural = _("shipping desk settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="shipping_settings_one_row")]

    def __str__(self):
        return str(_("Shipping desk settings"))


class StocktakeLossDecision(models.Model):
    """The product leader's (or the shop manager's) word on a stocktake loss over the threshold: a storeroom
    incident (linked), or not one, with the reason."""

    class Decision(models.TextChoices):
        INCIDENT = "incident", _("confirmed as a storeroom incident")
        DISMISSED = "dismissed", _("not an incident")

    stocktake = models.OneToOneField(Stocktake, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("stocktake"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    incident = models.OneToOneField(StoreroomIncident, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="stocktake_decision", verbose_name=_("storeroom incident"))
    lost_units = models.IntegerField(_("units missing"), default=0)
    lost_value = models.DecimalField(_("missing at cost"), max_digits=12, decimal_places=2, default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    history = HistoricalRecords()
    _change_reason: str  # read by simple_history at save: the history row's reason (not a field)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("stocktake loss decision")
        verbose_name_plural = _("stocktake loss decisions")

    def __str__(self):
        return f"{self.stocktake_id} {self.get_decision_display()}"
