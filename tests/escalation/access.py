"""Who may use the case pages. The case walked is raised by kefu_a (customer service) and is with the leader its
difficulty's chain names first; it is seen by its reporter and their leader, whoever it is with and the shop
manager, and is a 404 to everyone else. Its actions are answered to those who see it; the services refuse all but
the one it is with. The format: tests/access.py."""
from tests.access import MANAGER, SIGNED_IN, STAFF_WITH_A_POST, Rule, leader, member


def finance_leader():
    from roles.models import Post

    return Post.objects.get(department__code="finance", is_leader=True)


REPORTER = member("customer-service")
HOLDER = leader("marketing")  # the first step of the walked case's chain
SEES_THE_CASE = REPORTER | leader("customer-service") | HOLDER | MANAGER
CASE = {"pk": "case"}
# Filled in as the case page would send it (the hop its reader saw), so that a refusal is the rule's, not the form's.
AS_SEEN = {"note": "已处理", "hop": lambda made: made["case"].hop}

RULES = {
    "escalation:case_list": Rule(get=SIGNED_IN),
    # Raising needs a post: the others are sent to their posts' page.
    "escalation:raise_case": (
        Rule(get=SIGNED_IN, post=STAFF_WITH_A_POST | SIGNED_IN),
        # A forged form: raised as the finance leader's post, which only its holder may raise from.
        Rule(get=SIGNED_IN, post=leader("finance"), refused=SIGNED_IN - leader("finance"), data={
            "post": lambda made: finance_leader().pk, "title": "冒名", "description": "不是我的岗位",
            "difficulty": lambda made: finance_leader().difficulties.order_by("pk").first().pk}, writes=True),
    ),
    "escalation:case_detail": (Rule(get=SEES_THE_CASE, args=CASE),
                               Rule(get=SEES_THE_CASE, args={"pk": "resolved_case"})),
    "escalation:case_action": tuple(
        Rule(get=SIGNED_IN, post=allowed, refused=SEES_THE_CASE - allowed, args={**CASE, "action": action},
             data=AS_SEEN, writes=True)
        for action, allowed in [
            ("accept", HOLDER), ("comment", SEES_THE_CASE), ("ask", HOLDER), ("answer", frozenset()),
            ("pass", HOLDER), ("resolve", HOLDER), ("reopen", frozenset()),
        ]) + (
        # A resolved case (raised by kefu_a too): only its reporter reopens it; the others who see it are refused.
        Rule(get=SIGNED_IN, post=REPORTER, refused=SEES_THE_CASE - REPORTER, writes=True,
             args={"pk": "resolved_case", "action": "reopen"},
             data={"note": "顾客说还没收到", "hop": lambda made: made["resolved_case"].hop}),
    ),
    "escalation:dashboard": Rule(get=SIGNED_IN),  # the old address, sent on to the dashboard
}
