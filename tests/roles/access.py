"""Who may use the org chart's pages: every signed-in member of staff. The format: tests/access.py."""
from tests.access import SIGNED_IN, Rule

RULES = {
    "roles:org_chart": Rule(get=SIGNED_IN),
    "roles:post_detail": Rule(get=SIGNED_IN, args={"pk": "org_post"}),
    "roles:my_posts": Rule(get=SIGNED_IN),
}
