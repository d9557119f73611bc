"""The playbook: the difficulties a post meets and the contact chain of each, with the invariants that keep it
callable."""
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .org import Bilingual, Department, Post


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
