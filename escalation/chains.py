"""The contact chain a case travels: read from the playbook and the org chart (raising a case stores it; the
task page shows it)."""
from __future__ import annotations

from typing import Any

from django.conf import settings

from roles import selectors as roles_selectors
from roles.models import Difficulty, Post

# One step of a chain: {"department": id, "post": its leader post's id (None without one), "minutes": n}.
ChainEntry = dict[str, Any]


def build_chain(*, post: Post | None = None, difficulty: Difficulty | None = None) -> list[ChainEntry]:
    """The contact chain: one entry per step, {"department", "post" (its leader post, None if it has none),
    "minutes"}. The shop manager's step is always the last, even if an admin's edit lost it."""
    default = settings.ESCALATION_DEFAULT_STEP_MINUTES
    manager = roles_selectors.manager_post()
    if difficulty is not None:
        steps = list(difficulty.steps.order_by("order"))
        leaders = {p.department_id: p.pk for p in Post.objects.filter(
            department__in=[s.department_id for s in steps], is_leader=True)}
        chain = [
            {"department": s.department_id, "post": leaders.get(s.department_id), "minutes": s.deadline_minutes}
            for s in steps
        ]
    else:
        chain = []
        boss = post.reports_to if post is not None else None
        if boss is not None and (manager is None or boss.pk != manager.pk):
            chain.append({"department": boss.department_id, "post": boss.pk, "minutes": default})
    if manager is not None and not any(entry["post"] == manager.pk for entry in chain):
        chain.append({"department": manager.department_id, "post": manager.pk, "minutes": default})
    return chain
