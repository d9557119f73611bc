"""Every change on the shipping desk: each locks what it changes, checks the rule (shipping.rules), writes history
(django-simple-history, with the reason) and notifies inside the transaction. One module per noun."""
from shopteam.errors import ServiceError

from .desk import correct_packing_problem, correct_shipment, record_pick_list, report_packing_problem, ship_order
from .problems import (
    close_problem_parcel,
    confirm_stocktake_loss,
    correct_incident,
    correct_problem_parcel,
    dismiss_stocktake_loss,
    follow_up_problem_parcel,
    record_incident,
    record_problem_parcel,
)

__all__ = [
    "ServiceError", "close_problem_parcel", "confirm_stocktake_loss", "correct_incident", "correct_packing_problem",
    "correct_problem_parcel", "correct_shipment", "dismiss_stocktake_loss", "follow_up_problem_parcel",
    "record_incident", "record_pick_list", "record_problem_parcel", "report_packing_problem", "ship_order",
]
