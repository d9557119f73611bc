"""Document 004's staffing rule as data: which posts do each kind of work, and from how many paid orders a day
the shop needs one more person for it. Both are edited in the admin, with history."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roles.models import Post


class StaffingRole(models.Model):
    """A kind of work document 004 staffs by daily orders, and the posts of the org chart that do it."""

    class Code(models.TextChoices):
        CUSTOMER_SERVICE = "customer_service", _("Customer service")
        PROMOTION = "promotion", _("Promotion")
        ANALYSIS = "analysis", _("Events or data analysis")
        PACKING = "packing", _("Packing")

    code = models.CharField(_("work"), max_length=30, choices=Code.choices, unique=True)
    posts = models.ManyToManyField(Post, blank=True, related_name="+", verbose_name=_("posts that do it"),
                                   help_text=_("Whoever holds one of these posts today counts as doing this work "
                                               "(once per post held)."))
    # The playbook's posts are linked once (roles' playbook may be loaded after this app's migration); an admin's
    # later edit of the posts is never overwritten.
    posts_seeded = models.BooleanField(default=False, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords(m2m_fields=[posts])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("staffing role")
        verbose_name_plural = _("staffing roles")

    def __str__(self):
        return str(self.get_code_display())


class StaffingThreshold(models.Model):
    """From `orders_per_day` paid orders a day (the last 30 days' average) the role needs `extra` more people."""

    role = models.ForeignKey(StaffingRole, on_delete=models.CASCADE, related_name="thresholds",
                             verbose_name=_("work"))
    orders_per_day = models.PositiveIntegerField(_("from paid orders a day"))
    extra = models.PositiveSmallIntegerField(_("people added"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "orders_per_day", "pk"]
        verbose_name = _("staffing threshold")
        verbose_name_plural = _("staffing thresholds")

    def __str__(self):
        return f"{self.role}: +{self.extra} ≥ {self.orders_per_day}"
