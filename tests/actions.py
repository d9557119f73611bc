"""What a service would accept now, asked without keeping it: the allowed-actions tests walk an object through its
states and, in each, compare the buttons its page shows with the actions its services accept."""
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from django.db import transaction

from shopteam.errors import ServiceError


class Undone(Exception):
    """Raised inside a savepoint to undo what a service accepted: each action is tried on the same state."""


def does(call: Callable[[], Any]) -> bool:
    """Whether the service call succeeds (undone afterwards); False when it refuses with a ServiceError."""
    try:
        with transaction.atomic():
            call()
            raise Undone
    except Undone:
        return True
    except ServiceError:
        return False


def accepted(attempts: Mapping[str, Callable[[Any, Any], Any]], obj: Any, user: Any) -> set[str]:
    """The actions whose service call succeeds for `user` on `obj`'s current state (each one undone)."""
    return {action for action, attempt in attempts.items() if does(partial(attempt, obj, user))}


def offered_to(people: Mapping[str, Any], *, fresh: Callable[[], Any], shown: Callable[[Any, Any], set[str]],
               attempts: Mapping[str, Callable[[Any, Any], Any]], rule: Callable[[Any, Any], Any]) -> set[str]:
    """For each of `people` ({name: user}), on the object as `fresh()` reads it now: the buttons `shown(user, obj)`
    are the actions its services accept and those `rule(obj, user)` allows. Returns the buttons anyone was shown."""
    offered: set[str] = set()
    for name, user in people.items():
        obj = fresh()
        on_page = shown(user, obj)
        assert on_page == accepted(attempts, obj, user) == set(rule(obj, user)), name
        offered |= on_page
    return offered
