"""After-sales desk pages: customer service and the shop manager; finance reads returns. One module per noun; every
view is importable from here (the URLconf's names)."""
from .complaints import complaint_act, complaint_create, complaint_detail, complaint_escalate, complaint_list
from .desk import buyer, correct, follow_up_record, follow_ups, overview
from .returns import return_check, return_create, return_detail, return_list
from .reviews import review_close, review_contact, review_create, review_detail, review_list

__all__ = [
    "buyer", "complaint_act", "complaint_create", "complaint_detail", "complaint_escalate", "complaint_list",
    "correct", "follow_up_record", "follow_ups", "overview", "return_check", "return_create", "return_detail",
    "return_list", "review_close", "review_contact", "review_create", "review_detail", "review_list",
]
