"""Every change to a case. Each locks the case, checks the hop it was asked about, writes a CaseEvent, grants who
may see the case, and writes the notifications in the same transaction (sent after commit). One module per noun;
this package keeps their names importable as `escalation.services.<name>`."""
from shopteam.errors import ServiceError

from ..chains import build_chain
from .corrections import follow_post_holders, move_on_by_admin, send_again
from .deadlines import move_on_overdue_case, move_on_overdue_cases, warn_before_deadlines
from .decisions import (
    accept_case,
    answer_reporter_question,
    ask_reporter,
    comment_on_case,
    pass_on,
    reopen_case,
    resolve_case,
)
from .notices import MESSAGES, NEEDS_YOU, SHOPTEAM
from .raising import RESUBMIT_WINDOW, raise_case
from .routing import VIEW

__all__ = [
    "MESSAGES", "NEEDS_YOU", "RESUBMIT_WINDOW", "SHOPTEAM", "VIEW", "ServiceError", "accept_case",
    "answer_reporter_question", "ask_reporter", "build_chain", "comment_on_case", "follow_post_holders",
    "move_on_by_admin", "move_on_overdue_case", "move_on_overdue_cases", "pass_on", "raise_case", "reopen_case",
    "resolve_case", "send_again", "warn_before_deadlines",
]
