"""Finance in the admin: categories and yearly fixed costs are edited here (with history); entries and the
months' books are read-only, because they change only through the services (an entry is reversed, a month
closed, from the finance pages), which keep the rules and the history."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from shopteam.admin import OneRowSettingsAdmin, ReadOnlyAdmin

from .models import Category, ClosedMonth, FinanceSettings, FixedCost, LedgerEntry, MonthlyTarget, PromotionRequest


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "kind", "group", "active", "order"]
    list_filter = ["kind", "group", "active"]
    list_editable = ["active", "order"]
    search_fields = ["name", "name_en", "code"]

    def has_delete_permission(self, request, obj=None):
        return False  # a category with entries must stay; untick "in use" instead


@admin.register(FixedCost)
class FixedCostAdmin(SimpleHistoryAdmin):
    list_display = ["name", "category", "yearly_amount", "active", "note"]
    list_filter = ["active", "category"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["date", "category", "direction", "amount", "counterparty", "reference", "source", "recorded_by",
                    "is_reversed"]
    list_filter = ["source", "direction", "category", "is_reversed"]
    search_fields = ["counterparty", "reference", "note"]
    date_hierarchy = "date"
    list_select_related = ["category", "recorded_by"]


@admin.register(ClosedMonth)
class ClosedMonthAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["month", "closed", "changed_by", "changed_at", "note"]


@admin.register(FinanceSettings)
class FinanceSettingsAdmin(OneRowSettingsAdmin):
    """One row: the promotion approval limit and marketing's monthly budget."""

    list_display = ["__str__", "promotion_approval_limit", "monthly_promotion_budget"]


@admin.register(MonthlyTarget)
class MonthlyTargetAdmin(SimpleHistoryAdmin):
    list_display = ["month", "sales_target", "set_by", "set_at"]
    readonly_fields = ["set_by"]

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PromotionRequest)
class PromotionRequestAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["pk", "channel", "amount", "approved_amount", "requested_by", "start", "end", "status",
                    "decided_by"]
    list_filter = ["status", "channel"]
    list_select_related = ["channel", "requested_by", "decided_by"]
