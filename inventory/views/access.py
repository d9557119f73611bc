"""Who may use the pages that change stock."""
from functools import wraps

from django.core.exceptions import PermissionDenied

from .. import selectors


def stock_keeper(view):
    """Pages and actions that change stock: the product group, the shop manager and the admins."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.can_change_stock(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped
