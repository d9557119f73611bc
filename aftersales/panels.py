"""What the after-sales desk shows in the navigation, from its own rules and selectors."""
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from . import rules, selectors


def _waiting(user):
    counts = selectors.desk_counts()
    return counts["complaints"] + counts["reviews"]


def register():
    dashboard.register_badge("aftersales", label=_("After-sales"), url_name="aftersales:desk", count=_waiting,
                             order=50, visible=rules.works_desk)
    dashboard.register_badge("aftersales_returns", label=_("Returns"), url_name="aftersales:returns", order=51,
                             visible=lambda user: rules.sees_returns(user) and not rules.works_desk(user))
