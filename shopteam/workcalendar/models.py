"""The working calendar's data: working hours per weekday, exceptional days, and which years are entered."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkSchedule(models.Model):
    """A department's working week: its periods per weekday, and whether it keeps the public holidays.

    Customer service answers buyers in the evening and at weekends, the office groups do not; each
    department names its schedule (none: the default one, office hours).
    """

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    observes_public_holidays = models.BooleanField(
        _("keeps the public holidays"),
        default=True,
        help_text=_(
            "Ticked: no work on public holidays, and make-up workdays (调休) are worked with Monday's hours. "
            "Unticked: every day follows its weekday's hours, holidays included (a shift rota)."
        ),
    )
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("The schedule of departments that name none.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_default", "code"]
        verbose_name = _("work schedule")
        verbose_name_plural = _("work schedules")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_work_schedule",
                violation_error_message=_("There is already a default work schedule."),
            )
        ]

    def __str__(self):
        english = self.name_en and (get_language() or "").startswith("en")
        return self.name_en if english else self.name


OFFICE_SCHEDULE = ("office", "办公时间", "Office hours")


def default_schedule_id():
    """The default schedule's id, made on first use (office hours) when there is none yet."""
    code, name, name_en = OFFICE_SCHEDULE
    schedule = WorkSchedule.objects.filter(is_default=True).first()
    if schedule is None:
        schedule, _created = WorkSchedule.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "is_default": True}
        )
    return schedule.pk


class WorkingPeriod(models.Model):
    """One stretch of working time on a weekday; several per weekday leave breaks (lunch) between them."""

    schedule = models.ForeignKey(
        WorkSchedule,
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=_("work schedule"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"), help_text=_("A period ends on the day it starts."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["schedule", "weekday", "start"]
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")),
                name="working_period_ends_after_start",
                violation_error_message=_("A working period must end after it starts."),
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


    def clean(self):
        if self.start is None or self.end is None or self.weekday is None:
            return
        if self.start >= self.end:
            raise ValidationError({"end": _("A working period must end after it starts.")})
        clash = (
            WorkingPeriod.objects.filter(
                schedule_id=self.schedule_id, weekday=self.weekday, start__lt=self.end, end__gt=self.start
            )
            .exclude(pk=self.pk)
            .first()
        )
        if clash:
            raise ValidationError(
                _("This period overlaps %(period)s on the same weekday.") % {"period": clash}
            )


class CalendarDay(models.Model):
    """A date that breaks the ordinary week: a public holiday, or a make-up workday (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (法定节假日): no work")
        WORKDAY = "workday", _("Make-up workday (调休上班)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=8,
        choices=Kind.choices,
        help_text=_("A make-up workday is worked with Monday's hours (or the first weekday's that has any)."),
    )
    name = models.CharField(_("name"), max_length=80, blank=True, help_text=_("For example 国庆节."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".rstrip()


class CalendarYear(models.Model):
    """Whether a year's holidays and make-up workdays have all been entered (the State Council announces
    them around November of the year before)."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinesecalendar package")
        ADMIN = "admin", _("Entered by an admin")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    complete = models.BooleanField(
        _("complete"),
        default=False,
        help_text=_("Tick once every holiday and make-up workday of the year is entered."),
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.ADMIN)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)
