"""Admins see and correct every case; its events are history and read-only."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from shopteam.admin import ReadOnlyAdmin

from .models import Case, CaseEvent


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["at", "kind", "actor", "from_post", "to_post", "to_people", "working_minutes", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "title", "status", "department", "difficulty", "current_post", "deadline", "created_at"]
    list_filter = ["status", "department", "difficulty", "reached_manager", "with_admins"]
    search_fields = ["title", "description", "resolution", "reporter__username", "reporter__first_name"]
    list_select_related = ["department", "difficulty", "current_post"]
    date_hierarchy = "created_at"
    readonly_fields = ["reporter", "post", "department", "chain", "hop", "created_at", "resolved_at",
                       "resolved_step", "working_minutes", "reached_manager"]
    exclude = ["clock_minutes", "clock_started_at", "warned_hop", "breached_hop", "contacts"]
    raw_id_fields = ["handler", "current_post", "difficulty"]
    inlines = [CaseEventInline]

    def has_delete_permission(self, request, obj=None):
        return False  # nothing about a case is ever deleted


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "case", "kind", "actor", "from_post", "to_post", "working_minutes"]
    list_filter = ["kind"]
    search_fields = ["note", "case__title"]
    list_select_related = ["case", "actor", "from_post", "to_post"]
