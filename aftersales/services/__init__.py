"""Every change on the after-sales desk. Each runs in a transaction, locks what it changes, writes an Event (who,
when, what) and its notifications in the same transaction. One module per noun; this package keeps their names
importable as `aftersales.services.<name>`."""
from .complaints import (
    AFTER_SALES_DIFFICULTY,
    escalate_complaint,
    record_complaint,
    record_complaint_action,
    take_case_decision,
)
from .corrections import CORRECTABLE, correct_record, correctable_fields
from .follow_ups import record_follow_up
from .returns import check_return, record_return
from .reviews import close_review, record_review, record_review_contact

__all__ = [
    "AFTER_SALES_DIFFICULTY", "CORRECTABLE", "check_return", "close_review", "correct_record", "correctable_fields",
    "escalate_complaint", "record_complaint", "record_complaint_action", "record_follow_up", "record_return",
    "record_review", "record_review_contact", "take_case_decision",
]
