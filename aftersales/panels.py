"""What the after-sales desk shows in the navigation, from its own rules and selectors."""
from django.utils.translation import gettext_lazy as _

from roles import selectors as roles
from shopteam import dashboard

from . import rules, selectors


def _finance_only(user):
    """Finance's own link to the returns handed to it (the desk's people reach returns from the desk)."""
    return roles.holds_in(user, "finance") and not rules.works_desk(user)


def register():
    dashboard.register_badge("aftersales", label=_("After-sales"), url_name="aftersales:desk",
                             count=lambda user: selectors.count_waiting(), order=50, visible=rules.works_desk)
    dashboard.register_badge("aftersales_returns", label=_("Returns"), url_name="aftersales:returns", order=51,
                             visible=_finance_only)
