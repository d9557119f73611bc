"""My notifications: the list, following one (which marks it read), and marking them all read."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shopteam.decorators import post_only

from . import selectors, services
from .models import Notification

PAGE_SIZE = 20


def notification_list(request):
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def open_notification(request, pk):
    # Someone else's notification is a 404, not a 403: its existence is nobody else's business.
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(notification, by=request.user)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@post_only("notifications:list")
def mark_all_read(request):
    count = services.mark_all_read(by=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")
