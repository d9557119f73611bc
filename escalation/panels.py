"""What escalation shows on the shop manager's dashboard and in the navigation, from its own selectors."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from . import charts, selectors


def _cases(request, now):
    return selectors.dashboard(now)


def _statistics(request, now):
    stats = selectors.dashboard_statistics(now)
    stats["weekly_chart"] = charts.cases_per_week(stats["weekly"], stats["departments"], stats["weeks"])
    return {"stats": stats, "statistics_seconds": settings.DASHBOARD_STATISTICS_SECONDS}


def register():
    dashboard.register_panel(
        "cases", title=_("Cases waiting, overdue and nearly overdue"), template="escalation/_panel_cases.html",
        context=_cases, order=10,
    )
    dashboard.register_panel(
        "case_statistics", title=_("Case statistics and playbook health"),
        template="escalation/_panel_case_statistics.html", context=_statistics, order=60,
        version=selectors.statistics_version,
    )
    dashboard.register_badge(
        "cases", label=_("Cases"), url_name="escalation:case_list", query="box=mine",
        count=selectors.count_waiting_for, order=20,
    )
