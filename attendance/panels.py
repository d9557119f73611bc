"""What attendance shows in the navigation and on the dashboard, from its own selectors."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from . import rules, selectors


def _this_month(request, now):
    return {"month": selectors.group_this_month(request.user, timezone.localdate(now))}


def _member_only(user):
    return user.is_authenticated and not rules.keeps_attendance(user)


def register():
    dashboard.register_panel("attendance", title=_("Attendance this month"), template="attendance/_panel.html",
                             context=_this_month, order=60)
    # Leaders and the shop manager go to their group's month sheet; everyone else to their own month.
    dashboard.register_badge("attendance_sheet", label=_("Attendance"), url_name="attendance:sheet", order=60,
                             visible=rules.keeps_attendance)
    dashboard.register_badge("attendance_mine", label=_("My attendance"), url_name="attendance:mine", order=60,
                             visible=_member_only)
