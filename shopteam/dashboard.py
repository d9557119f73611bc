"""The shop manager's dashboard and the navigation badges, made of parts each app registers from its own
selectors (in its AppConfig.ready), so the site shows every app without importing any of them.

A panel is live (rendered on every visit) or, given a `version`, cached: its HTML is reused while the
version is unchanged and for at most DASHBOARD_STATISTICS_SECONDS, so any change in its source shows at once.
"""
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language

from roles.selectors import is_shop_manager


@dataclass(frozen=True)
class Panel:
    key: str
    title: Any
    template: str
    context: Any  # (request, now) -> dict, from the app's selectors
    order: int = 100
    version: Any = None  # () -> hashable that changes with the panel's data; None: rendered live
    visible: Any = None  # (user) -> bool; None: the shop manager (and the admins)

    def shown_to(self, user):
        return (self.visible or is_shop_manager)(user)


@dataclass(frozen=True)
class Badge:
    key: str
    label: Any
    url_name: str
    count: Any  # (user) -> int, costing the same at any history size; None: a plain link
    query: str = ""
    order: int = 100
    visible: Any = None  # (user) -> bool; None: everybody signed in

    def url(self):
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")


_panels: dict[str, Panel] = {}
_badges: dict[str, Badge] = {}
# Where a person who is not the shop manager starts their day: the page an app registers with the lowest
# order (tasks' "my tasks" once it exists), else their posts.
_homes: list[tuple[int, str]] = [(1000, "roles:my_posts")]


def register_home(url_name, *, order=100):
    _homes.append((order, url_name))


def home_url_name(user):
    return min(_homes)[1]


def register_panel(key, *, title, template, context, order=100, version=None, visible=None):
    _panels[key] = Panel(key, title, template, context, order, version, visible)


def register_badge(key, *, label, url_name, count=None, query="", order=100, visible=None):
    """A link in the navigation bar, with a count beside it when `count` is given."""
    _badges[key] = Badge(key, label, url_name, count, query, order, visible)


def rendered_panels(request, now):
    """The HTML of every panel the person may see, in order."""
    html = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if not panel.shown_to(request.user):
            continue
        if panel.version is None:
            html.append(_render(panel, request, now))
            continue
        key = f"dashboard-panel:{panel.key}:{get_language()}:{panel.version()}"
        cached = cache.get(key)
        if cached is None:
            cached = _render(panel, request, now)
            cache.set(key, cached, settings.DASHBOARD_STATISTICS_SECONDS)
        html.append(cached)
    return html


def _render(panel, request, now):
    return render_to_string(panel.template, {"panel": panel, "now": now, **panel.context(request, now)}, request)


def badges_for(user):
    """The navigation links `user` may follow, each with its count (or None): [{"key", "label", "url", "count"}]."""
    return [
        {"key": badge.key, "label": badge.label, "url": badge.url(), "count": badge.count and badge.count(user)}
        for badge in sorted(_badges.values(), key=lambda b: (b.order, b.key))
        if badge.visible is None or badge.visible(user)
    ]
