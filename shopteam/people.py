"""How a person and a moment are written in every message and export: one helper each, not one expression per
place."""
from django.utils import timezone


def display_name(user):
    """A person's full name, or their username when they have none; empty for nobody (the system)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def moment_text(moment):
    """A moment as the shop reads it in a message: "2026-11-24 14:30" in local time, or "—" for none."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"
