"""Per-request memo of who holds what (roles.selectors.holds_in)."""
from . import selectors


def remember_holds(get_response):
    def middleware(request):
        with selectors.remembering_holds():
            return get_response(request)
    return middleware
