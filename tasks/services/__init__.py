"""Every change to a task, a recurring duty's periods, an overdue task's escalation, a stand-up or a digest. Each
runs in a transaction, locks what it changes, writes a TaskEvent (who, when, what) and writes its notifications in
the same transaction (sent after commit). One module per noun; this package keeps their names importable as
`tasks.services.<name>`."""
from .board import add_subtask, comment_on_task, complete_tasks_about, move_task, tick_subtask
from .calendars import _Calendars, due_from_date
from .digest import digest_for, send_morning_digests
from .duties import (
    MISSED_LOOKBACK,
    _duty_task,
    create_duty_tasks_between,
    create_recurring_tasks,
    recurring_duties,
)
from .filing import RESUBMIT_WINDOW, create_task, update_task
from .notices import MESSAGES, SHOPTEAM
from .overdue import (
    complete_tasks_about_resolved_case,
    escalate_overdue_tasks,
    escalate_task,
    escalation_post,
    escalation_state,
)
from .owners import main_post, may_file_for, owners
from .standups import raise_blocker, write_standup

__all__ = [
    "MESSAGES", "MISSED_LOOKBACK", "RESUBMIT_WINDOW", "SHOPTEAM", "_Calendars", "_duty_task", "add_subtask",
    "comment_on_task", "complete_tasks_about", "complete_tasks_about_resolved_case", "create_duty_tasks_between",
    "create_recurring_tasks", "create_task", "digest_for", "due_from_date", "escalate_overdue_tasks",
    "escalate_task", "escalation_post", "escalation_state", "main_post", "may_file_for", "move_task", "owners",
    "raise_blocker", "recurring_duties", "send_morning_digests", "tick_subtask", "update_task", "write_standup",
]
