"""Task pages: parse the request, call one selector or service, render. A person who may not see a task gets a 404;
one who may see it but not do what they asked gets a 403. One module per page family; the URLs name them here."""
from .lists import board, export, missed, my_tasks, task_list
from .standups import raise_blocker, standup, standup_detail, standup_team
from .task import (
    add_subtask,
    comment,
    create_task,
    edit_task,
    escalate,
    move_task,
    task_detail,
    tick_subtask,
)

__all__ = [
    "add_subtask", "board", "comment", "create_task", "edit_task", "escalate", "export", "missed", "move_task",
    "my_tasks", "raise_blocker", "standup",
    "standup_detail", "standup_team", "task_detail", "task_list", "tick_subtask",
]
