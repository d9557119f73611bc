"""Admin pieces every app shares."""
from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is written by the service that made the change, never edited or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
