"""Admins see every case and its history, read-only: a case changes only through its services, so the
admin's corrections are actions that call them (send again, move on), each leaving an event."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shopteam.admin import ReadOnlyAdmin, ReadOnlyInline
from shopteam.errors import ServiceError

from . import services
from .models import Case, CaseEvent


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "kind", "actor", "from_post", "to_post", "to_people", "working_minutes", "note"]
    ordering = ["at", "pk"]


def _correct(modeladmin, request, queryset, service, done):
    changed = 0
    for case in queryset.order_by("pk"):
        try:
            service(case, by=request.user)
        except ServiceError as error:
            for message in error.messages:
                modeladmin.message_user(request, f"#{case.pk}: {message}", messages.ERROR)
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, done(changed), messages.SUCCESS)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["pk", "title", "status", "department", "difficulty", "current_post", "deadline", "created_at"]
    list_filter = ["status", "department", "difficulty", "reached_manager", "with_admins", "urgent"]
    search_fields = ["title", "description", "resolution", "reporter__username", "reporter__first_name", "source"]
    list_select_related = ["department", "difficulty", "current_post"]
    date_hierarchy = "created_at"
    exclude = ["clock_minutes", "clock_started_at", "warned_hop", "breached_hop", "contacts", "subject_type",
               "subject_id"]
    inlines = [CaseEventInline]
    actions = ["send_again", "move_on"]

    def get_actions(self, request):
        # The corrections call services that write history; they need the right to change cases.
        if not request.user.has_perm("escalation.change_case"):
            return {}
        return super().get_actions(request)

    @admin.action(description=_("Send again to its current step (after assigning someone to a vacant post)"))
    def send_again(self, request, queryset):
        _correct(self, request, queryset, services.send_again, lambda n: ngettext(
            "%(count)d case was sent again.", "%(count)d cases were sent again.", n) % {"count": n})

    @admin.action(description=_("Move on to the next step now"))
    def move_on(self, request, queryset):
        _correct(self, request, queryset, services.move_on_by_admin, lambda n: ngettext(
            "%(count)d case moved on.", "%(count)d cases moved on.", n) % {"count": n})


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "case", "kind", "actor", "from_post", "to_post", "working_minutes"]
    list_filter = ["kind"]
    search_fields = ["note", "case__title"]
    list_select_related = ["case", "actor", "from_post", "to_post"]
