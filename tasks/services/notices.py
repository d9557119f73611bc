"""What a task's notifications say, and who is told: one table of event -> message."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy

from shopteam.notifications.services import notify
from shopteam.people import display_name, moment_text

from ..models import Task
from .owners import owners

# What each notification says: event -> (title, body), rendered by notify() in the shop's language.
MESSAGES = {
    "task.assigned": (
        gettext_lazy("New task: %(title)s"),
        gettext_lazy("%(name)s gave you a task (%(owner)s). Due: %(due)s.\n\n%(detail)s"),
    ),
    "task.done": (gettext_lazy("Task done: %(title)s"), gettext_lazy("%(name)s marked it done.")),
    "task.commented": (gettext_lazy("New comment on task: %(title)s"), gettext_lazy("%(name)s: %(note)s")),
}

SHOPTEAM = gettext_lazy("Shopteam")


def tell(users: Iterable[User | None], event: str, task: Task, **params: Any) -> None:
    title, body = MESSAGES[event]
    notify(users, title=title, body=body, params={"title": task.title, **params}, url=task.get_absolute_url(),
           event=event)


def tell_assigned(task: Task, *, by: User | None) -> None:
    people = [user for user in owners(task) if by is None or user.pk != by.pk]
    tell(people, "task.assigned", task, name=display_name(by) or SHOPTEAM,
         owner=task.post or display_name(task.owner), due=moment_text(task.due), detail=task.detail)
