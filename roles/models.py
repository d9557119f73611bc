"""The org chart and the playbook, with the invariants that keep a difficulty's contact chain callable."""
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shopteam.people import display_name
from shopteam.workcalendar.models import Weekday


class Bilingual(models.Model):
    """Playbook text is stored in Chinese with English beside; pages show the reader's language."""

    class Meta:
        abstract = True

    def localized(self, field):
        english = getattr(self, f"{field}_en", "")
        if english and (get_language() or "").startswith("en"):
            return english
        return getattr(self, field)


class Department(Bilingual):
    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    is_manager_office = models.BooleanField(
        _("shop manager's office"),
        default=False,
        help_text=_("The top of the org chart: whatever stays unsolved ends here."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    work_schedule = models.ForeignKey(
        "workcalendar.WorkSchedule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
        verbose_name=_("work schedule"),
        help_text=_("The hours a case's deadline counts while the case is with this department. "
                    "Empty: the default schedule (office hours)."),
    )
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="department"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["is_manager_office"],
                condition=Q(is_manager_office=True),
                name="one_manager_office",
                violation_error_message=_("There is already a shop manager's office."),
            )
        ]

    def __str__(self):
        return self.localized("name")

    def save(self, *args, **kwargs):
        # The auth group mirrors the department, so permissions can be granted by department.
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=self.name)
        elif self.group.name != self.name:
            self.group.name = self.name
            self.group.save(update_fields=["name"])
        super().save(*args, **kwargs)

    def clean(self):
        unticked = self.pk and not self.is_manager_office
        if unticked and Department.objects.filter(pk=self.pk, is_manager_office=True).exists():
            raise ValidationError(
                {"is_manager_office": _("The shop manager's office cannot be unticked: whatever stays "
                                        "unsolved must have somewhere to go.")}
            )


class Post(Bilingual):
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="posts", verbose_name=_("department")
    )
    title = models.CharField(_("title"), max_length=50, unique=True)
    title_en = models.CharField(_("English title"), max_length=80, blank=True)
    is_leader = models.BooleanField(_("leads the department"), default=False)
    head_count = models.PositiveSmallIntegerField(_("planned head count"), default=1)
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reports to"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    overdue_grace_minutes = models.PositiveIntegerField(
        _("grace for overdue tasks (working minutes)"),
        default=240,
        help_text=_("How long, in the working hours of the post's department, a task of this post may be overdue "
                    "before it can be escalated into a case (to the post's leader, then the shop manager)."),
    )
    escalate_overdue_tasks = models.BooleanField(
        _("escalate overdue tasks by themselves"),
        default=False,
        help_text=_("Ticked: a task of this post still open after its grace is escalated into a case "
                    "automatically. Unticked: someone escalates it with one click on the task page."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["department__order", "-is_leader", "order", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(is_leader=True),
                name="one_leader_post_per_department",
                violation_error_message=_("This department already has a leader post."),
            )
        ]

    def __str__(self):
        return self.localized("title")

    def get_absolute_url(self):
        return reverse("roles:post_detail", args=[self.pk])

    @property
    def is_manager_post(self):
        return self.is_leader and self.department.is_manager_office

    def clean(self):
        self._keep_the_manager_post()
        seen = {self.pk} if self.pk else set()
        boss = self.reports_to
        while boss is not None:
            if boss.pk in seen or boss is self:
                raise ValidationError(
                    {"reports_to": _("This would make a loop: %(post)s already reports to this post.")
                     % {"post": self.reports_to}}
                )
            seen.add(boss.pk)
            boss = boss.reports_to
        self._report_within_the_chart()

    def _keep_the_manager_post(self):
        """The shop manager's post is where every chain ends: it can be neither unticked nor moved away."""
        if not self.pk:
            return
        before = Post.objects.select_related("department").filter(pk=self.pk).first()
        if before is None or not before.is_manager_post:
            return
        if not self.is_leader or self.department_id != before.department_id:
            raise ValidationError(
                _("%(post)s is the shop manager's post: it must stay the leader of the shop manager's office, "
                  "or cases would have nowhere to end.") % {"post": before}
            )

    def _report_within_the_chart(self):
        """A member reports to a post of its own department; a leader to the shop manager's post."""
        if not (self.reports_to_id and self.department_id):
            return
        boss = self.reports_to
        if boss.department_id == self.department_id or boss.is_manager_post:
            return
        raise ValidationError(
            {"reports_to": _("%(boss)s belongs to %(department)s, another department: a post reports to a "
                             "post of its own department or to the shop manager.")
             % {"boss": boss, "department": boss.department}}
        )


class AssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))


