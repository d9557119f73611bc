"""Attendance (考勤): what a leader records per person and day (a late arrival, an early leave, an approved leave)
and the points each costs, as document 002 scores them. A record is never deleted: it is corrected (the old values
kept beside the reason) or voided with a reason."""
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roles.models import Bilingual


class Kind(Bilingual):
    """What a record says happened, and its points (seeded from document 002, edited in the admin)."""

    class CountsAs(models.TextChoices):
        LATE_OR_EARLY = "late_or_early", _("Late arrival or early leave")
        LEAVE = "leave", _("Approved leave")

    code = models.SlugField(_("code"), unique=True, editable=False)
    name = models.CharField(_("name"), max_length=30, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    short = models.CharField(_("short label"), max_length=4, help_text=_("Shown in the month sheet's cells."))
    short_en = models.CharField(_("English short label"), max_length=4, blank=True)
    counts_as = models.CharField(_("counts as"), max_length=16, choices=CountsAs.choices, editable=False)
    points = models.SmallIntegerField(
        _("points"), validators=[MaxValueValidator(0)],
        help_text=_("Points a record of this kind costs (0 or less; document 002: −2 per late arrival or early "
                    "leave, −1 per approved leave). A change applies to records made after it; records already "
                    "made keep the points they were made with."),
    )
    active = models.BooleanField(_("in use"), default=True, help_text=_("Unticked: no new records of this kind."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("attendance kind")
        verbose_name_plural = _("attendance kinds")
        constraints = [models.CheckConstraint(condition=Q(points__lte=0), name="attendance_kind_points_not_positive")]

    def __str__(self):
        return self.localized("name")

    @property
    def localized_short(self):
        return self.localized("short")


class Record(models.Model):
    """One person's late arrival, early leave or approved leave on one day, as their leader recorded it."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendance_records",
                               verbose_name=_("person"))
    day = models.DateField(_("day"))
    kind = models.ForeignKey(Kind, on_delete=models.PROTECT, related_name="records", verbose_name=_("kind"))
    points = models.SmallIntegerField(_("points"), help_text=_("The kind's points when it was recorded."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("voided by"))
    void_reason = models.TextField(_("why voided"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["day", "kind__order", "pk"]
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["day", "person"], include=["kind", "points"],
                                condition=Q(voided_at__isnull=True), name="attendance_live_by_day")]
        constraints = [
            models.UniqueConstraint(fields=["person", "day", "kind"], condition=Q(voided_at__isnull=True),
                                    name="attendance_one_live_record_per_kind_and_day",
                                    violation_error_message=_("This is already recorded for that day.")),
            models.CheckConstraint(condition=Q(points__lte=0), name="attendance_record_points_not_positive"),
        ]

    def __str__(self):
        return f"{self.day} {self.kind}"

    def get_absolute_url(self):
        return reverse("attendance:record_detail", args=[self.pk])

    @property
    def is_void(self):
        return self.voided_at is not None


class Correction(models.Model):
    """A record's values before and after one correction, who made it and why: the record shows the new values,
    and this row keeps the old ones."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("record"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("corrected by"))
    at = models.DateTimeField(_("corrected at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    old_day = models.DateField(_("day before"))
    old_kind = models.ForeignKey(Kind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind before"))
    old_points = models.SmallIntegerField(_("points before"))
    old_note = models.CharField(_("note before"), max_length=200, blank=True)
    new_day = models.DateField(_("day after"))
    new_kind = models.ForeignKey(Kind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind after"))
    new_points = models.SmallIntegerField(_("points after"))
    new_note = models.CharField(_("note after"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("attendance correction")
        verbose_name_plural = _("attendance corrections")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.record} ({self.at:%Y-%m-%d})"
