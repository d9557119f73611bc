"""The supplier cycle: one supplier's monthly sales report, sent, settled and invoiced, and its steps."""
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .ledger import MONEY_DIGITS, MONEY_PLACES, LedgerEntry, next_month


class SupplierCycle(models.Model):
    """One supplier's monthly cycle (playbook: finance and product leaders, 11th–15th): last natural month's
    sales report, built on the 11th from the inventory ledger, sent by the product leader, settled and invoiced
    by finance. `month` is the month the report covers; its window is the 11th–15th of the month after."""

    supplier = models.ForeignKey(
        "inventory.Supplier", on_delete=models.PROTECT, related_name="cycles", verbose_name=_("supplier")
    )
    month = models.DateField(_("sales month"), help_text=_("The first day of the month the report covers."))
    # The report: rows per 商家编码 as built (JSON, amounts as exact text) and its totals.
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("built by"), help_text=_("Empty when the 11th's job built it."),
    )
    rows = models.JSONField(_("report rows"), default=list, blank=True)
    sold = models.IntegerField(_("sold"), default=0)
    returned = models.IntegerField(_("returned"), default=0)
    net = models.IntegerField(_("net"), default=0)
    cost_total = models.DecimalField(_("amount at cost"), default=0,
                                     max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    price_total = models.DecimalField(_("amount at price"), default=0,
                                      max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    # Sent (the product leader): when, how, by whom, and the rows as they were sent (to show later changes).
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_how = models.CharField(_("sent how"), max_length=100, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("sent by"),
    )
    sent_rows = models.JSONField(_("rows as sent"), default=list, blank=True)
    sent_cost_total = models.DecimalField(_("amount at cost as sent"), null=True, blank=True,
                                          max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    # Settled (finance): the amount paid, when, why it differs from the report's cost total, and its entry.
    settlement_amount = models.DecimalField(_("settlement amount"), null=True, blank=True,
                                            max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    settlement_date = models.DateField(_("settled on"), null=True, blank=True)
    settlement_reason = models.TextField(_("why the settlement differs"), blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("settled by"),
    )
    settlement_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="supplier_cycle",
        verbose_name=_("ledger entry"),
    )
    # The invoice for the supplier's product sales (finance).
    invoice_number = models.CharField(_("invoice number"), max_length=50, blank=True)
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    invoice_amount = models.DecimalField(_("invoice amount"), null=True, blank=True,
                                         max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    invoice_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("invoice recorded by"),
    )
    # Claim: set once when the job raised the case for a step left open past the 15th.
    late_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["rows", "sent_rows", "late_checked_at"])

    class Meta:
        ordering = ["-month", "supplier__name"]
        verbose_name = _("supplier cycle")
        verbose_name_plural = _("supplier cycles")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "month"], name="one_cycle_per_supplier_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="cycle_month_first_day"),
        ]

    def __str__(self):
        return f"{self.supplier} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("finance:cycle_detail", args=[self.pk])

    @property
    def window(self):
        """The 11th–15th of the month after the sales month."""
        after = next_month(self.month)
        return after.replace(day=11), after.replace(day=15)

    @property
    def is_built(self):
        return self.built_at is not None

    @property
    def is_sent(self):
        return self.sent_on is not None

    @property
    def is_settled(self):
        return self.settlement_date is not None

    @property
    def is_invoiced(self):
        return bool(self.invoice_number)

    @property
    def is_closed(self):
        return self.is_sent and self.is_settled and self.is_invoiced


class CycleStep(models.Model):
    """A step of a cycle someone must take, and what its task is about: send (the product leader) or settle
    and invoice (the finance leader). Carries the daily reminder's claim."""

    class Kind(models.TextChoices):
        SEND = "send", _("Send the report")
        SETTLE = "settle", _("Settle and record the invoice")

    cycle = models.ForeignKey(SupplierCycle, on_delete=models.CASCADE, related_name="steps", verbose_name=_("cycle"))
    kind = models.CharField(_("step"), max_length=8, choices=Kind.choices)
    post = models.ForeignKey("roles.Post", on_delete=models.PROTECT, null=True, related_name="+",
                             verbose_name=_("post"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True)
    # Not a column: the step's tasks (tasks.models.Task), set by selectors.cycle_page for its page.
    tasks: list[Any]

    class Meta:
        ordering = ["cycle", "kind"]
        verbose_name = _("cycle step")
        verbose_name_plural = _("cycle steps")
        constraints = [models.UniqueConstraint(fields=["cycle", "kind"], name="one_step_of_each_kind")]

    def __str__(self):
        return f"{self.cycle} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return self.cycle.get_absolute_url()
