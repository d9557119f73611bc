"""What tasks shows in the navigation, on everyone's start page and on the shop manager's dashboard."""
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from . import selectors


def _panel(request, now):
    return selectors.dashboard_panel(now)


def register():
    dashboard.register_panel("tasks", title=_("Tasks: overdue, done on time, missed duties"),
                             template="tasks/_panel.html", context=_panel, order=30)
    dashboard.register_home("tasks:mine", order=10)
    dashboard.register_badge("tasks", label=_("My tasks"), url_name="tasks:mine", count=selectors.count_open_for,
                             order=10)
    dashboard.register_badge("task_board", label=_("Task board"), url_name="tasks:board", order=11)
    dashboard.register_badge("standup", label=_("Stand-up"), url_name="tasks:standup", order=12)
