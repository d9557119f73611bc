"""The org chart: departments, their posts, and who holds which post from one day to another."""
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shopteam.people import display_name


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
    # The group's Difficulty rows, set by selectors.post_page (never stored; playbook.py imports this module).
    group_difficulties: list[models.Model]

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
    # Read by simple_history at save (not a field): who made the change.
    _history_user: User | None

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
