"""A post's duties, and how a recurring one repeats (each period becomes a task)."""
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shopteam.workcalendar.models import Weekday

from .org import Bilingual, Post


class Duty(Bilingual):
    class Kind(models.TextChoices):
        MAIN = "main", _("Main duty (主要工作)")
        SUPPORTING = "supporting", _("Supporting duty (监理工作)")

    class Recurrence(models.TextChoices):
        NONE = "", _("Does not repeat")
        DAILY = "daily", _("Every working day")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    # The lead time must be shorter than the period, so at most the next period's task appears early.
    LONGEST_LEAD = {"daily": 0, "weekly": 6, "monthly": 27, "quarterly": 89, "yearly": 364}

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="duties", verbose_name=_("post"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MAIN)
    text = models.TextField(_("duty"))
    text_en = models.TextField(_("English"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    recurrence = models.CharField(
        _("repeats"),
        max_length=10,
        choices=Recurrence.choices,
        default=Recurrence.NONE,
        blank=True,
        help_text=_("Each period a task for the post is filed by itself, once. Every working day follows the "
                    "calendar of the post's department: no task on a public holiday, one on a make-up workday "
                    "(调休 Saturday). A weekly, monthly, quarterly or yearly due day that is not a working day (a "
                    "holiday or a weekend) is due the working day before it."),
    )
    recurrence_weekday = models.PositiveSmallIntegerField(
        _("on weekday"), choices=Weekday.choices, null=True, blank=True, help_text=_("Weekly: the day it is due.")
    )
    recurrence_day = models.PositiveSmallIntegerField(
        _("on day of the month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Monthly, quarterly and yearly: the day of the month it is due (1–31; a month without that day "
                    "uses its last day)."),
    )
    recurrence_month = models.PositiveSmallIntegerField(
        _("in month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Yearly: the month of the year (1–12). Quarterly: the month of the quarter (1–3; 1 is "
                    "January, April, July and October)."),
    )
    due_time = models.TimeField(
        _("due at"), null=True, blank=True,
        help_text=_("The time of day it is due; empty: the end of the department's working day."),
    )
    lead_days = models.PositiveSmallIntegerField(
        _("lead time (days)"),
        default=0,
        help_text=_("How many days before the due day the task appears (0: on the due day). Shorter than the "
                    "period: 0 for every working day, at most 6 for weekly, 27 monthly, 89 quarterly, 364 yearly."),
    )
    task_title = models.CharField(
        _("task title"), max_length=120, blank=True,
        help_text=_("The title of the tasks it files; empty: the duty's text."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["post", "kind", "order", "pk"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.CheckConstraint(
                condition=Q(recurrence__in=["", "daily", "weekly", "monthly", "quarterly", "yearly"]),
                name="duty_recurrence_valid",
            ),
            models.CheckConstraint(
                condition=~Q(recurrence="weekly") | Q(recurrence_weekday__isnull=False, recurrence_weekday__lte=6),
                name="duty_weekly_has_a_weekday",
                violation_error_message=_("A weekly duty needs the weekday it is due."),
            ),
            models.CheckConstraint(
                condition=~Q(recurrence__in=["monthly", "quarterly", "yearly"])
                | Q(recurrence_day__isnull=False, recurrence_day__gte=1, recurrence_day__lte=31),
                name="duty_monthly_has_a_day",
                violation_error_message=_("A monthly, quarterly or yearly duty needs the day of the month it is due."),
            ),
            models.CheckConstraint(
                condition=~Q(recurrence="quarterly")
                | Q(recurrence_month__isnull=False, recurrence_month__gte=1, recurrence_month__lte=3),
                name="duty_quarterly_has_a_month_of_the_quarter",
                violation_error_message=_("A quarterly duty needs the month of the quarter it is due (1–3)."),
            ),
            models.CheckConstraint(
                condition=~Q(recurrence="yearly")
                | Q(recurrence_month__isnull=False, recurrence_month__gte=1, recurrence_month__lte=12),
                name="duty_yearly_has_a_month",
                violation_error_message=_("A yearly duty needs the month it is due (1–12)."),
            ),
            models.CheckConstraint(
                condition=Q(recurrence="")
                | Q(recurrence="daily", lead_days=0)
                | Q(recurrence="weekly", lead_days__lte=6)
                | Q(recurrence="monthly", lead_days__lte=27)
                | Q(recurrence="quarterly", lead_days__lte=89)
                | Q(recurrence="yearly", lead_days__lte=364),
                name="duty_lead_shorter_than_its_period",
                violation_error_message=_("The lead time must be shorter than the period."),
            ),
        ]

    def __str__(self):
        return self.localized("text")[:60]

    def clean(self):
        errors = {}
        kind = self.recurrence
        if kind == self.Recurrence.WEEKLY and self.recurrence_weekday is None:
            errors["recurrence_weekday"] = _("A weekly duty needs the weekday it is due.")
        if kind in (self.Recurrence.MONTHLY, self.Recurrence.QUARTERLY, self.Recurrence.YEARLY) and (
            self.recurrence_day is None
        ):
            errors["recurrence_day"] = _("A monthly, quarterly or yearly duty needs the day of the month it is due.")
        if kind == self.Recurrence.QUARTERLY and not 1 <= (self.recurrence_month or 0) <= 3:
            errors["recurrence_month"] = _("A quarterly duty needs the month of the quarter it is due (1–3).")
        if kind == self.Recurrence.YEARLY and not 1 <= (self.recurrence_month or 0) <= 12:
            errors["recurrence_month"] = _("A yearly duty needs the month it is due (1–12).")
        if kind and self.lead_days > self.LONGEST_LEAD[kind]:
            errors["lead_days"] = _("The lead time must be shorter than the period: at most %(days)s days here.") % {
                "days": self.LONGEST_LEAD[kind]}
        if errors:
            raise ValidationError(errors)
