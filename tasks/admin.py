"""Admins read tasks, stand-ups and missed duty periods here; a task changes only through its services (its page), so
every change keeps its history. How duties repeat and when overdue tasks escalate is set on duties and posts."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from shopteam.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import DutyPeriodMissed, LeadTime, Standup, Subtask, Task, TaskEvent


class SubtaskInline(ReadOnlyInline):
    model = Subtask
    fields = ["order", "title", "done", "done_at", "done_by"]


class TaskEventInline(ReadOnlyInline):
    model = TaskEvent
    fields = ["at", "kind", "actor", "field", "old", "new", "note"]
    ordering = ["at", "pk"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "priority", "owner", "post", "department", "due", "source", "created_at"]
    list_filter = ["status", "priority", "source", "department"]
    search_fields = ["title", "detail", "owner__username", "owner__first_name", "post__title", "key"]
    list_select_related = ["owner", "post", "department"]
    date_hierarchy = "created_at"
    exclude = ["subject_type", "subject_id"]
    inlines = [SubtaskInline, TaskEventInline]


@admin.register(DutyPeriodMissed)
class DutyPeriodMissedAdmin(ReadOnlyAdmin):
    list_display = ["duty", "period_key", "due", "recorded_at"]
    list_filter = ["duty__post__department"]
    list_select_related = ["duty"]
    date_hierarchy = "period_start"


@admin.register(Standup)
class StandupAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["date", "person", "has_blockers", "updated_at"]
    list_filter = ["date"]
    search_fields = ["person__username", "person__first_name", "yesterday", "today", "blockers"]
    list_select_related = ["person"]
    date_hierarchy = "date"

    @admin.display(boolean=True, description=_("blockers"))
    def has_blockers(self, standup):
        return bool(standup.blockers)


@admin.register(LeadTime)
class LeadTimeAdmin(SimpleHistoryAdmin):
    """How long Shopteam gives the tasks it files itself; a change applies to the next task filed."""

    list_display = ["source", "work", "minutes"]
    list_editable = ["minutes"]
    list_filter = ["source"]
