"""What stock shows in the navigation and on the shop manager's dashboard, from its own selectors."""
from django.utils.translation import gettext_lazy as _

from shopteam import dashboard

from . import selectors


def _stock(request, now):
    from .models import DriftCheck, TaobaoImport

    return {
        "alerts": list(selectors.open_alerts()[:8]),
        "alert_count": selectors.count_open_alerts(),
        "drift": DriftCheck.objects.first(),
        "last_import": TaobaoImport.objects.defer("problems").select_related("created_by").first(),
    }


def _open_alerts_for_stock_keepers(user):
    """The product group sees how many alerts are open; everyone else a plain link."""
    return selectors.count_open_alerts() if selectors.can_change_stock(user) else 0


def register():
    dashboard.register_panel(
        "stock", title=_("Stock: low-stock alerts, ledger check, last import"), template="inventory/_panel_stock.html",
        context=_stock, order=30,
    )
    dashboard.register_badge("stock", label=_("Stock"), url_name="inventory:product_list",
                             count=_open_alerts_for_stock_keepers, order=40)
