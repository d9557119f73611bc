"""Admin pieces every app shares, and the admin's name: "Shopteam admin" in the interface's language."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
