"""The vocabulary of the permission walk's rule tables (tests/shopteam/test_permission_walk.py documents the walk).

Each app keeps its rules in `tests/<app>/access.py` as `RULES = {"<namespace>:<url name>": Rule(...)}` (a tuple of
rules when one pattern is walked with several arguments, e.g. one per action slug). The walk collects every such
module by itself. A rule names the roles that may GET the page and, for an action URL, the roles whose POST is taken:

    Rule(get=SIGNED_IN, post=group("finance") | MANAGER, args={"pk": "entry"})

An access.py whose pages need objects of its own also defines `objects(team, made)`, returning them by name
(`made` is what tests/objects.py made already, e.g. `made["case"]`); its rules then name them in `args`.

Roles are strings: "anonymous", "outsider" (signed in, holds no post), "member:<department code>" (a post that is
not the leader's), "leader:<department code>", "manager" (the shop manager) and "admin" (a superuser with no post).
"""
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

DEPARTMENTS = ("customer-service", "finance", "product", "visual", "marketing", "data-analysis")
ANONYMOUS, OUTSIDER, MANAGER_ROLE, ADMIN_ROLE = "anonymous", "outsider", "manager", "admin"
ADMIN_KEY = "admin"  # the whole admin site's one rule


def member(code):
    return frozenset({f"member:{code}"})


def leader(code):
    return frozenset({f"leader:{code}"})


def group(*codes):
    """Everyone in those departments, members and leader."""
    return frozenset().union(*(member(code) | leader(code) for code in codes))


LEADERS = frozenset().union(*(leader(code) for code in DEPARTMENTS))
MEMBERS = frozenset().union(*(member(code) for code in DEPARTMENTS))
MANAGER = frozenset({MANAGER_ROLE, ADMIN_ROLE})  # is_shop_manager: the shop manager's post, and the admins
ADMIN = frozenset({ADMIN_ROLE})
STAFF_WITH_A_POST = LEADERS | MEMBERS | frozenset({MANAGER_ROLE})
SIGNED_IN = STAFF_WITH_A_POST | frozenset({OUTSIDER, ADMIN_ROLE})
EVERYONE = SIGNED_IN | frozenset({ANONYMOUS})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    """Who may use one URL pattern.

    get: the roles a GET answers 200 or a redirect (not to the sign-in page); every other signed-in role gets 403
        or 404 (or is sent to sign in, for the admin's pages); anonymous visitors are sent to sign in unless
        `public`.
    post: None for a page that is not an action: a POST to it may be answered but must write nothing; else the
        roles whose POST is taken (200 or a redirect). Every other role gets 403/404, or, if it is in `refused`, an
        answer that writes nothing.
    refused: roles whose POST the page answers (they see the object) but whose service refuses it: the walk checks
        that the request wrote nothing to the database.
    args: URL keyword -> the name of one of the walk's objects ("case", "task", ... see tests/objects.py), whose
        pk (or, for "month", text) fills it; any other value is used as it is (e.g. {"action": "accept"}).
    query: a query string added to the path ("export=xlsx"), for a download the page gives.
    data: what the POST sends (values name objects as in `args`, or are functions of the objects by name, e.g.
        `lambda made: made["case"].hop`); empty by default: the walk asks who is let in, not whether the form is
        filled in right, but an action refused to some must be filled in right for the refusal to mean anything.
    public: answers anonymous visitors as `get` says instead of sending them to sign in.
    signs_out: the allowed roles' POST ends at the sign-in page (signing out).
    writes: the allowed roles' POST must write to the database: `data` fills the form in right, so that the
        others' refusal is the rule's and not the form's.
    answers: statuses besides 200/204/3xx that count as an answer to an allowed role (/healthz's 503).
    """

    get: frozenset
    post: frozenset | None = None
    refused: frozenset = NOBODY
    args: Mapping[str, str] = field(default_factory=dict)
    query: str = ""
    data: Mapping[str, object] = field(default_factory=dict)
    public: bool = False
    signs_out: bool = False
    answers: frozenset = frozenset()
    writes: bool = False


def url_patterns(resolver=None, namespace="", prefix=""):
    """key -> route for every URL pattern: "namespace:name", the route itself for an unnamed one, and "admin" for
    the whole admin site."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = f"{prefix}{pattern.pattern}"
        if isinstance(pattern, URLResolver):
            if pattern.namespace == ADMIN_KEY and not namespace:
                yield ADMIN_KEY, route
                continue
            yield from url_patterns(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                                    route)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route
