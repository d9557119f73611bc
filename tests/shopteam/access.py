"""Who may use the project's own URLs (shopteam/urls.py): sign-in, sign-out, the password, the language, the home
page, the dashboard, /healthz, the icon and the admin site. The format: tests/access.py."""
from tests.access import ADMIN, EVERYONE, MANAGER, SIGNED_IN, Rule

RULES = {
    "home": Rule(get=SIGNED_IN),
    "dashboard": Rule(get=MANAGER),
    "healthz": Rule(get=EVERYONE, public=True, answers=frozenset({503})),  # 503 here: no worker, no beat
    "favicon": Rule(get=EVERYONE, public=True),
    "login": Rule(get=EVERYONE, post=EVERYONE, public=True),
    "logout": Rule(get=SIGNED_IN, post=SIGNED_IN, signs_out=True),
    "password_change": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "password_change_done": Rule(get=SIGNED_IN),
    # The language switch: in the signed-in pages' menu, and on the sign-in page.
    "set_language": Rule(get=EVERYONE, post=EVERYONE, public=True, data={"language": "zh-hans"}),
    # The whole admin site, one rule: its index and every model's list page, staff only.
    "admin": Rule(get=ADMIN),
}