class Assignment(models.Model):
    """A person holds a post from one day to another; one person may hold several posts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("person")
    )
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("post"))
    start = models.DateField(_("from"), default=timezone.localdate)
    end = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("The last day the person holds the post (they hold it all that day); empty while they hold it."),
    )
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["post", "start"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="assignment_ends_after_start",
                violation_error_message=_("An assignment cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{display_name(self.user)} · {self.post}"

    def clean(self):
        if self.pk is not None:
            held_by = Assignment.objects.filter(pk=self.pk).values_list("user_id", flat=True).first()
            if held_by is not None and held_by != self.user_id:
                raise ValidationError({"user": _(
                    "A saved assignment's person cannot change: the record would say the new person held the post "
                    "all along. Hand the post over instead (it ends this assignment and starts theirs).")})
        if not (self.user_id and self.post_id):
            return
        overlapping = Assignment.objects.filter(user_id=self.user_id, post_id=self.post_id).exclude(pk=self.pk)
        if self.end:
            overlapping = overlapping.filter(start__lte=self.end)
        overlapping = overlapping.filter(Q(end__isnull=True) | Q(end__gte=self.start))
        if overlapping.exists():
            raise ValidationError(_("This person already holds this post during these dates."))


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


class Difficulty(Bilingual):
    """A difficulty a post meets: when it applies, and whom to contact, in order, until it is solved."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="difficulties", verbose_name=_("post"))
    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    condition = models.TextField(_("condition"))
    condition_en = models.TextField(_("English condition"), blank=True)
    urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_("Ticked: its steps' deadlines count clock time, nights and holidays included, instead of "
                    "the working hours of the department the case is with."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["post", "order", "pk"]
        verbose_name = _("difficulty")
        verbose_name_plural = _("difficulties")
        constraints = [models.UniqueConstraint(fields=["post", "name"], name="difficulty_name_unique_per_post")]

    def __str__(self):
        return self.localized("name")

    @staticmethod
    def check_chain(departments):
        """Refuse a contact chain the playbook cannot follow; `departments` in step order."""
        if not departments:
            raise ValidationError(_("A difficulty needs at least one step; the last is the shop manager."))
        if not departments[-1].is_manager_office:
            raise ValidationError(_("The last step must be the shop manager: whatever stays unsolved goes there."))
        if any(d.is_manager_office for d in departments[:-1]):
            raise ValidationError(_("The shop manager can only be the last step."))
        if len({d.pk for d in departments}) != len(departments):
            raise ValidationError(_("A department can appear only once in a chain."))
        for department in departments:
            if not department.posts.filter(is_leader=True).exists():
                raise ValidationError(
                    _("%(department)s has no leader post, so nobody can be contacted there.")
                    % {"department": department}
                )


class Step(models.Model):
    """One rung of a contact chain: contact the leader of a department."""

    difficulty = models.ForeignKey(Difficulty, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contact the leader of"),
    )
    deadline_minutes = models.PositiveIntegerField(
        _("deadline (working minutes)"),
        default=240,
        validators=[MinValueValidator(1, _("A contact needs at least one working minute before the case moves on."))],
        help_text=_("Working time this contact has before the case moves on by itself (in the working hours of "
                    "the contact's department, or clock minutes for an urgent difficulty)."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["difficulty", "order"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=["difficulty", "order"], name="step_order_unique"),
            models.CheckConstraint(
                condition=Q(deadline_minutes__gte=1),
                name="step_deadline_positive",
                violation_error_message=_("A contact needs at least one working minute before the case moves on."),
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.department}"

    def clean(self):
        if self.department_id and not self.department.posts.filter(is_leader=True).exists():
            raise ValidationError(
                {"department": _("%(department)s has no leader post, so nobody can be contacted there.")
                 % {"department": self.department}}
            )
