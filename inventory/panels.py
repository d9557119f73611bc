"""What stock shows in the navigation and on the shop manager's dashboard, from its own selectors."""
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard


def register():
    dashboard.register_badge("stock", label=_("Stock"), url_name="inventory:product_list", order=40)
