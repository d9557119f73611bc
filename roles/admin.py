"""The org chart in the Django admin; every change keeps history (django-simple-history)."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import selectors, services
from .models import Assignment, Department, Difficulty, Duty, Post, Step


class PostInline(admin.TabularInline):
    model = Post
    fields = ["title", "title_en", "is_leader", "head_count", "reports_to", "order"]
    extra = 0
    show_change_link = True


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "code", "is_manager_office", "work_schedule", "order"]
    list_filter = ["is_manager_office", "work_schedule"]
    search_fields = ["name", "name_en", "code"]
    prepopulated_fields = {"code": ["name_en"]}
    inlines = [PostInline]


def describe_recurrence(duty):
    """How a duty repeats, in a sentence, for the admin's lists."""
    if not duty.recurrence:
        return _("Does not repeat")
    when = {
        Duty.Recurrence.DAILY: _("Every working day"),
        Duty.Recurrence.WEEKLY: _("Weekly on %(weekday)s") % {"weekday": duty.get_recurrence_weekday_display()},
        Duty.Recurrence.MONTHLY: _("Monthly on day %(day)s") % {"day": duty.recurrence_day},
        Duty.Recurrence.QUARTERLY: _("Quarterly on day %(day)s of month %(month)s of the quarter")
        % {"day": duty.recurrence_day, "month": duty.recurrence_month},
        Duty.Recurrence.YEARLY: _("Yearly on %(month)s/%(day)s") % {"month": duty.recurrence_month,
                                                                      "day": duty.recurrence_day},
    }[duty.recurrence]
    parts = [str(when)]
    if duty.due_time:
        parts.append(_("due at %(time)s") % {"time": duty.due_time.strftime("%H:%M")})
    if duty.lead_days:
        parts.append(_("filed %(days)s days before") % {"days": duty.lead_days})
    return ", ".join(parts)


class DutyInline(admin.TabularInline):
    model = Duty
    fields = ["kind", "text", "text_en", "order", "repeats"]
    readonly_fields = ["repeats"]
    extra = 0
    show_change_link = True

    @admin.display(description=_("repeats"))
    def repeats(self, duty):
        return describe_recurrence(duty) if duty.pk else "—"


class DifficultyInline(admin.StackedInline):
    model = Difficulty
    fields = ["code", "name", "name_en", "condition", "condition_en", "urgent", "order"]
    extra = 0
    show_change_link = True


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ["user", "start", "end"]
    autocomplete_fields = ["user"]
    extra = 0


class HoldersChangedMixin:
    """Who holds a post decides the department groups they belong to and where open work goes: bring them in
    step after a save, and warn when a post now has more holders than planned."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.record_holders_changed()
        for post in selectors.overstaffed_posts():
            self.message_user(
                request,
                _("%(post)s is held by %(holders)s people today, more than its planned head count of %(planned)s.")
                % {"post": post, "holders": post.holder_count, "planned": post.head_count},
                messages.WARNING,
            )

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.record_holders_changed()


@admin.register(Post)
class PostAdmin(HoldersChangedMixin, SimpleHistoryAdmin):
    list_display = ["title", "title_en", "department", "is_leader", "head_count", "reports_to",
                    "escalate_overdue_tasks"]
    list_filter = ["department", "is_leader", "escalate_overdue_tasks"]
    search_fields = ["title", "title_en", "department__name"]
    list_select_related = ["department", "reports_to"]
    inlines = [AssignmentInline, DutyInline, DifficultyInline]

    def has_delete_permission(self, request, obj=None):
        # Every contact chain ends at the shop manager's post: it is never deleted.
        if obj is not None and obj.is_manager_post:
            return False
        return super().has_delete_permission(request, obj)


class ChainFormSet(forms.BaseInlineFormSet):
    """A difficulty's steps, refused unless they form a chain the playbook can follow."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE", False)
        ]
        kept.sort(key=lambda data: data["order"])
        orders = [data["order"] for data in kept]
        if len(set(orders)) != len(orders):
            raise ValidationError(_("Two steps have the same order."))
        try:
            Difficulty.check_chain([data["department"] for data in kept])
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class StepInline(admin.TabularInline):
    model = Step
    formset = ChainFormSet
    fields = ["order", "department", "deadline_minutes"]
    extra = 0
    min_num = 1


@admin.register(Difficulty)
class DifficultyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "post", "urgent", "code"]
    list_filter = ["post__department", "post", "urgent"]
    search_fields = ["name", "name_en", "condition", "code"]
    list_select_related = ["post"]
    inlines = [StepInline]


@admin.register(Duty)
class DutyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "post", "kind", "order", "repeats"]
    list_filter = ["recurrence", "kind", "post__department", "post"]
    search_fields = ["text", "text_en", "task_title"]
    list_select_related = ["post"]
    fieldsets = [
        (None, {"fields": ["post", "kind", "text", "text_en", "order"]}),
        (_("Repeats"), {
            "fields": ["recurrence", "recurrence_weekday", "recurrence_day", "recurrence_month", "due_time",
                       "lead_days", "task_title"],
            "description": _("A repeating duty files a task for its post each period, once; the tasks follow the "
                             "post's holders. Working days come from the working calendar of the post's "
                             "department."),
        }),
    ]

    @admin.display(description=_("repeats"))
    def repeats(self, duty):
        return describe_recurrence(duty)


@admin.register(Assignment)
class AssignmentAdmin(HoldersChangedMixin, SimpleHistoryAdmin):
    list_display = ["user", "post", "start", "end"]
    list_filter = ["post__department", "post", "end"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "post__title"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "post"]
    date_hierarchy = "start"
