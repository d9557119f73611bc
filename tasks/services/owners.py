"""Who owns a task and who may file one for whom: read from the org chart today."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from roles import selectors as roles_selectors
from roles.models import Department, Post
from shopteam.people import display_name

from ..models import Task


def owners(task: Task) -> list[User]:
    """Who owns `task` today: its person, or whoever holds its post now."""
    if (owner := task.owner) is not None:  # no query without an owner: a post's task
        return [owner]
    return roles_selectors.holders(task.post)


def main_post(user: User) -> Post | None:
    """The post a person's own tasks and cases are filed under: the first they hold in the org chart's order."""
    posts = roles_selectors.posts_held(user)
    return posts[0] if posts else None


def owner_department(*, owner: User | None, post: Post | None, by: User | None) -> Department | None:
    if post is not None:
        return post.department
    held = roles_selectors.posts_held(owner)
    if by is not None:
        led = roles_selectors.led_departments(by)
        for held_post in held:
            if held_post.department_id in led:
                return held_post.department  # a leader filing for a member of their own department
    return held[0].department if held else None


def may_file_for(by: User | None, *, owner: User | None = None, post: Post | None = None) -> bool:
    """A person files tasks for themselves and their posts; a leader for their department; the shop manager for
    anyone. (Shopteam itself, by=None, files anywhere.)"""
    if by is None or roles_selectors.is_shop_manager(by):
        return True
    led = roles_selectors.led_departments(by)
    if post is not None:
        return post.department_id in led or roles_selectors.holds(by, post)
    assert owner is not None
    if owner.pk == by.pk:
        return True
    return bool(led & {p.department_id for p in roles_selectors.posts_held(owner)})


def check_owner(*, by: User | None, owner: User | None, post: Post | None, errors: list[str]) -> bool:
    if (owner is None) == (post is None):
        errors.append(_("Choose who owns the task: a person or a post, not both."))
        return False
    if post is not None and not roles_selectors.holders(post):
        errors.append(_("Nobody holds %(post)s today, so nobody would do this task: choose another owner, or ask "
                        "an admin to assign the post first.") % {"post": post})
        return False
    if owner is not None and not owner.is_active:
        errors.append(_("%(name)s can no longer sign in: choose another owner.") % {"name": display_name(owner)})
        return False
    if not may_file_for(by, owner=owner, post=post):
        errors.append(_("You can file tasks for yourself and your posts; a leader for their department; the shop "
                        "manager for anyone."))
        return False
    return True
