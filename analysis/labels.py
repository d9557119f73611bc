"""The names of the figures, shared by the page, the Excel file and the command."""
from django.utils.translation import gettext_lazy as _

FIGURES = {
    "orders": _("Orders"),
    "paid_orders": _("Paid orders"),
    "buyers": _("Buyers"),
    "sales": _("Sales (as exported)"),
    "refunds": _("Refunds"),
    "average_order_value": _("Average order value (客单价)"),
    "units": _("Units"),
    "refund_rate": _("Refund rate"),
}
MONEY = {"sales", "refunds", "average_order_value"}
