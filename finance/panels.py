"""What finance shows in the navigation and on the shop manager's dashboard, from its own selectors."""
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from . import rules


def _marketing_only(user):
    return not rules.keeps_the_books(user) and rules.is_marketing(user)


def register():
    # A plain link (no count): finance and the shop manager keep the books here.
    dashboard.register_badge("finance", label=_("Finance"), url_name="finance:home", order=40,
                             visible=rules.keeps_the_books)
    # Marketing's way in: its own promotion requests and this month's budget.
    dashboard.register_badge("promotions", label=_("Promotion requests"), url_name="finance:promotion_list",
                             order=41, visible=_marketing_only)
