"""The after-sales desk's records: complaints, negative reviews, follow-ups and returns, each against an imported
order, and one event table that is their history (who, when, what; corrections with old and new values)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from inventory.models import TaobaoOrder
from shopteam.models import OneRowSettings

USER = settings.AUTH_USER_MODEL
ORDER = pgettext_lazy("an after-sales record's", "order")


class AfterSalesSettings(OneRowSettings):
    """The desk's rules, one row edited in the admin."""

    counts_neutral_reviews = models.BooleanField(
        _("neutral reviews (中评) count as negative"), default=False,
        help_text=_("When on, a 中评 is recorded and followed like a 差评 and counts in the month's negative reviews."))
    follow_up_after_days = models.PositiveSmallIntegerField(
        _("follow up this many days after receipt"), default=7)
    follow_up_window_days = models.PositiveSmallIntegerField(
        _("follow-up list reaches back this many days"), default=30,
        help_text=_("Orders received longer ago than this leave the follow-up list."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("after-sales settings")
        verbose_name_plural = _("after-sales settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="aftersales_settings_one_row")]

    def __str__(self):
        return str(_("After-sales settings"))


class Complaint(models.Model):
    """A buyer's complaint (投诉) about an order: what they want, what was done, who handled it, when it closed."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("a complaint", "open")
        WITH_MANAGER = "manager", _("with the shop manager")
        DECIDED = "decided", _("decided, to carry out")
        CLOSED = "closed", pgettext_lazy("a complaint", "closed")

    TEXT_MAX = 2000

    order = models.ForeignKey(TaobaoOrder, on_delete=models.PROTECT, related_name="complaints",
                              verbose_name=ORDER)
    wants = models.TextField(_("what the buyer wants"))
    done = models.TextField(_("what was done"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decision = models.TextField(_("the shop manager's decision"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    handled_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                   verbose_name=_("handled by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [models.UniqueConstraint(fields=["recorded_by", "key"], condition=~Q(key=""),
                                               name="aftersales_complaint_key")]
        indexes = [models.Index(fields=["closed_at"], name="aftersales_complaint_closed")]

    def __str__(self):
        return _("Complaint %(pk)s about order %(order)s") % {"pk": self.pk, "order": self.order.order_id}

    def get_absolute_url(self):
        return reverse("aftersales:complaint", kwargs={"pk": self.pk})


class Review(models.Model):
    """A negative review (差评, or 中评 when the shop counts them) and how it ended."""

    class Rating(models.TextChoices):
        NEGATIVE = "negative", _("negative (差评)")
        NEUTRAL = "neutral", _("neutral (中评)")

    class Outcome(models.TextChoices):
        OPEN = "open", _("being worked")
        WITHDRAWN = "withdrawn", _("withdrawn by the buyer")
        CHANGED = "changed", _("changed by the buyer")
        KEPT = "kept", _("kept")

    TEXT_MAX = 2000

    order = models.ForeignKey(TaobaoOrder, on_delete=models.PROTECT, related_name="reviews", verbose_name=ORDER)
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices, default=Rating.NEGATIVE)
    left_on = models.DateField(_("left on"))
    text = models.TextField(_("what the buyer wrote"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    withdrawn_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                     verbose_name=_("brought about by"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-left_on", "-pk"]
        verbose_name = _("negative review")
        verbose_name_plural = _("negative reviews")
        constraints = [models.UniqueConstraint(fields=["order"], name="aftersales_one_review_per_order")]

    def __str__(self):
        return _("Review of order %(order)s") % {"order": self.order.order_id}

    def get_absolute_url(self):
        return reverse("aftersales:review", kwargs={"pk": self.pk})


class FollowUp(models.Model):
    """A contact with a buyer from a follow-up list: after receipt (a short survey) or the same-day 催付."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("after receipt")
        UNPAID = "unpaid", _("unpaid order (催付)")

    class Answer(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        PROBLEM = "problem", _("has a problem")
        NO_ANSWER = "no_answer", _("no answer")
        PAID = "paid", pgettext_lazy("a buyer's answer", "paid")
        WILL_PAY = "will_pay", _("will pay")
        DECLINED = "declined", _("does not want it")

    ANSWERS = {
        Kind.RECEIVED: (Answer.SATISFIED, Answer.PROBLEM, Answer.NO_ANSWER),
        Kind.UNPAID: (Answer.PAID, Answer.WILL_PAY, Answer.DECLINED, Answer.NO_ANSWER),
    }
    TEXT_MAX = 1000

    order = models.ForeignKey(TaobaoOrder, on_delete=models.PROTECT, related_name="follow_ups",
                              verbose_name=ORDER)
    kind = models.CharField(_("list"), max_length=10, choices=Kind.choices)
    answer = models.CharField(_("buyer's answer"), max_length=10, choices=Answer.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("contacted"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="aftersales_one_follow_up_per_list")]
        indexes = [models.Index(fields=["at"], name="aftersales_follow_up_at")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.order.order_id}"

    def get_absolute_url(self):
        return reverse("aftersales:buyer") + f"?q={self.order.order_id}"


class ReturnRequest(models.Model):
    """A return or exchange (退换货): checked by after-sales, then handed to finance with the amount."""

    class Kind(models.TextChoices):
        RETURN = "return", _("return")
        EXCHANGE = "exchange", _("exchange")

    class Status(models.TextChoices):
        CHECKING = "checking", _("being checked")
        TO_FINANCE = "finance", _("handed to finance")
        REFUSED = "refused", _("refused")

    TEXT_MAX = 2000

    order = models.ForeignKey(TaobaoOrder, on_delete=models.PROTECT, related_name="returns", verbose_name=ORDER)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RETURN)
    reason = models.TextField(_("reason"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    check_note = models.TextField(_("what the check found"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    checked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                   verbose_name=_("checked by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    handed_at = models.DateTimeField(_("handed to finance"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("return or exchange")
        verbose_name_plural = _("returns and exchanges")

    def __str__(self):
        return _("%(kind)s of order %(order)s") % {"kind": self.get_kind_display(), "order": self.order.order_id}

    def get_absolute_url(self):
        return reverse("aftersales:return", kwargs={"pk": self.pk})


class Event(models.Model):
    """One line of history: a record made, a contact, a step, a correction (with what it was and is)."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", pgettext_lazy("an after-sales event", "recorded")
        CONTACT = "contact", _("contact with the buyer")
        ESCALATED = "escalated", _("sent to the shop manager")
        DECIDED = "decided", _("the shop manager decided")
        CLOSED = "closed", pgettext_lazy("an after-sales event", "closed")
        CHECKED = "checked", pgettext_lazy("an after-sales event", "checked")
        CORRECTED = "corrected", _("corrected")

    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("by"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, null=True, related_name="events")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, null=True, related_name="events")
    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, null=True, related_name="events")
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.PROTECT, null=True, related_name="events")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("after-sales event")
        verbose_name_plural = _("after-sales events")

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
