"""Document 004's staffing rule in the admin: which posts do each kind of work, and each threshold (with
history)."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import StaffingRole, StaffingThreshold


class ThresholdInline(admin.TabularInline):
    model = StaffingThreshold
    extra = 0


@admin.register(StaffingRole)
class StaffingRoleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "order"]
    filter_horizontal = ["posts"]
    inlines = [ThresholdInline]

    def has_delete_permission(self, request, obj=None):
        return False  # the four kinds of work are the rule's; edit their posts and thresholds instead


@admin.register(StaffingThreshold)
class StaffingThresholdAdmin(SimpleHistoryAdmin):
    list_display = ["role", "orders_per_day", "extra"]
    list_filter = ["role"]
