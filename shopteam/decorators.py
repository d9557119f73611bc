"""`post_only(page)`: the decorator of a form's action URL. A POST is the form's; a GET (a reloaded or bookmarked
action, a link pasted from the address bar) is sent to the page the form lives on instead of a bare 405 error."""
import functools

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST


def post_only(page):
    """`page` is a URL name, reversed with the view's `pk` when it has one, or `page(**kwargs)` giving the URL."""
    def decorator(view):
        posted = require_POST(view)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in ("GET", "HEAD"):
                if callable(page):
                    return redirect(page(**kwargs))
                return redirect(reverse(page, kwargs={"pk": kwargs["pk"]} if "pk" in kwargs else None))
            return posted(request, *args, **kwargs)
        return wrapper
    return decorator
