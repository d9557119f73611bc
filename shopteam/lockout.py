"""Sign-in lockouts (django-axes) in the shop's words: the page shown when a username is locked after too many
failed sign-ins (AXES_LOCKOUT_CALLABLE) — the site's layout, in the visitor's language, saying for how long
(AXES_COOLOFF_TIME) and what to do — and the app's name in the admin, where an admin lifts a lock."""
from axes.apps import AppConfig
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy, ngettext


class AxesConfig(AppConfig):
    verbose_name = gettext_lazy("Sign-in lockouts")


def locked_out(request, original_response=None, credentials=None):
    from axes.helpers import get_cool_off, get_failure_limit  # imports axes' models: not while apps load

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off": duration(cool_off) if cool_off else "",
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def duration(delta):
    """A lockout's length as people say it: "30 minutes", "1 hour 30 minutes", "1 day"."""
    minutes = round(delta.total_seconds() / 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes or not parts:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    return " ".join(parts)
