"""The shop's money: a ledger of income and expense entries that are never edited or deleted (a mistake is
reversed by an entry pointing to it), months whose books are closed, and the yearly fixed costs."""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roles.models import Bilingual

MONEY = {"max_digits": 12, "decimal_places": 2}


def first_of_month(day):
    return day.replace(day=1)


def next_month(day):
    day = first_of_month(day)
    return (day + datetime.timedelta(days=32)).replace(day=1)


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
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
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
    yearly_amount = models.DecimalField(_("per year (CNY)"), **MONEY)
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


class FinanceSettings(models.Model):
    """The shop's money rules, one row edited in the admin: the promotion approval limit and marketing's
    monthly promotion budget."""

    promotion_approval_limit = models.DecimalField(
        _("promotion approval limit (CNY)"), default=2000, **MONEY,
        help_text=_("A promotion request above this goes up the 财务支出 chain to the shop manager; finance "
                    "decides up to it."),
    )
    monthly_promotion_budget = models.DecimalField(
        _("monthly promotion budget (CNY)"), default=0, **MONEY,
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
    sales_target = models.DecimalField(_("sales target (CNY)"), **MONEY)
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

    channel = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="promotion_requests", verbose_name=_("channel"),
        limit_choices_to={"group": Category.Group.PROMOTION},
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)  # what marketing asked for
    # What finance or the shop manager approved (at most what was asked); paying pays this.
    approved_amount = models.DecimalField(_("approved (CNY)"), null=True, blank=True, **MONEY)
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
    cost_total = models.DecimalField(_("amount at cost"), default=0, **MONEY)
    price_total = models.DecimalField(_("amount at price"), default=0, **MONEY)
    # Sent (the product leader): when, how, by whom, and the rows as they were sent (to show later changes).
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_how = models.CharField(_("sent how"), max_length=100, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("sent by"),
    )
    sent_rows = models.JSONField(_("rows as sent"), default=list, blank=True)
    sent_cost_total = models.DecimalField(_("amount at cost as sent"), null=True, blank=True, **MONEY)
    # Settled (finance): the amount paid, when, why it differs from the report's cost total, and its entry.
    settlement_amount = models.DecimalField(_("settlement amount"), null=True, blank=True, **MONEY)
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
    invoice_amount = models.DecimalField(_("invoice amount"), null=True, blank=True, **MONEY)
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

    class Meta:
        ordering = ["cycle", "kind"]
        verbose_name = _("cycle step")
        verbose_name_plural = _("cycle steps")
        constraints = [models.UniqueConstraint(fields=["cycle", "kind"], name="one_step_of_each_kind")]

    def __str__(self):
        return f"{self.cycle} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return self.cycle.get_absolute_url()
