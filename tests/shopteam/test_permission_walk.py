"""The permission walk: every URL pattern of the project, found from the URL resolver (a new page is in it by
itself), requested by everyone the shop has, with real objects that belong to other people.

Who walks: an anonymous visitor, someone signed in who holds no post ("outsider"), a member and the leader of each
group (the demo team, plus a member's post added to the groups that have none), the shop manager and an admin.
Their roles come from the posts they hold (tests/access.py names them). What they visit: one object of each kind
from tests/objects.py (a case raised by kefu_a, kefu_a's task, kefu_lead's notification, a product, a restock
request, an import, a ledger entry, a promotion request, a supplier cycle, ...) and from any access.py's
`objects(team, made)`, made once per module.

What is expected comes from the rule tables: every `tests/<app>/access.py` exports
`RULES = {"<namespace>:<url name>": Rule(...) or (Rule(...), ...)}` (tests/access.py defines `Rule`, its fields
get, post, refused, args, query, data, public, signs_out and answers, and the role sets). For example, from
tests/finance/access.py:

    BOOKS = group("finance") | MANAGER          # members and leader of finance, the shop manager, the admins
    RULES = {
        "finance:ledger": (Rule(get=BOOKS), Rule(get=BOOKS, query="export=xlsx")),
        "finance:entry_reverse": Rule(get=SIGNED_IN, post=BOOKS, args={"pk": "entry"}),   # GET: sent to the entry
        "finance:month_action": tuple(Rule(get=SIGNED_IN, post=leader("finance") | MANAGER,
                                           args={"month": "month", "action": a}) for a in ("close", "reopen")),
    }

A new app (shipping, say) adds tests/shipping/access.py with its RULES and, if its pages need objects of their own,
`def objects(team, made): return {"parcel": ...}` (`made`: the objects already made, by name, e.g. made["case"]).
Each pattern is requested with GET and with a POST (empty unless the rule gives `data`): every action, and every
other page by those who may see it (the admin's pages are only read):

- anonymous visitors are sent to sign in, except on `public` patterns (sign-in, /healthz, the language, the icon);
- the roles the rule allows get 200 or a redirect, never 403/404;
- everyone else gets 403 or 404 (or is sent to sign in, as the admin does), or, for the roles the rule lists as
  `refused`, an answer that wrote nothing; a POST that is not taken, or sent to a page that is not an action,
  never writes to the database;
- nobody ever gets a 500;
- no page a walker sees links to one of the objects whose own page they may not open.

A URL pattern without a rule (or a rule for a pattern that is gone) fails `test_every_url_pattern_has_a_rule`,
naming it. The admin's site is one rule, keyed "admin": its index and every model's list page, staff only.

Every request runs in a savepoint rolled back after it, so one role's accepted POST (a case resolved) does not
change what the next role sees.
"""
import importlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin as django_admin
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from tests.access import ADMIN_KEY, ADMIN_ROLE, ANONYMOUS, MANAGER_ROLE, OUTSIDER, Rule, url_patterns

TESTS = Path(__file__).resolve().parents[1]
# Added to the groups the demo team leaves without a member (title, department code).
EXTRA_MEMBERS = {"finance_a": "finance", "product_a": "product", "marketing_a": "marketing", "data_a": "data-analysis"}
WALKERS = ["anonymous", "outsider", "admin", "manager", "kefu_lead", "kefu_a", "finance_lead", "finance_a",
           "product_lead", "product_a", "visual_lead", "photo_a", "marketing_lead", "marketing_a", "data_a"]
UNWRITTEN = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
NOT_DATA = ("django_session", "axes_")  # signing in and sessions, not the shop's data


def access_modules():
    """Every tests/<app>/access.py (and tests/<app>/<sub>/access.py), imported."""
    for path in sorted(TESTS.glob("*/access.py")) + sorted(TESTS.glob("*/*/access.py")):
        yield importlib.import_module(".".join(path.relative_to(TESTS.parent).with_suffix("").parts))


def collected_rules():
    rules = {}
    for module in access_modules():
        for key, rule in module.RULES.items():
            assert key not in rules, f"{key} has rules in two access.py files"
            rules[key] = rule if isinstance(rule, tuple) else (rule,)
    return rules


