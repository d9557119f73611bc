"""The bell in the navigation bar: how many notifications the signed-in person has not read, and how long ago
each one came."""
from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    # One query per page even if the layout shows the bell twice.
    if request is not None:
        if not hasattr(request, "_unread_notification_count"):
            request._unread_notification_count = selectors.unread_count(user)
        return request._unread_notification_count
    return selectors.unread_count(user)


@register.filter
def ago(moment):
    """"just now" under a minute (timesince alone says "0 minutes"), otherwise "5 minutes ago"."""
    if timezone.now() - moment < timedelta(minutes=1):
        return _("just now")
    return _("%(ago)s ago") % {"ago": timesince(moment)}
