"""What the finance services write besides money: checked text, in the shop's language, and who changed a row
and why for its history."""
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

from shopteam.errors import checked_text

TEXT_MAX = 2000
P = ParamSpec("P")
R = TypeVar("R")


def clean_text(value: str | None, *, limit: int = TEXT_MAX, label: str | Promise) -> str:
    return checked_text(value, limit=limit, label=label)


def in_shop_language(function: Callable[P, R]) -> Callable[P, R]:
    """Text a service stores (a task's title, a case's description, an entry's note) is written in the shop's
    language, whoever's request or job wrote it."""
    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)
    return wrapper


def shop_text(text: str | Promise, params: Mapping[str, Any] | None = None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % params if params is not None else str(text)


def history_by(instance: models.Model, user: User | None, reason: str = "") -> None:
    """simple_history records who and why from these attributes (outside a request too)."""
    instance._history_user = user  # type: ignore[attr-defined]  # simple_history reads these ad-hoc attributes
    instance._change_reason = reason  # type: ignore[attr-defined]
