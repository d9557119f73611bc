"""The working calendar's warning on the shop manager's dashboard, for the admins among its readers."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from .selectors import calendar_warning


def register():
    dashboard.register_panel(
        "calendar_warning", title=_("Working calendar"), template="workcalendar/_panel_warning.html",
        context=lambda request, now: {"warning": calendar_warning(timezone.localdate(now))}, order=0,
        visible=lambda user: user.is_staff,
    )
