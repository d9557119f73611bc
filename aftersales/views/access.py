"""Who may open the desk's pages: customer service and the shop manager; finance also reads returns."""
from functools import wraps

from django.core.exceptions import PermissionDenied

from .. import rules


def desk(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not rules.works_desk(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


def returns_reader(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not rules.sees_returns(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped
