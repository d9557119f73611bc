"""Attendance in the admin: the kinds' names and points are edited here (with history); records and corrections
are read-only, because they change only through the services (corrected or voided from the record's page), which
keep the rules and the old values."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from shopteam.admin import ReadOnlyAdmin

from .models import Correction, Kind, Record


@admin.register(Kind)
class KindAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "short", "counts_as", "points", "active", "order"]
    list_editable = ["points", "active", "order"]
    readonly_fields = ["code", "counts_as"]

    def has_add_permission(self, request):
        return False  # the next issue reads these three codes; document 002 has no other kind

    def has_delete_permission(self, request, obj=None):
        return False  # a kind with records must stay; untick "in use" instead


@admin.register(Record)
class RecordAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["day", "person", "kind", "points", "recorded_by", "recorded_at", "voided_at"]
    list_filter = ["kind", ("voided_at", admin.EmptyFieldListFilter)]
    search_fields = ["person__username", "person__first_name", "note"]
    date_hierarchy = "day"
    list_select_related = ["person", "kind", "recorded_by"]


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ["record", "by", "at", "old_kind", "new_kind", "old_day", "new_day", "reason"]
    list_select_related = ["record__kind", "by", "old_kind", "new_kind"]
