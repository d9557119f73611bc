"""Who may use the task pages. The task walked is kefu_a's, filed by the shop manager; kefu_a's stand-up too. Both
are seen by kefu_a, their group's leader and the shop manager, and a 404 to everyone else. The format:
tests/access.py."""
from tests.access import LEADERS, MANAGER, SIGNED_IN, Rule, leader, member

OWNER = member("customer-service")
SEES_IT = OWNER | leader("customer-service") | MANAGER
TASK = {"pk": "task"}
STANDUP = {"pk": "standup"}

RULES = {
    "tasks:mine": Rule(get=SIGNED_IN),
    "tasks:board": Rule(get=SIGNED_IN),
    "tasks:list": Rule(get=SIGNED_IN),
    "tasks:export": Rule(get=SIGNED_IN),
    "tasks:create": (
        Rule(get=SIGNED_IN, post=SIGNED_IN),
        # Filed for kefu_a: by kefu_a, their leader or the shop manager; anyone else's form is refused.
        Rule(get=SIGNED_IN, post=SEES_IT, refused=SIGNED_IN - SEES_IT, data={
            "title": "替我跑腿", "priority": "normal", "owner": lambda made: f"user:{made['task'].owner_id}"},
             writes=True),
    ),
    "tasks:missed": Rule(get=MANAGER),
    "tasks:standup": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "tasks:standup_team": Rule(get=LEADERS | MANAGER),
    "tasks:standup_detail": Rule(get=SEES_IT, args=STANDUP),
    "tasks:raise_blocker": Rule(get=SIGNED_IN, post=OWNER, args=STANDUP),  # only its writer raises it
    "tasks:task_detail": Rule(get=SEES_IT, args=TASK),
    "tasks:edit": Rule(get=SEES_IT - OWNER, post=SEES_IT - OWNER, args=TASK),  # the owner may not rewrite it
    "tasks:move": Rule(get=SIGNED_IN, post=SEES_IT, args=TASK),
    "tasks:add_subtask": Rule(get=SIGNED_IN, post=SEES_IT, args=TASK),
    "tasks:tick_subtask": Rule(get=SIGNED_IN, post=SEES_IT, args={**TASK, "subtask_pk": "subtask"}),
    "tasks:comment": Rule(get=SIGNED_IN, post=SEES_IT, args=TASK),
    "tasks:escalate": Rule(get=SIGNED_IN, post=SEES_IT, args=TASK),
}
