"""The work board: tasks (owned by a person, or by a post and so by whoever holds it), their subtasks and history;
the periods of recurring duties that were missed; the daily stand-up and the morning digest's claims."""
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Task(models.Model):
    holders: list["User"]  # who owns a post's task today, set by selectors.attach_holders (never stored)

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        DUTY = "duty", _("Recurring duty")
        CASE = "case", _("Case")
        STOCK_ALERT = "stock_alert", _("Stock alert")
        NEW_PRODUCT = "new_product", _("New product")
        SUPPLIER_CYCLE = "supplier_cycle", _("Supplier cycle")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("Doing")
        DONE = "done", _("Done")

    OPEN = (Status.TODO, Status.DOING)
    # Most urgent first when sorting by priority.
    PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}
    TITLE_MAX = 200
    TEXT_MAX = 5000

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    detail = models.TextField(_("detail"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_tasks",
        verbose_name=_("owner"),
        help_text=_("A person; or leave empty and choose a post."),
    )
    post = models.ForeignKey(
        "roles.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("owner post"),
        help_text=_("Whoever holds the post owns the task, and it follows the post when its holders change."),
    )
    # The owner's department when the task was filed: who else sees it, its working calendar, the board filters.
    department = models.ForeignKey(
        "roles.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.TODO)
    due = models.DateTimeField(_("due"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    # With the source, makes filing idempotent: a second create_task with the same (source, key) returns the first.
    key = models.CharField(max_length=100, blank=True, editable=False)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("about")
    )
    subject_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    duty = models.ForeignKey(
        "roles.Duty",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("duty"),
    )
    period_key = models.CharField(_("period"), max_length=12, blank=True, help_text=_("e.g. 2026-11, 2026-W48"))
    period_start = models.DateField(_("period starts"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("Empty when Shopteam filed the task itself (see its source)."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    # Claim: set once when the task was escalated into a case, so two runs never raise it twice.
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # Kept by the subtask services, so a card shows "2/5" without counting rows.
    subtask_count = models.PositiveSmallIntegerField(default=0, editable=False)
    subtasks_done = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["owner", "status", "due"], name="task_owner_status_due"),
            models.Index(fields=["post", "status", "due"], name="task_post_status_due"),
            models.Index(fields=["department", "status", "due"], name="task_department_status_due"),
            models.Index(fields=["status", "due"], name="task_status_due"),
            models.Index(fields=["due"], name="task_due"),
            models.Index(fields=["done_at"], name="task_done_at"),
            models.Index(fields=["subject_type", "subject_id"], name="task_subject"),
            models.Index(fields=["-created_at", "-id"], name="task_newest_first"),
            models.Index(fields=["duty", "period_start"], name="task_duty_period_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False, post__isnull=True) | Q(owner__isnull=True, post__isnull=False),
                name="task_owned_by_a_person_or_a_post",
                violation_error_message=_("A task is owned by a person or by a post, not both and not neither."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["todo", "doing", "done"]), name="task_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=["low", "normal", "high", "urgent"]), name="task_priority_valid"
            ),
            models.CheckConstraint(condition=Q(subtasks_done__lte=F("subtask_count")), name="task_subtasks_counted"),
            models.UniqueConstraint(fields=["source", "key"], condition=~Q(key=""), name="task_source_key_unique"),
            models.UniqueConstraint(
                fields=["duty", "period_key"],
                condition=Q(duty__isnull=False) & ~Q(period_key=""),
                name="task_one_per_duty_period",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in self.OPEN

    def is_overdue(self, now=None):
        return self.is_open and self.due is not None and self.due < (now or timezone.now())


class LeadTime(models.Model):
    """How long Shopteam gives a task it files itself with no due date of its own (a new product's photos, a
    restock): the task is due this many working minutes after it is filed, in the working calendar of the
    department that owns it, so it becomes overdue and escalates like any other. Edited in the admin; an edit
    applies to the tasks filed after it."""

    source = models.CharField(_("source"), max_length=20, choices=Task.Source.choices)
    work = models.CharField(
        _("which tasks"), max_length=20, blank=True,
        help_text=_("One kind of the source's tasks (a new product's photos, listing, promotion, briefing); empty: "
                    "every task of the source without a row of its own."),
    )
    minutes = models.PositiveIntegerField(
        _("lead time (working minutes)"), validators=[MinValueValidator(1)],
        help_text=_("In the owning department's working time: an office day (09:00–12:00, 13:30–18:00) is 450 "
                    "minutes, a day of customer service's rota 750."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "work"]
        verbose_name = _("lead time")
        verbose_name_plural = _("lead times")
        constraints = [models.UniqueConstraint(fields=["source", "work"], name="one_lead_time_per_source_and_work")]

    def __str__(self):
        return f"{self.get_source_display()} · {self.work}" if self.work else str(self.get_source_display())


class Subtask(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="subtasks", verbose_name=_("task"))
    title = models.CharField(_("title"), max_length=Task.TITLE_MAX)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("done by"),
    )

    class Meta:
        ordering = ["task", "order", "pk"]
        verbose_name = _("subtask")
        verbose_name_plural = _("subtasks")

    def __str__(self):
        return self.title


class TaskEvent(models.Model):
    """One thing that happened to a task after it was filed: who, when, what. Never updated, never deleted."""

    class Kind(models.TextChoices):
        COMMENTED = "commented", _("Comment")
        STATUS = "status", _("Status changed")
        EDITED = "edited", _("Edited")
        SUBTASK_ADDED = "subtask_added", _("Subtask added")
        SUBTASK_DONE = "subtask_done", _("Subtask ticked")
        SUBTASK_UNDONE = "subtask_undone", _("Subtask unticked")
        COMPLETED = "completed", _("Completed automatically")
        ESCALATED = "escalated", _("Escalated")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events", verbose_name=_("task"))
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
        help_text=_("Empty when Shopteam itself acted."),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    field = models.CharField(_("field"), max_length=20, blank=True)
    old = models.CharField(_("before"), max_length=300, blank=True)
    new = models.CharField(_("after"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("task event")
        verbose_name_plural = _("task events")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.task_id}"


class DutyPeriodMissed(models.Model):
    """A period of a recurring duty whose task was never filed (the job was not running then). The job files
    only the current period, so a long outage leaves a list of what was missed rather than a flood of tasks."""

    duty = models.ForeignKey(
        "roles.Duty", on_delete=models.CASCADE, related_name="missed_periods", verbose_name=_("duty")
    )
    period_key = models.CharField(_("period"), max_length=12)
    period_start = models.DateField(_("period starts"))
    due = models.DateTimeField(_("was due"))
    recorded_at = models.DateTimeField(_("noticed at"), default=timezone.now)

    class Meta:
        ordering = ["-period_start", "pk"]
        verbose_name = _("missed duty period")
        verbose_name_plural = _("missed duty periods")
        constraints = [
            models.UniqueConstraint(fields=["duty", "period_key"], name="missed_period_once"),
        ]

    def __str__(self):
        return f"{self.duty} · {self.period_key}"


class Standup(models.Model):
    """One person's daily stand-up (document 001): yesterday's progress, today's plan and what blocks them."""

    TEXT_MAX = 2000

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="standups", verbose_name=_("person")
    )
    date = models.DateField(_("date"))
    yesterday = models.TextField(_("yesterday's progress"), blank=True)
    today = models.TextField(_("today's plan"), blank=True)
    blockers = models.TextField(_("blockers"), blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "person"]
        verbose_name = _("stand-up")
        verbose_name_plural = _("stand-ups")
        constraints = [models.UniqueConstraint(fields=["person", "date"], name="one_standup_per_person_per_day")]

    def __str__(self):
        return f"{self.person} · {self.date}"

    def get_absolute_url(self):
        return reverse("tasks:standup_detail", args=[self.pk])


class DigestSent(models.Model):
    """Claim for the morning digest: created before the notification, so a person gets at most one a day."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("morning digest sent")
        verbose_name_plural = _("morning digests sent")
        constraints = [models.UniqueConstraint(fields=["person", "date"], name="one_digest_per_person_per_day")]

    def __str__(self):
        return f"{self.person} · {self.date}"
