"""Admin pieces every app shares, the admin's name ("Shopteam admin" in the interface's language), and the
periodic jobs listed by their names in that language."""
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import flatten
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask
from simple_history.admin import SimpleHistoryAdmin

admin.site.site_header = _("Shopteam admin")
admin.site.site_title = _("Shopteam admin")


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is written by the service that made the change, never edited or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OneRowSettingsAdmin(SimpleHistoryAdmin):
    """An app's settings row (shopteam.models.OneRowSettings): added once, edited with history, never deleted."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """A record's lines or history shown on its page as its services wrote them: every field read-only, nothing
    added, changed or deleted here. A subclass names its `model` and its `fields`."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return flatten(self.fields or ())

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class JobAdmin(PeriodicTaskAdmin):
    """A job's name stays the English key `install_schedules` finds it by; the list shows it translated."""
    list_display = tuple("job" if field == "name" else field for field in PeriodicTaskAdmin.list_display)

    @admin.display(description=_("name"), ordering="name")
    def job(self, obj):
        return gettext(obj.name)


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, JobAdmin)
