"""How a task's people are named on its card, its page and in a download."""
from django.utils.translation import gettext as _

from roles import selectors as roles_selectors
from shopteam.people import display_name


def owner_text(task):
    """The owner as a card names it: the person, or the post and whoever holds it today (attach_holders)."""
    if task.owner_id is not None:
        return display_name(task.owner)
    holders = getattr(task, "holders", None)
    if holders is None:
        holders = roles_selectors.holders(task.post)
    names = "、".join(display_name(user) for user in holders)
    return f"{task.post}（{names or _('vacant')}）"
