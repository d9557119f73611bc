"""What finance shows in the navigation and on the shop manager's dashboard, from its own selectors."""
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from . import rules


def register():
    # A plain link (no count): finance and the shop manager keep the books here.
    dashboard.register_badge("finance", label=_("Finance"), url_name="finance:home", order=40,
                             visible=rules.keeps_the_books)
