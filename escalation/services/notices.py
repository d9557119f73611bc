"""What a case's notifications say: one table of event -> message, and who is told."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy

from shopteam.notifications.services import notify
from shopteam.people import display_name

from ..models import Case

# What each notification says: event -> (title, body), rendered by notify() in the shop's language.
MESSAGES = {
    "case.assigned": (
        gettext_lazy("Case #%(id)s needs you: %(title)s"),
        gettext_lazy("%(why)s\nYou are the contact for %(post)s; deadline %(deadline)s.\n\n%(description)s"),
    ),
    "case.left_you": (
        gettext_lazy("Case #%(id)s is no longer with you: %(title)s"),
        gettext_lazy("%(why)s\nIt is now with %(to)s."),
    ),
    "case.moved": (
        gettext_lazy("Your case #%(id)s moved on: %(title)s"),
        gettext_lazy("%(why)s\nIt is now with %(to)s."),
    ),
    "case.to_admins": (
        gettext_lazy("Case #%(id)s has nobody to go to: %(title)s"),
        gettext_lazy("%(why)s\nEvery post in its chain, the shop manager's included, is vacant. Assign someone "
                     "in the admin, then send the case again from the admin's case list.\n\n%(description)s"),
    ),
    "case.accepted": (
        gettext_lazy("Case #%(id)s was accepted: %(title)s"),
        gettext_lazy("%(name)s is working on it.%(note)s"),
    ),
    "case.commented": (gettext_lazy("New comment on case #%(id)s: %(title)s"), gettext_lazy("%(name)s: %(note)s")),
    "case.info_requested": (
        gettext_lazy("Case #%(id)s: more information needed"),
        gettext_lazy("%(name)s asks: %(note)s\nThe clock stops until you answer on the case page."),
    ),
    "case.info_given": (
        gettext_lazy("Case #%(id)s: the reporter answered"),
        gettext_lazy("%(name)s: %(note)s"),
    ),
    "case.resolved": (
        gettext_lazy("Case #%(id)s was resolved: %(title)s"),
        gettext_lazy("%(name)s: %(note)s"),
    ),
    "case.overdue": (gettext_lazy("Case #%(id)s is overdue: %(title)s"), gettext_lazy("%(note)s")),
    "case.deadline_near": (
        gettext_lazy("Case #%(id)s: deadline at %(deadline)s"),
        gettext_lazy("Accept, resolve or pass it on before then, or it moves on by itself."),
    ),
}
# Notifications that ask someone to act on a case: read once the case has left them.
NEEDS_YOU = ["case.assigned", "case.deadline_near", "case.to_admins"]

SHOPTEAM = gettext_lazy("Shopteam")


def _tell(users: Iterable[User | None], event: str, case: Case, **params: Any) -> None:
    title, body = MESSAGES[event]
    notify(
        users,
        title=title,
        body=body,
        params={"id": case.pk, "title": case.title, **params},
        url=case.get_absolute_url(),
        event=event,
    )


def _names(users: Iterable[User]) -> str:
    return "、".join(display_name(u) for u in users)
