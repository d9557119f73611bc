"""Taobao/Tmall exports as imported: each upload, and the orders, lines and refunds it brought."""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .catalogue import Product


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
    # When the stored file was removed with the buyers' data it holds (`importing.forget_old_buyer_data`).
    file_removed_at = models.DateTimeField(_("file removed"), null=True, blank=True, editable=False)

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
    # Who bought it, where it goes and how it went, as the 订单报表 exported them (blank where its layout has no
    # such column; the 2025–26 layouts mask the address and name no buyer).
    buyer_nick = models.CharField(_("buyer (买家会员名)"), max_length=100, blank=True, default="", db_default="",
                                  db_index=True)
    receiver_name = models.CharField(_("receiver"), max_length=100, blank=True, default="", db_default="")
    receiver_phone = models.CharField(_("receiver's phone"), max_length=40, blank=True, default="", db_default="")
    address = models.CharField(_("address"), max_length=300, blank=True, default="", db_default="")
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    received_at = models.DateTimeField(_("receipt confirmed"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=50, blank=True, default="", db_default="")
    waybill = models.CharField(_("waybill number"), max_length=50, blank=True, default="", db_default="")
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
