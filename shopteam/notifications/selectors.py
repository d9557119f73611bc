"""Reading notifications: a person's list and their unread count."""
from .models import Notification


def notifications_of(user):
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
