"""What every finance page shares: the rule a page asks of its visitor, and the month a query names."""
import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

PER_PAGE = 50


def allowed(rule: Callable[[Any], bool]) -> Callable[..., Any]:
    """The page answers 403 to anyone the rule refuses (signed-out visitors never get here)."""
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        return wrapper
    return decorator


def parse_month(text: str | None) -> datetime.date | None:
    """'2026-03' -> date(2026, 3, 1), or None."""
    try:
        return datetime.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return None
