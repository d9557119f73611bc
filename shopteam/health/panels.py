"""The admins' line on the dashboard: the same checks as /healthz, in words."""
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from . import selectors


def _context(request, now):
    parts = selectors.check(now)
    return {"parts": parts, "healthy": selectors.healthy(parts)}


def _admins(user):
    return user.is_superuser


def register():
    dashboard.register_panel("health", title=_("Health"), template="health/_panel.html", context=_context,
                             order=1, visible=_admins)
