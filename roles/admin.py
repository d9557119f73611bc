"""The org chart in the Django admin; every change keeps history (django-simple-history)."""
import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from shopteam.errors import ServiceError, show_errors
from shopteam.people import display_name

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


class AssignmentForm(forms.ModelForm):
    """A saved assignment's person is shown, not editable: moving someone is handing the post over."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and "user" in self.fields:
            self.fields["user"].disabled = True
            self.fields["user"].help_text = _("To give the post to someone else, hand it over (the link beside).")


def hand_over_link(assignment):
    if assignment.pk is None or (assignment.end is not None and assignment.end < timezone.localdate()):
        return "—"
    url = reverse("admin:roles_assignment_hand_over", args=[assignment.pk])
    return format_html('<a href="{}">{}</a>', url, _("Hand over to someone else…"))


class AssignmentInline(admin.TabularInline):
    model = Assignment
    form = AssignmentForm
    fields = ["user", "start", "end", "hand_over"]
    readonly_fields = ["hand_over"]
    autocomplete_fields = ["user"]
    extra = 0

    @admin.display(description=_("hand over"))
    def hand_over(self, assignment):
        return hand_over_link(assignment)


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


class HandOverForm(forms.Form):
    to = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
                                label=_("New holder"))
    on = forms.DateField(label=_("Their first day"), initial=timezone.localdate,
                         widget=forms.DateInput(attrs={"type": "date"}),
                         help_text=_("The new holder's first day; the current assignment ends the day before."))


@admin.register(Assignment)
class AssignmentAdmin(HoldersChangedMixin, SimpleHistoryAdmin):
    form = AssignmentForm
    list_display = ["user", "post", "start", "end", "hand_over"]
    list_filter = ["post__department", "post", "end"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "post__title"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "post"]
    date_hierarchy = "start"
    actions = ["hand_over_selected"]

    @admin.display(description=_("hand over"))
    def hand_over(self, assignment):
        return hand_over_link(assignment)

    @admin.action(description=_("Hand the post over to someone else"), permissions=["change"])
    def hand_over_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one assignment to hand over."), messages.WARNING)
            return None
        return redirect("admin:roles_assignment_hand_over", queryset.get().pk)

    def get_urls(self):
        view = self.admin_site.admin_view(self.hand_over_view)
        return [path("<int:pk>/hand-over/", view, name="roles_assignment_hand_over"), *super().get_urls()]

    def hand_over_view(self, request, pk):
        """End this assignment and start the new holder's, in one service call (roles.services.hand_post_over)."""
        assignment = get_object_or_404(Assignment.objects.select_related("user", "post"), pk=pk)
        if not (self.has_change_permission(request, assignment) and self.has_add_permission(request)):
            raise PermissionDenied
        form = HandOverForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                new = services.hand_post_over(assignment, to=form.cleaned_data["to"], on=form.cleaned_data["on"],
                                              by=request.user)
            except ServiceError as error:
                show_errors(form, error)
            else:
                self.message_user(request, _("%(post)s is handed over to %(new)s from %(on)s; %(old)s held it until "
                                             "%(last)s. Both were told.") % {
                    "post": new.post, "new": display_name(new.user), "on": new.start,
                    "old": display_name(assignment.user), "last": new.start - datetime.timedelta(days=1)})
                return redirect("admin:roles_post_change", new.post_id)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "assignment": assignment,
                   "form": form, "title": _("Hand %(post)s over") % {"post": assignment.post}}
        return TemplateResponse(request, "admin/roles/assignment/hand_over.html", context)
