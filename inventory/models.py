"""The storeroom: suppliers, products, and the stock ledger whose sum is every product's stock."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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


class InventorySettings(models.Model):
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

    @classmethod
    def current(cls):
        """The row (read only: every move reads it, so it is never written here), or the defaults without one."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


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


class TaobaoImport(models.Model):
    """One uploaded export: its file (kept under VAR_DIR/imports/), what the check found, and what the import did."""

    class Kind(models.TextChoices):
        ORDERS = "orders", _("订单报表 (orders)")
        LINES = "lines", _("宝贝报表 (order lines)")
        REFUNDS = "refunds", _("退款报表 (refunds)")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked: waiting for you")
        REFUSED = "refused", _("Refused")
        QUEUED = "queued", _("Waiting to import")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Stopped")
        CANCELLED = "cancelled", _("Cancelled")
        SAME = "same", _("Already imported")

    class ClaimLost(Exception):
        """The worker's claim on the check or the import went (it was taken for dead): it stops, writing nothing."""

    filename = models.CharField(_("file"), max_length=200)
    stored_name = models.CharField(max_length=200, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    # An upload whose bytes equal a file already imported (then nothing is read: its status is SAME).
    same_as = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                editable=False, verbose_name=_("same file as"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, blank=True)
    file_format = models.CharField(_("format"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    skip_bad_rows = models.BooleanField(_("skip refused rows"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    # What the check counted and the import did: {"orders", "lines", "refunds", "sales", "reversals", ...}
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # [{"row", "reason", "ref"}] every refused row (the first PROBLEMS_KEPT), with problem_count the total.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("problem rows"), default=0)
    refusal = models.TextField(_("why it was refused or stopped"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("imported by"),
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The claim of the worker checking or importing the file: set when it claims the work and renewed at every
    # batch (`beat`); one older than `importing.LEASE` is a worker that died (`importing.expire_stale`).
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The booking outbox: the Shanghai days whose money the import changed (ISO dates), written in the import's
    # own transaction, and when finance booked them (services.book_taobao_money; the nightly sweep books any
    # import still waiting). `money_note` keeps a refusal finance was told of (every open month closed).
    money_days = models.JSONField(_("days whose money changed"), default=list, blank=True, editable=False)
    money_booked_at = models.DateTimeField(_("money booked"), null=True, blank=True, editable=False)
    money_note = models.TextField(_("booking note"), blank=True, editable=False)

    PROBLEMS_KEPT = 5000

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Taobao import")
        verbose_name_plural = _("Taobao imports")
        default_permissions = ("view",)

    def __str__(self):
        return f"#{self.pk} {self.filename}"

    def get_absolute_url(self):
        return reverse("inventory:import_detail", args=[self.pk])

    @property
    def progress(self):
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0

    def beat(self, rows_done):
        """Note the progress and renew the claim; raises ClaimLost if the claim is no longer this worker's."""
        now = timezone.now()
        if not TaobaoImport.objects.filter(pk=self.pk, claimed_at=self.claimed_at).update(rows_done=rows_done,
                                                                                           claimed_at=now):
            raise self.ClaimLost(self.pk)
        self.claimed_at, self.rows_done = now, rows_done

    @property
    def is_busy(self):
        return self.status in (self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING)


class TaobaoOrder(models.Model):
    """An order as the latest export says it is; its money is what the 订单报表 exported."""

    order_id = models.CharField(_("order number"), max_length=30, unique=True)
    status = models.CharField(_("status"), max_length=30, blank=True)
    status_rank = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    sold = models.BooleanField(_("counts as sold"), null=True, blank=True,
                               help_text=_("Paid, shipped or finished; empty while no 订单报表 said."))
    paid_amount = models.DecimalField(_("amount paid"), max_digits=12, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, null=True, blank=True)
    refund_amount = models.DecimalField(_("refund"), max_digits=12, decimal_places=2, null=True, blank=True)
    paid_at = models.DateTimeField(pgettext_lazy("a moment", "paid"), null=True, blank=True)
    placed_at = models.DateTimeField(_("placed"), null=True, blank=True)
    close_reason = models.CharField(_("close reason"), max_length=100, blank=True)
    from_order_report = models.BooleanField(default=False, editable=False)
    last_import = models.ForeignKey(TaobaoImport, on_delete=models.PROTECT, related_name="+", null=True,
                                    verbose_name=_("last import"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-paid_at", "-pk"]
        verbose_name = _("Taobao order")
        verbose_name_plural = _("Taobao orders")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["paid_at"], name="taobao_order_paid")]

    def __str__(self):
        return self.order_id


class TaobaoOrderLine(models.Model):
    """One line of an order; `target` is what the exports say should be sold and `sold` what the ledger holds
    for it: an import writes the sale or reversal that brings one to the other."""

    order = models.ForeignKey(TaobaoOrder, on_delete=models.PROTECT, related_name="lines",
                              verbose_name=pgettext_lazy("a Taobao order line's", "order"))
    # The 子订单编号 when the export has one, else the SKU, properties and title within the order.
    line_key = models.CharField(max_length=100, editable=False)
    sub_order_id = models.CharField(_("sub-order number"), max_length=30, blank=True, db_index=True)
    sku = models.CharField(_("SKU (商家编码)"), max_length=64)
    title = models.CharField(_("title"), max_length=200, blank=True)
    properties = models.CharField(_("properties"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    paid_amount = models.DecimalField(_("amount paid"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=30, blank=True)
    refund_status = models.CharField(_("refund status"), max_length=30, blank=True)
    refund_amount = models.DecimalField(_("refund"), max_digits=12, decimal_places=2, null=True, blank=True)
    paid_at = models.DateTimeField(pgettext_lazy("a moment", "paid"), null=True, blank=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines",
                                verbose_name=_("product"))
    target = models.PositiveIntegerField(_("to be sold"), default=0, editable=False)
    sold = models.PositiveIntegerField(_("sold in the ledger"), default=0, editable=False)
    last_import = models.ForeignKey(TaobaoImport, on_delete=models.PROTECT, related_name="+", null=True,
                                    verbose_name=_("last import"))

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("Taobao order line")
        verbose_name_plural = _("Taobao order lines")
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["order", "line_key"], name="taobao_line_unique")]
        indexes = [models.Index(fields=["last_import"], name="taobao_line_import")]

    def __str__(self):
        return f"{self.order.order_id} {self.sku} ×{self.quantity}"


class TaobaoRefund(models.Model):
    """A refund from the 退款报表; a successful one covering a whole line takes the line out of the sales."""

    refund_id = models.CharField(_("refund number"), max_length=30, unique=True)
    order_id = models.CharField(_("order number"), max_length=30, db_index=True)
    line = models.ForeignKey(TaobaoOrderLine, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="refunds", verbose_name=_("line"))
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=30)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    last_import = models.ForeignKey(TaobaoImport, on_delete=models.PROTECT, related_name="+", null=True,
                                    verbose_name=_("last import"))

    class Meta:
        ordering = ["-finished_at", "-pk"]
        verbose_name = _("Taobao refund")
        verbose_name_plural = _("Taobao refunds")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["finished_at"], name="taobao_refund_finished")]

    def __str__(self):
        return self.refund_id


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