def test_every_url_pattern_has_a_rule():
    patterns = dict(url_patterns())
    rules = collected_rules()
    missing = sorted(set(patterns) - set(rules))
    assert not missing, ("URL patterns without a rule in any tests/<app>/access.py (add them to the app's RULES): "
                         + ", ".join(f"{key} ({patterns[key]})" for key in missing))
    gone = sorted(set(rules) - set(patterns))
    assert not gone, "rules for URL patterns that no longer exist: " + ", ".join(gone)


# --- the people and their objects ------------------------------------------------------------------------------

def roles_of(user):
    """The walk's role names for what `user` holds today (tests/access.py)."""
    from roles.models import Assignment

    if user is None:
        return frozenset({ANONYMOUS})
    roles = set()
    if user.is_superuser:
        roles.add(ADMIN_ROLE)
    for assignment in Assignment.objects.current().filter(user=user).select_related("post__department"):
        post = assignment.post
        if post.department.is_manager_office:
            roles.add(MANAGER_ROLE if post.is_leader else "member:manager")
        else:
            roles.add(f"{'leader' if post.is_leader else 'member'}:{post.department.code}")
    return frozenset(roles or {OUTSIDER})


class World:
    def __init__(self, objects, people):
        self.objects, self.people = objects, people

    def value(self, name):
        """What fills a URL keyword or a POST field: a named object's pk, a function's answer on the objects, or the
        value itself."""
        if callable(name):
            return name(self.objects)
        found = self.objects.get(name, name)
        return getattr(found, "pk", found)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The team, the extra members and an outsider and admin, and the objects, made once for the module and rolled
    back after it."""
    from roles.models import Post
    from roles.services import load_playbook, sync_department_groups
    from tests.factories import AssignmentFactory, PostFactory, TeamBuilder, UserFactory
    from tests.objects import shop_objects

    var_dir = tmp_path_factory.mktemp("walk-var")
    quick = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], VAR_DIR=var_dir,
                              AXES_ENABLED=False)
    with django_db_blocker.unblock(), quick, translation.override("en"), transaction.atomic():
        load_playbook()
        team = TeamBuilder().build()
        for username, code in EXTRA_MEMBERS.items():
            lead = Post.objects.get(department__code=code, is_leader=True)
            post = PostFactory(department=lead.department, title=f"{lead.department.name}专员", reports_to=lead)
            team[username] = AssignmentFactory(user=UserFactory(username=username), post=post).user
        sync_department_groups()
        team["outsider"] = UserFactory(username="outsider")
        team["admin"] = UserFactory(username="admin", is_staff=True, is_superuser=True)
        objects = shop_objects(team, var_dir=var_dir)
        for module in access_modules():  # an app's own objects: `def objects(team, made): return {"parcel": ...}`
            if hasattr(module, "objects"):
                objects.update(module.objects(team, dict(objects)))
        people = {name: (team.get(name), roles_of(team.get(name))) for name in WALKERS}
        yield World(objects, people)
        transaction.set_rollback(True)


# --- one request, and what it should have answered -----------------------------------------------------------

def paths(key, rule, world, roles):
    if key == ADMIN_KEY:  # whom it refuses, it refuses at the door: its index is enough for them
        lists = [reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
                 for model in django_admin.site._registry] if roles & rule.get else []
        return [reverse("admin:index"), *lists]
    path = reverse(key, kwargs={name: world.value(value) for name, value in rule.args.items()})
    return [f"{path}?{rule.query}" if rule.query else path]


def outcome(response, answers=frozenset()):
    status = response.status_code
    if status in answers:
        return "ok"
    if status >= 500:
        return "error"
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if target in (settings.LOGIN_URL if settings.LOGIN_URL.startswith("/") else reverse(settings.LOGIN_URL),
                      reverse("admin:login")):
            return "login"
        return "ok"
    if status in (403, 404, 405):
        return "denied"
    if status in (200, 204):
        return "ok"
    return "error"


def request(client, method, path, data=None):
    """Answer and the tables it wrote to, inside a savepoint rolled back afterwards."""
    written = []

    def record(execute, sql, params, many, context):
        match = UNWRITTEN.match(sql)
        if match and not match.group(1).startswith(NOT_DATA):
            written.append(match.group(1))
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(record):
        response = client.post(path, data or {}) if method == "post" else client.get(path)
        transaction.set_rollback(True)
    return response, written


def problem(method, path, key, roles, rule, response, written):
    """What is wrong with this answer, or None."""
    seen = outcome(response, rule.answers)
    anonymous = ANONYMOUS in roles
    if seen == "error":
        return f"{response.status_code}"
    if method == "post" and rule.post is None:  # not an action: a POST may be answered, but changes nothing
        return f"{response.status_code} but wrote to {sorted(set(written))} (not an action)" if written else None
    allowed = roles & (rule.get if method == "get" else rule.post)
    if anonymous and not rule.public:
        expected = {"login"}
    elif allowed:
        expected = {"ok", "login"} if method == "post" and rule.signs_out else {"ok"}
    elif method == "post" and roles & rule.refused:
        expected = {"ok", "denied", "login"}
    else:
        expected = {"denied", "login"}
    if seen not in expected:
        where = response.get("Location", "")
        return f"{response.status_code}{' → ' + where if where else ''}, expected {' or '.join(sorted(expected))}"
    if method == "post" and not allowed and written:
        return f"{response.status_code} but wrote to {sorted(set(written))}"
    if method == "post" and allowed and rule.writes and not written:
        return f"{response.status_code} but wrote nothing: the rule's data is not what the page takes"
    return None


def methods(key, rule, roles):
    """GET, and POST for an action; a page that is not an action is POSTed by those who may see it (nothing else
    can come of it)."""
    if rule.post is not None or (key != ADMIN_KEY and roles & rule.get and ANONYMOUS not in roles):
        return ("get", "post")
    return ("get",)


def links_to(response, url):
    return (response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")
            and f'href="{url}"'.encode() in response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("walker", WALKERS)
def test_the_permission_walk(world, walker):
    user, roles = world.people[walker]
    client = Client()
    if user is not None:
        client.force_login(user)
    problems, pages = [], {}
    for key, rules in sorted(collected_rules().items()):
        for rule in rules:
            for path in paths(key, rule, world, roles):
                for method in methods(key, rule, roles):
                    data = {name: world.value(value) for name, value in rule.data.items()}
                    response, written = request(client, method, path, data if method == "post" else None)
                    if user is not None and method == "post" and rule.signs_out:
                        client.force_login(user)
                    found = problem(method, path, key, roles, rule, response, written)
                    if found:
                        problems.append(f"{method.upper()} {path} ({key}) as {walker} {sorted(roles)}: {found}")
                    if method == "get":
                        pages[path] = response
    # An object whose page this walker may not see is not linked from any page they may see (a list, the board).
    hidden = [obj.get_absolute_url() for obj in world.objects.values() if hasattr(obj, "get_absolute_url")
              and obj.get_absolute_url() in pages and outcome(pages[obj.get_absolute_url()]) != "ok"]
    problems += [f"GET {path} as {walker} links to {url}, which they may not see"
                 for url in hidden for path, response in pages.items() if links_to(response, url)]
    assert not problems, f"{len(problems)} answers break the rules:\n" + "\n".join(problems)


def test_a_rule_is_broken_loudly():
    """The walk's own check: an allowed role refused, a refused role answered, a 500 and a write are problems."""
    class Answer(dict):
        def __init__(self, status, location=""):
            super().__init__({"Location": location} if location else {})
            self.status_code = status

    rule = Rule(get=frozenset({"manager"}), post=frozenset({"manager"}))
    manager, agent = frozenset({"manager"}), frozenset({"member:customer-service"})
    assert problem("get", "/x", "x", manager, rule, Answer(403), []) == "403, expected ok"
    assert problem("get", "/x", "x", agent, rule, Answer(200), []) == "200, expected denied or login"
    assert problem("get", "/x", "x", manager, rule, Answer(500), []) == "500"
    assert problem("post", "/x", "x", agent, rule, Answer(403), ["finance_ledgerentry"]) \
        == "403 but wrote to ['finance_ledgerentry']"
    assert problem("get", "/x", "x", frozenset({"anonymous"}), rule, Answer(302, "/dashboard/"), []) \
        == "302 → /dashboard/, expected login"
    assert problem("get", "/x", "x", agent, rule, Answer(404), []) is None
