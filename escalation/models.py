"""Cases: difficulties that happened, travelling the playbook's contact chain; and their history."""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from roles.models import Difficulty, Post


class Case(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to be accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        NEEDS_INFO = "needs_info", _("Waiting for the reporter")
        RESOLVED = "resolved", _("Resolved")

    OPEN = (Status.WAITING, Status.IN_PROGRESS, Status.NEEDS_INFO)
    DESCRIPTION_MAX = 5000
    TEXT_MAX = 5000  # a comment, a question, an answer, a reason, a resolution

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_cases",
        verbose_name=_("reporter"),
        help_text=_("Empty when Shopteam raised the case itself (see its source)."),
    )
    source = models.CharField(
        _("raised by Shopteam for"),
        max_length=40,
        blank=True,
        help_text=_("What raised a case that no person reported, e.g. tasks.overdue, inventory.stocktake."),
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("raised by the post"),
    )
    # What the case is about (a stocktake, a supplier report, a task): any object, linked both ways.
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("about")
    )
    subject_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    # One submitted form, or one system event, makes at most one case.
    key = models.CharField(max_length=100, blank=True, editable=False)
    urgent = models.BooleanField(
        _("urgent"), default=False, help_text=_("Deadlines count clock time instead of working hours.")
    )
    difficulty = models.ForeignKey(
        Difficulty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("difficulty"),
        help_text=_("Empty for a free-form case, which goes to the reporter's leader, then the shop manager."),
    )
    # The department of the raising post, kept so the dashboard groups without a join through posts.
    department = models.ForeignKey(
        "roles.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("what happened"))
    # The contact chain as it stood when the case was raised: [{"post": id, "minutes": working minutes}].
    chain = models.JSONField(_("contact chain"), default=list)
    step = models.PositiveSmallIntegerField(_("step"), default=0, help_text=_("Index into the chain."))
    current_post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("with the post")
    )
    with_admins = models.BooleanField(
        _("with the admins"), default=False, help_text=_("Every contact, the shop manager included, was vacant.")
    )
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cases_to_handle", verbose_name=_("current contacts")
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_cases",
        verbose_name=_("accepted by"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.WAITING)
    hop = models.PositiveIntegerField(
        _("hop"), default=0, help_text=_("Grows at every move; a decision about an older hop is refused.")
    )
    # The step's clock: working minutes used before the last pause, and when it last started running.
    clock_minutes = models.PositiveIntegerField(default=0)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    # Claims: the hop for which the pre-deadline warning, and the breach, were already handled.
    warned_hop = models.PositiveIntegerField(null=True, blank=True)
    breached_hop = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_step = models.PositiveSmallIntegerField(_("resolved at step"), null=True, blank=True)
    reached_manager = models.BooleanField(_("reached the shop manager"), default=False)
    working_minutes = models.PositiveIntegerField(
        _("working minutes to resolve"), null=True, blank=True, help_text=_("Excludes time waiting for the reporter.")
    )
    history = HistoricalRecords(excluded_fields=["clock_minutes", "clock_started_at", "warned_hop", "breached_hop"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # Chosen with tests/bench/escalation.py on 50,000 cases: open deadlines for the deadline job and
            # the overdue figures, a covering index for the month/week/health aggregates, resolved times.
            models.Index(
                fields=["deadline"],
                condition=Q(status__in=["waiting", "in_progress", "needs_info"]),
                name="case_open_deadline",
            ),
            models.Index(
                fields=["created_at"],
                include=["department", "difficulty", "status", "reached_manager", "resolved_step"],
                name="case_created_cover",
            ),
            models.Index(
                fields=["resolved_at"],
                include=["working_minutes"],
                condition=Q(status="resolved"),
                name="case_resolved_at",
            ),
            models.Index(fields=["-created_at", "-id"], name="case_newest_first"),
            models.Index(fields=["status", "current_post"], name="case_status_post"),
            models.Index(fields=["difficulty", "created_at"], name="case_difficulty_created"),
            models.Index(fields=["department", "created_at"], name="case_department_created"),
            models.Index(fields=["subject_type", "subject_id"], name="case_subject"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="case_key_unique"),
            models.CheckConstraint(
                condition=Q(reporter__isnull=False) | ~Q(source=""), name="case_has_a_reporter_or_a_source"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self):
        return reverse("escalation:case_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in self.OPEN

    @property
    def step_minutes(self):
        return self.chain[self.step]["minutes"] if self.step < len(self.chain) else None

    @property
    def at_last_step(self):
        return self.step >= len(self.chain) - 1


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Who may see a case, by a real foreign key: guardian's generic rows compare a text object_pk, which no
    index serves, so a member's case list grew with every case in the shop."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseEvent(models.Model):
    """One thing that happened to a case. Never updated, never deleted."""

    class Kind(models.TextChoices):
        RAISED = "raised", _("Raised")
        ROUTED = "routed", _("Sent to")
        SKIPPED_VACANT = "skipped_vacant", _("Skipped a vacant post")
        SKIPPED = "skipped", _("Skipped a step")
        HOLDERS_CHANGED = "holders_changed", _("Went to the post's new holders")
        TO_ADMINS = "to_admins", _("Sent to the admins")
        ACCEPTED = "accepted", _("Accepted")
        COMMENTED = "commented", _("Comment")
        INFO_REQUESTED = "info_requested", _("Asked the reporter for more")
        INFO_GIVEN = "info_given", _("Reporter answered")
        PASSED_ON = "passed_on", _("Passed on")
        WARNED = "warned", _("Deadline warning")
        DEADLINE_PASSED = "deadline_passed", _("Deadline passed")
        RESOLVED = "resolved", _("Resolved")
        REOPENED = "reopened", _("Reopened")
        CORRECTED = "corrected", _("Corrected by an admin")
        POST_VACATED = "post_vacated", _("The post fell vacant")

    # Events that close a step: they carry the step's index and the working time spent at it.
    STEP_ENDS = (Kind.PASSED_ON, Kind.DEADLINE_PASSED, Kind.RESOLVED, Kind.CORRECTED, Kind.POST_VACATED)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
        help_text=_("Empty when Shopteam itself acted (a deadline)."),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    from_post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from post")
    )
    to_post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("to post")
    )
    to_people = models.CharField(_("to whom"), max_length=300, blank=True)
    step = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    working_minutes = models.PositiveIntegerField(_("working minutes at the step"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["kind", "step"], name="caseevent_kind_step")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.case_id}"
