"""The shop's money: a ledger of income and expense entries that are never edited or deleted (a mistake is
reversed by an entry pointing to it), months whose books are closed, and the yearly fixed costs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roles.models import Bilingual
from shopteam.periods import first_of_month, next_month  # noqa: F401 - finance.models names them too

# Money in yuan, whole fen: every amount column has the same precision.
MONEY_DIGITS, MONEY_PLACES = 12, 2


class Category(Bilingual):
    """What an entry is for. Seeded from the playbook (finance's main duties and marketing's paid channels);
    the admin adds, renames and retires categories (a retired one keeps its entries)."""

    class Kind(models.TextChoices):
        INCOME = "income", _("Income")
        EXPENSE = "expense", _("Expense")

    class Group(models.TextChoices):
        SALES = "sales", _("Taobao sales")
        REFUNDS = "refunds", _("Taobao refunds")
        NON_OPERATING = "non_operating", _("Non-operating")
        PROMOTION = "promotion", _("Promotion")
        SUPPLIER = "supplier", _("Supplier settlement")
        PAYROLL = "payroll", _("Payroll")
        SHIPPING = "shipping", _("Shipping")
        TOOLS = "tools", _("Tools")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), unique=True, help_text=_("Used by Shopteam to find the seeded categories."))
    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    kind = models.CharField(_("income or expense"), max_length=8, choices=Kind.choices)
    group = models.CharField(_("category group"), max_length=16, choices=Group.choices, default=Group.OTHER)
    active = models.BooleanField(_("in use"), default=True, help_text=_("Unticked: no new entries; old ones stay."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("ledger category")
        verbose_name_plural = _("ledger categories")

    def __str__(self):
        return self.localized("name")

    @property
    def is_promotion(self):
        return self.group == self.Group.PROMOTION

    @property
    def usual_direction(self):
        return LedgerEntry.Direction.IN if self.kind == self.Kind.INCOME else LedgerEntry.Direction.OUT


class LedgerEntry(models.Model):
    """One movement of money. Never updated (but for the `is_reversed` mark its reversal sets in the same
    transaction) and never deleted."""

    class Direction(models.TextChoices):
        IN = "in", _("In")
        OUT = "out", _("Out")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Recorded by hand")
        TAOBAO = "taobao", _("Taobao import")
        PROMOTION = "promotion", _("Promotion payment")
        SETTLEMENT = "settlement", _("Supplier settlement")
        REVERSAL = "reversal", _("Reversal")

    date = models.DateField(_("date"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="entries", verbose_name=_("category"))
    direction = models.CharField(_("in or out"), max_length=3, choices=Direction.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    counterparty = models.CharField(_("counterparty"), max_length=100, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"), help_text=_("Empty when Shopteam recorded it (an import, a job)."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    # Set with the reversal, in its transaction: lets "one live entry per key" be a database constraint.
    is_reversed = models.BooleanField(_("reversed"), default=False, editable=False)
    # What a system entry stands for ("taobao:sales:2026-03-04", "promotion:12", "settlement:5"): at most
    # one entry that is not reversed per key, so a job or an import run twice writes it once.
    key = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        default_permissions = ("add", "view")
        indexes = [
            models.Index(fields=["date", "category"], include=["direction", "amount"], name="entry_date_category"),
            models.Index(fields=["category", "date"], name="entry_category_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="entry_amount_positive"),
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key="") & Q(is_reversed=False), name="entry_live_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(source="reversal", reverses__isnull=False)
                | (~Q(source="reversal") & Q(reverses__isnull=True)),
                name="entry_reversal_names_its_entry",
            ),
        ]

    def __str__(self):
        sign = "+" if self.direction == self.Direction.IN else "−"
        return f"{self.date} {self.category} {sign}{self.amount}"

    def get_absolute_url(self):
        return reverse("finance:entry_detail", args=[self.pk])

    @property
    def signed_amount(self):
        return self.amount if self.direction == self.Direction.IN else -self.amount


class ClosedMonth(models.Model):
    """The books of one month: once closed, no entry may be dated in it (a correction is dated in an open
    month). Reopening needs a reason; every close and reopen is kept in the history."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    closed = models.BooleanField(_("closed"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("month's books")
        verbose_name_plural = _("months' books")
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="closed_month_first_day")]

    def __str__(self):
        return self.month.strftime("%Y-%m")


class FixedCost(models.Model):
    """A yearly fixed cost the shop budgets for (document 004's tools: the shop template, 生e经, 生意参谋…):
    a budget line the yearly report compares with what the ledger shows was paid, not an entry itself."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    yearly_amount = models.DecimalField(_("per year (CNY)"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("yearly fixed cost")
        verbose_name_plural = _("yearly fixed costs")
        constraints = [models.CheckConstraint(condition=Q(yearly_amount__gte=0), name="fixed_cost_not_negative")]

    def __str__(self):
        return self.name
