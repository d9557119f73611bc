"""The working calendar in the Django admin; every change keeps history (django-simple-history)."""
from django.contrib import admin, messages
from django.db.models import F, Func, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import CalendarDay, CalendarYear, Weekday, WorkingPeriod, WorkSchedule


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    fields = ["weekday", "start", "end"]
    ordering = ["weekday", "start"]
    extra = 0


@admin.register(WorkSchedule)
class WorkScheduleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "observes_public_holidays", "is_default"]
    list_filter = ["observes_public_holidays"]
    search_fields = ["name", "name_en", "code"]
    inlines = [WorkingPeriodInline]


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["schedule", "weekday", "start", "end"]
    list_filter = ["schedule", "weekday"]
    list_select_related = ["schedule"]
    ordering = ["schedule", "weekday", "start"]


def _count_days(kind):
    days = CalendarDay.objects.filter(date__year=OuterRef("year"), kind=kind).order_by()
    return Subquery(days.annotate(count=Func(F("pk"), function="COUNT")).values("count"))


def _mark_complete(modeladmin, request, years, complete):
    changed = services.mark_years_complete(years, complete=complete)
    modeladmin.message_user(
        request,
        ngettext("%(count)d year changed.", "%(count)d years changed.", changed) % {"count": changed},
        messages.SUCCESS,
    )


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
    actions = ["mark_years_complete"]

    @admin.display(description=_("weekday"))
    def weekday(self, day):
        return Weekday(day.date.weekday()).label

    @admin.action(description=_("Mark the years of the selected days complete"))
    def mark_years_complete(self, request, queryset):
        _mark_complete(self, request, {day.year for day in queryset.dates("date", "year")}, True)


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "complete", "source", "holidays", "makeup_workdays", "note"]
    list_filter = ["complete", "source"]
    search_fields = ["year", "note"]
    actions = ["mark_complete", "mark_incomplete"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                holiday_count=_count_days(CalendarDay.Kind.HOLIDAY),
                makeup_count=_count_days(CalendarDay.Kind.WORKDAY),
            )
        )

    @admin.display(description=_("public holidays entered"), ordering="holiday_count")
    def holidays(self, row):
        return row.holiday_count or 0

    @admin.display(description=_("make-up workdays entered"), ordering="makeup_count")
    def makeup_workdays(self, row):
        return row.makeup_count or 0

    @admin.action(description=_("Mark the selected years complete (every holiday entered)"))
    def mark_complete(self, request, queryset):
        _mark_complete(self, request, queryset.values_list("year", flat=True), True)

    @admin.action(description=_("Mark the selected years not complete"))
    def mark_incomplete(self, request, queryset):
        _mark_complete(self, request, queryset.values_list("year", flat=True), False)
