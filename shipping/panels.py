"""What the shipping desk shows in the navigation and on the shop manager's dashboard, from its own selectors."""
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from . import selectors


def _panel(request, now):
    return selectors.dashboard_panel()


def _open_for_desk(user):
    return selectors.count_open_orders() if selectors.works_the_desk(user) else 0


def register():
    dashboard.register_panel("shipping", title=_("Shipping: orders waiting, flagged, problem parcels"),
                             template="shipping/_panel.html", context=_panel, order=35)
    dashboard.register_badge("shipping", label=_("Shipping desk"), url_name="shipping:desk", count=_open_for_desk,
                             order=45, visible=selectors.works_the_desk)
    dashboard.register_badge("problem_parcels", label=_("Problem parcels"), url_name="shipping:problem_parcels",
                             count=lambda user: selectors.count_open_problem_parcels(), order=46,
                             visible=lambda user: selectors.sees_problem_parcels(user)
                             and not selectors.works_the_desk(user))
