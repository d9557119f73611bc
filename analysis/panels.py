"""What analysis shows on the dashboard and in the navigation, from its own selectors."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from . import rules, selectors


def _staffing(request, now):
    return {"report": selectors.staffing_advice(timezone.localdate(now))}


def register():
    dashboard.register_panel(
        "staffing", title=_("Staffing by daily orders"), template="analysis/_panel_staffing.html",
        context=_staffing, order=60, visible=rules.sees_figures,
    )
    dashboard.register_badge("analysis", label=_("Analysis"), url_name="analysis:figures", order=45,
                             visible=rules.sees_figures)
