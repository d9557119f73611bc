"""Every change to the org chart that is not a plain admin edit: loading the playbook, the demo team,
and keeping the department auth groups in step with who holds which post."""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopteam.errors import ServiceError
from shopteam.notifications.services import notify
from shopteam.people import display_name
from shopteam.workcalendar.models import WorkSchedule
from shopteam.workcalendar.services import ensure_schedules

from . import playbook, signals
from .models import Assignment, Department, Difficulty, Duty, Post, Step


@transaction.atomic
def load_playbook() -> dict[str, int]:
    """Create whatever of the playbook is missing; never duplicate, never overwrite an admin's edit.

    Returns a dict of how many rows of each kind were created (all zero on a second run).
    """
    created = dict.fromkeys(["departments", "posts", "duties", "difficulties", "steps"], 0)
    ensure_schedules()
    schedules = {s.code: s for s in WorkSchedule.objects.filter(code__in=playbook.DEPARTMENT_SCHEDULES.values())}
    departments: dict[str, Department] = {}
    for order, (code, name, name_en, is_manager_office) in enumerate(playbook.DEPARTMENTS):
        departments[code], made = Department.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "is_manager_office": is_manager_office, "order": order},
        )
        created["departments"] += made
        schedule_code = playbook.DEPARTMENT_SCHEDULES.get(code)
        schedule = schedules.get(schedule_code) if schedule_code is not None else None
        # Empty means the default schedule; the admin picks office hours explicitly to override the playbook.
        if schedule and departments[code].work_schedule_id is None:
            departments[code].work_schedule = schedule
            departments[code].save(update_fields=["work_schedule"])

    posts: dict[str, Post] = {}
    for order, (title, title_en, department_code, is_leader, _boss) in enumerate(playbook.POSTS):
        posts[title], made = Post.objects.get_or_create(
            title=title,
            defaults={
                "title_en": title_en,
                "department": departments[department_code],
                "is_leader": is_leader,
                "order": order,
            },
        )
        created["posts"] += made
    for title, _en, _department, _leader, boss in playbook.POSTS:
        post = posts[title]
        if boss and post.reports_to_id is None:
            post.reports_to = posts[boss]
            post.save(update_fields=["reports_to"])

    for title, duties in playbook.DUTIES.items():
        post = posts[title]
        if post.duties.exists():
            continue  # the admin owns this post's duties once they exist
        Duty.objects.bulk_create(
            Duty(post=post, kind=kind, text=text, text_en=text_en, order=order)
            for order, (kind, text, text_en) in enumerate(duties, start=1)
        )
        created["duties"] += len(duties)

    for order, (code, title, name, name_en, condition, condition_en, chain) in enumerate(playbook.DIFFICULTIES):
        difficulty, made = Difficulty.objects.get_or_create(
            code=code,
            defaults={
                "post": posts[title],
                "name": name,
                "name_en": name_en,
                "condition": condition,
                "condition_en": condition_en,
                "order": order,
            },
        )
        created["difficulties"] += made
        if made:
            chain_departments = [departments[c] for c in chain]
            Difficulty.check_chain(chain_departments)
            for position, department in enumerate(chain_departments, start=1):
                Step.objects.create(difficulty=difficulty, order=position, department=department)
            created["steps"] += len(chain_departments)
    return created


@transaction.atomic
def load_duty_recurrences() -> dict[str, int]:
    """Give the playbook's repeating duties their recurrence (playbook.RECURRING_DUTIES), adding to their posts
    the ones the playbook's duty lists do not have. Safe to run again; never overrides an admin: a duty whose
    recurrence was ever set or cleared keeps it, and a duty once added and then deleted is not added again.

    Returns how many duties were added and how many were given a recurrence.
    """
    done = {"duties": 0, "recurrences": 0}
    posts = {post.title: post for post in Post.objects.filter(title__in={row[0] for row in playbook.RECURRING_DUTIES})}
    listed = {(title, text) for title, duties in playbook.DUTIES.items() for _kind, text, _en in duties}
    for title, kind, text, text_en, fields in playbook.RECURRING_DUTIES:
        post = posts.get(title)
        if post is None:
            continue
        duty = post.duties.filter(text=text).first()
        if duty is None:
            ever = Duty.history.filter(post_id=post.pk, text=text).exists()
            if (title, text) in listed or ever:
                continue  # the admin rewrote or removed it: theirs
            order = (post.duties.order_by("-order").values_list("order", flat=True).first() or 0) + 1
            duty = Duty.objects.create(post=post, kind=kind, text=text, text_en=text_en, order=order)
            done["duties"] += 1
        if duty.recurrence or duty.history.exclude(recurrence="").exists():
            continue
        for field, value in fields.items():
            setattr(duty, field, value)
        duty.full_clean()
        duty.save()
        done["recurrences"] += 1
    return done


