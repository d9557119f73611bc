"""Read queries for the task pages, the stand-ups, the digest and the dashboard panel; each page a fixed number of
queries. One module per noun; this package keeps their names importable as `tasks.selectors.<name>`."""
from .dashboard import dashboard_panel
from .pages import (
    COLUMN_SIZE,
    DEFAULT_SORT,
    DONE_RECENTLY_DAYS,
    DUE_FIRST,
    DUE_LAST,
    PAGE_SIZE,
    SECTION_SIZE,
    SORTS,
    board,
    day_bounds,
    escalation_chain,
    filter_choices,
    filtered,
    missed_periods,
    my_tasks,
    owner_choices,
    task_list,
    task_page,
    week_start,
)
from .standups import (
    DIGEST_ITEMS,
    STANDUP_BY,
    can_read_standup,
    digest_content,
    people_at_work,
    standup_of,
    standup_team,
    team_standups,
)
from .visibility import (
    BADGE_CAP,
    Viewer,
    attach_holders,
    can_work,
    count_open_for,
    holders_by_post,
    manages,
    owned_by,
    owns,
    tasks_about,
    visible_tasks,
    with_owners,
)

__all__ = [
    "BADGE_CAP", "COLUMN_SIZE", "DEFAULT_SORT", "DIGEST_ITEMS", "DONE_RECENTLY_DAYS", "DUE_FIRST", "DUE_LAST",
    "PAGE_SIZE", "SECTION_SIZE", "SORTS", "STANDUP_BY", "Viewer", "attach_holders", "board", "can_read_standup",
    "can_work", "count_open_for", "dashboard_panel", "day_bounds", "digest_content", "escalation_chain",
    "filter_choices", "filtered", "holders_by_post", "manages", "missed_periods", "my_tasks", "owned_by",
    "owner_choices", "owns", "people_at_work", "standup_of", "standup_team", "task_list", "task_page",
    "tasks_about", "team_standups", "visible_tasks", "week_start", "with_owners",
]
