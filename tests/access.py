"""The vocabulary of the permission walk's rule tables (tests/shopteam/test_permission_walk.py documents the walk).

Each app keeps its rules in `tests/<app>/access.py` as `RULES = {"<namespace>:<url name>": Rule(...)}` (a tuple of
rules when one pattern is walked with several arguments, e.g. one per action slug). The walk collects every such
module by itself. A rule names the roles that may GET the page and, for an action URL, the roles whose POST is taken:

    Rule(get=SIGNED_IN, post=group("finance") | MANAGER, args={"pk": "entry"})

Roles are strings: "anonymous", "outsider" (signed in, holds no post), "member:<department code>" (a post that is
not the leader's), "leader:<department code>", "manager" (the shop manager) and "admin" (a superuser with no post).
"""
from collections.abc import Mapping
from dataclasses import dataclass, field

DEPARTMENTS = ("customer-service", "finance", "product", "visual", "marketing", "data-analysis")
ANONYMOUS, OUTSIDER, MANAGER_ROLE, ADMIN_ROLE = "anonymous", "outsider", "manager", "admin"


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
NOBODY = frozenset()


@dataclass(frozen=True)
class Rule:
    """Who may use one URL pattern.

    get: the roles a GET answers 200 or a redirect (not to the sign-in page); every other signed-in role gets 403
        or 404 (or is sent to sign in, for the admin's pages); anonymous visitors are sent to sign in unless
        `public`.
    post: None for a page that is not an action (not POSTed); else the roles whose POST is taken (200 or a
        redirect). Every other role gets 403/404, or, if it is in `refused`, an answer that writes nothing.
    refused: roles whose POST the page answers (they see the object) but whose service refuses it: the walk checks
        that the request wrote nothing to the database.
    args: URL keyword -> the name of one of the walk's objects ("case", "task", ... see tests/objects.py), whose
        pk (or, for "month", text) fills it; any other value is used as it is (e.g. {"action": "accept"}).
    data: what the POST sends (values name objects as in `args`); empty by default: the walk asks who is let in,
        not whether the form is filled in right.
    public: answers anonymous visitors as `get` says instead of sending them to sign in.
    signs_out: the allowed roles' POST ends at the sign-in page (signing out).
    answers: statuses besides 200/204/3xx that count as an answer to an allowed role (/healthz's 503).
    """

    get: frozenset
    post: frozenset | None = None
    refused: frozenset = NOBODY
    args: Mapping[str, str] = field(default_factory=dict)
    data: Mapping[str, str] = field(default_factory=dict)
    public: bool = False
    signs_out: bool = False
    answers: frozenset = frozenset()
