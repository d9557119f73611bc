"""Group robots are set up here; deliveries and notifications are read-only history."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from shopteam.admin import ReadOnlyAdmin

from . import services
from .models import Delivery, Notification, WebhookChannel


@admin.register(WebhookChannel)
class WebhookChannelAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "active", "events", "updated_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "events"]
    fields = ["name", "kind", "url", "secret", "events", "active"]
    actions = ["send_test_message"]

    @admin.action(description=_("Send a test message"))
    def send_test_message(self, request, queryset):
        for channel in queryset:
            try:
                services.send_test_message(channel, by=request.user)
            except services.DeliveryFailed as exc:
                self.message_user(
                    request,
                    _("%(channel)s: the test message failed: %(error)s") % {"channel": channel, "error": exc},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request, _("%(channel)s: the test message was sent.") % {"channel": channel}
                )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "status", "subject", "recipient", "channel", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel", "event"]
    search_fields = ["subject", "text", "address", "recipient__username", "last_error", "event"]
    list_select_related = ["recipient", "channel"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "title", "event", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter), "event"]
    search_fields = ["title", "body", "recipient__username", "recipient__first_name", "event"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