@transaction.atomic
def load_demo_team() -> list[str]:
    """Add the demo people and their posts; refused outside demo mode because they share one password."""
    if not settings.DEMO_MODE:
        raise ServiceError(_("The demo team can only be loaded in demo mode (DEBUG or SHOPTEAM_DEMO)."))
    load_playbook()
    User = get_user_model()
    created = []
    username, full_name = playbook.DEMO_ADMIN
    people: list[tuple[str, str, list[str]]] = [(username, full_name, []), *playbook.DEMO_PEOPLE]
    for username, full_name, titles in people:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={"first_name": full_name, "email": f"{username}@shopteam.example"},
        )
        if made:
            user.set_password(playbook.DEMO_PASSWORD)
            if username == playbook.DEMO_ADMIN[0]:
                user.is_staff = user.is_superuser = True
            user.save()
            created.append(username)
        for title in titles:
            post = Post.objects.get(title=title)
            if not Assignment.objects.current().filter(user=user, post=post).exists():
                Assignment.objects.create(user=user, post=post, start=timezone.localdate().replace(month=1, day=1))
    sync_department_groups()
    return created


HAND_OVER_MESSAGES = {
    "post.handed_over": (gettext_lazy("You hand over %(post)s"),
                         gettext_lazy("%(by)s handed %(post)s over to %(name)s from %(on)s: your last day holding it "
                                      "is %(last)s.")),
    "post.taken_over": (gettext_lazy("You hold %(post)s from %(on)s"),
                        gettext_lazy("%(by)s handed %(post)s over to you from %(on)s, taking over from %(name)s.")),
}


@transaction.atomic
def hand_post_over(assignment: Assignment, *, to: User, on: datetime.date, by: User | None) -> Assignment:
    """Move a post from one person to another: `assignment` ends the day before `on` and `to` holds the post from
    `on`, in one transaction, each change in the assignments' history under `by`; both people are told. This is
    the only way a post changes hands: a saved assignment's person never changes (the record would say the new
    person held the post all along). Returns the new assignment. Refuses (ServiceError) a handover on or before
    the assignment's first day or after its last, to the person who holds it, or to someone who cannot sign in.
    """
    old = Assignment.objects.select_for_update().select_related("user", "post").get(pk=assignment.pk)
    last = on - datetime.timedelta(days=1)
    if on <= old.start:
        raise ServiceError(_("%(name)s holds %(post)s from %(start)s: hand it over on a later day, or delete the "
                             "assignment if it was a mistake.") % {"name": display_name(old.user), "post": old.post,
                                                                    "start": old.start})
    if old.end is not None and old.end < on:
        raise ServiceError(_("%(name)s's assignment to %(post)s ended on %(end)s: there is nothing to hand over on "
                             "%(on)s; add an assignment for the new person instead.")
                           % {"name": display_name(old.user), "post": old.post, "end": old.end, "on": on})
    if to.pk == old.user_id:
        raise ServiceError(_("%(name)s already holds %(post)s.") % {"name": display_name(to), "post": old.post})
    if not to.is_active:
        raise ServiceError(_("%(name)s can no longer sign in: choose someone else.") % {"name": display_name(to)})
    old.end = last
    old._history_user = by
    old.save(update_fields=["end"])
    new = Assignment(user=to, post=old.post, start=on)
    try:
        new.full_clean()
    except ValidationError as error:
        raise ServiceError(error.messages) from error
    new._history_user = by
    new.save()
    params = {"post": old.post, "on": on, "last": last, "by": display_name(by)}
    url = reverse("roles:post_detail", args=[old.post.pk])
    for event, person, other in (("post.handed_over", old.user, to), ("post.taken_over", to, old.user)):
        title, body = HAND_OVER_MESSAGES[event]
        notify([person], title=title, body=body, params={**params, "name": display_name(other)}, url=url,
               event=event)
    record_holders_changed(posts=[old.post])
    return new


@transaction.atomic
def record_holders_changed(*, posts: Iterable[Post] | None = None) -> int:
    """Who holds `posts` (None: any post) may have changed: bring the department groups in step and, after
    commit, tell the apps whose work follows a post's holders (roles.signals.post_holders_changed)."""
    changed = sync_department_groups()
    posts = None if posts is None else list(posts)
    transaction.on_commit(partial(signals.post_holders_changed.send, sender=Post, posts=posts))
    return changed


@transaction.atomic
def sync_department_groups(*, users: Iterable[User] | None = None, on: datetime.date | None = None) -> int:
    """Make each person a member of exactly the department groups of the posts they hold today.

    Groups that do not mirror a department (made by an admin by hand) are left alone. Safe to run twice.
    Returns how many memberships were added or removed.
    """
    User = get_user_model()
    department_groups = set(Group.objects.filter(department__isnull=False).values_list("pk", flat=True))
    wanted: dict[int, set[int | None]] = {}
    for user_id, group_id in Assignment.objects.current(on).values_list("user_id", "post__department__group_id"):
        wanted.setdefault(user_id, set()).add(group_id)
    people = User.objects.all() if users is None else User.objects.filter(pk__in=[u.pk for u in users])
    Membership = User.groups.through
    changed = 0
    for user in people.prefetch_related("groups"):
        have = {g.pk for g in user.groups.all()} & department_groups
        want = wanted.get(user.pk, set())
        if have - want:
            Membership.objects.filter(user_id=user.pk, group_id__in=have - want).delete()
        if want - have:
            Membership.objects.bulk_create(Membership(user_id=user.pk, group_id=g) for g in want - have)
        changed += len(have ^ want)
    return changed
