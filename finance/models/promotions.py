"""Promotion spend and the shop's money rules: the approval limit and monthly budget (one settings row), the
requests marketing makes, the monthly sales targets, and the management reports sent."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .ledger import MONEY_DIGITS, MONEY_PLACES, Category, LedgerEntry


class FinanceSettings(models.Model):
    """The shop's money rules, one row edited in the admin: the promotion approval limit and marketing's
    monthly promotion budget."""

    promotion_approval_limit = models.DecimalField(
        _("promotion approval limit (CNY)"), default=2000, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
        help_text=_("A promotion request above this goes up the 财务支出 chain to the shop manager; finance "
                    "decides up to it."),
    )
    monthly_promotion_budget = models.DecimalField(
        _("monthly promotion budget (CNY)"), default=0, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
        help_text=_("What marketing may spend on paid promotion in a month; 0: no budget set."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finance settings")
        verbose_name_plural = _("finance settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="finance_settings_one_row"),
            models.CheckConstraint(
                condition=Q(promotion_approval_limit__gte=0, monthly_promotion_budget__gte=0),
                name="finance_settings_not_negative",
            ),
        ]

    def __str__(self):
        return str(_("Finance settings"))

    @classmethod
    def current(cls):
        return cls.objects.get_or_create(pk=1)[0]


class MonthlyTarget(models.Model):
    """The sales target the shop manager sets for a month (document 004: April ≥ 25,000, May ≥ 60,000)."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    sales_target = models.DecimalField(_("sales target (CNY)"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly sales target")
        verbose_name_plural = _("monthly sales targets")
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="target_first_day"),
            models.CheckConstraint(condition=Q(sales_target__gte=0), name="target_not_negative"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} ≥ {self.sales_target}"


class PromotionRequest(models.Model):
    """Marketing asks to spend on a paid channel; finance decides up to the limit, the 财务支出 chain above it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for finance")
        ESCALATED = "escalated", _("Up the 财务支出 chain")
        APPROVED = "approved", _("Approved, to be paid")
        REFUSED = "refused", _("Refused")
        PAID = "paid", _("Paid")

    OPEN = (Status.REQUESTED, Status.ESCALATED)
    COMMITTED = (Status.APPROVED, Status.PAID)
    # Not columns: what a list page shows beside an open request, set by selectors.flag_over_budget.
    budget_after: Decimal | None
    over_budget: bool

    channel = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="promotion_requests", verbose_name=_("channel"),
        limit_choices_to={"group": Category.Group.PROMOTION},
    )
    amount = models.DecimalField(_("amount (CNY)"),
                                 max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)  # what marketing asked for
    # What finance or the shop manager approved (at most what was asked); paying pays this.
    approved_amount = models.DecimalField(_("approved (CNY)"), null=True, blank=True,
                                          max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    # Why an approval was allowed to take the month's promotion budget below zero (empty: it did not).
    override_reason = models.TextField(_("over-budget override"), blank=True)
    purpose = models.TextField(_("purpose"))
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="promotion_requests",
        verbose_name=_("requested by"),
    )
    post = models.ForeignKey(
        "roles.Post", on_delete=models.PROTECT, related_name="+", verbose_name=_("requested as"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    case = models.ForeignKey(
        "escalation.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("财务支出 case"),
    )
    # What was written when the case was resolved on its own page (not through this request's buttons).
    case_resolution = models.TextField(_("decided on the case"), blank=True)
    paid_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="promotion_request",
        verbose_name=_("ledger entry"),
    )
    # One submitted form makes at most one request (a double click sends the same key).
    key = models.CharField(max_length=64, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["key"])

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("promotion request")
        verbose_name_plural = _("promotion requests")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="promotion_amount_positive"),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | Q(approved_amount__gt=0, approved_amount__lte=models.F("amount")),
                name="promotion_approved_within_asked",
            ),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="promotion_ends_after_start"),
            models.UniqueConstraint(fields=["requested_by", "key"], condition=~Q(key=""),
                                    name="promotion_form_once"),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="promotion_status")]

    def __str__(self):
        return f"#{self.pk} {self.channel} {self.amount}"

    def get_absolute_url(self):
        return reverse("finance:promotion_detail", args=[self.pk])

    @property
    def spend(self):
        """What this request spends once approved: the approved amount (what was asked before a decision)."""
        return self.approved_amount if self.approved_amount is not None else self.amount

    @property
    def approved_less(self):
        return self.approved_amount is not None and self.approved_amount < self.amount


class ManagementReport(models.Model):
    """A management report the job built and sent (the monthly one, on the 1st): one row per period, so the job
    run twice or at the same time sends it once. The page always shows the live figures; `summary` keeps the
    headline figures as they were sent."""

    class Kind(models.TextChoices):
        MONTH = "month", _("Monthly report")
        QUARTER = "quarter", _("Quarterly report")
        YEAR = "year", _("Yearly report")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    start = models.DateField(_("period start"))
    # Claims: the job that set built_at builds and notifies; the mail task that set mail_claimed_at mails.
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    summary = models.JSONField(_("figures as sent"), default=dict, blank=True)
    mail_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    mailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    mail_error = models.TextField(_("last e-mail error"), blank=True)

    class Meta:
        ordering = ["-start", "kind"]
        verbose_name = _("management report sent")
        verbose_name_plural = _("management reports sent")
        constraints = [models.UniqueConstraint(fields=["kind", "start"], name="one_report_per_period")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.start:%Y-%m}"
