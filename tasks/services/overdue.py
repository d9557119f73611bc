"""Overdue tasks escalate: past its post's grace a task becomes a case along the org chart, by a click or by the
periodic job, once."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from escalation.models import Case
from escalation.services import raise_case
from roles.models import Post
from shopteam.errors import ServiceError
from shopteam.people import display_name, moment_text

from .. import rules
from ..models import Task, TaskEvent
from .board import complete_tasks_about
from .calendars import _Calendars
from .history import locked, write_event
from .owners import main_post


def escalation_post(task: Task) -> Post | None:
    """The post an overdue task is escalated for: its post, or its owner's main post (None if they hold none)."""
    if task.post_id:
        return task.post
    return main_post(task.owner) if task.owner is not None else None


def escalation_state(task: Task, *, now: datetime.datetime | None = None,
                     calendars: _Calendars | None = None) -> rules.EscalationState:
    """Where an open task stands on escalation: {"post", "grace" (working minutes), "overdue_minutes",
    "available_at" (when it may be escalated), "escalatable", "escalated", "automatic"}. The grace is the post's,
    counted in the working hours of the task's department."""
    now = now or timezone.now()
    post = escalation_post(task)
    state: rules.EscalationState = {
        "post": post, "grace": None, "overdue_minutes": 0, "available_at": None, "escalatable": False,
        "escalated": task.escalated_at is not None, "automatic": bool(post and post.escalate_overdue_tasks)}
    if post is None or task.due is None or not task.is_open:
        return state
    calendar = (calendars or _Calendars())(task.department)
    state["grace"] = post.overdue_grace_minutes
    available_at = calendar.add_working_minutes(task.due, post.overdue_grace_minutes)
    state["available_at"] = available_at
    if task.due < now:
        state["overdue_minutes"] = calendar.working_minutes_between(task.due, now)
    state["escalatable"] = not state["escalated"] and task.due < now and available_at <= now
    return state


def escalate_task(task: Task, *, by: User | None = None, now: datetime.datetime | None = None,
                  calendars: _Calendars | None = None) -> Case:
    """Turn a task overdue past its post's grace into a case that Shopteam raises (no reporter) for the task's
    post: it goes to that post's leader, then the shop manager, and links back to the task. `by` is whoever
    clicked (None: the automatic job). Claimed on the task, so two clicks or two runs raise one case."""
    now = now or timezone.now()
    with transaction.atomic():
        task = locked(task)
        state = escalation_state(task, now=now, calendars=calendars)
        rules.require(rules.refusal(task, by, "escalate", escalation=state))
        if not Task.objects.filter(pk=task.pk, escalated_at__isnull=True).update(escalated_at=now):
            raise ServiceError(_("This task has already been escalated."))
        with translation.override(settings.LANGUAGE_CODE):
            description = _(
                "The task “%(title)s” (%(owner)s) was due %(due)s and is still %(status)s: overdue by "
                "%(minutes)s working minutes, past the grace of %(grace)s."
            ) % {"title": task.title, "owner": task.post or display_name(task.owner), "due": moment_text(task.due),
                 "status": task.get_status_display(), "minutes": state["overdue_minutes"], "grace": state["grace"]}
            if by is not None:
                description += "\n" + _("Escalated by %(name)s.") % {"name": display_name(by)}
            title = Truncator(_("Overdue task: %(title)s") % {"title": task.title}).chars(120)
        case = raise_case(source="tasks.overdue", post=state["post"], description=description, title=title,
                          subject=task, key=f"task-{task.pk}")
        write_event(task, TaskEvent.Kind.ESCALATED, by=by, new=f"#{case.pk}", at=now,
                    note=_("Case #%(id)s raised for %(post)s.") % {"id": case.pk, "post": state["post"]})
        return case


def escalate_overdue_tasks(*, now: datetime.datetime | None = None) -> list[Case]:
    """The periodic job: escalate every open task past its grace whose post escalates by itself (the task's
    post, or for a person's task their main post). Safe to run twice or beside another. Returns the cases."""
    now = now or timezone.now()
    candidates = (
        Task.objects.filter(status__in=Task.OPEN, due__lt=now, escalated_at__isnull=True)
        .filter(Q(post__escalate_overdue_tasks=True) | Q(owner__isnull=False))
        .select_related("post", "owner", "department")
        .order_by("due", "pk")
    )
    calendars = _Calendars()
    cases: list[Case] = []
    for task in candidates:
        post = escalation_post(task)
        if post is None or not post.escalate_overdue_tasks:
            continue
        if not escalation_state(task, now=now, calendars=calendars)["escalatable"]:
            continue
        try:
            cases.append(escalate_task(task, now=now, calendars=calendars))
        except ServiceError:
            continue  # another run escalated it meanwhile, or the task changed
    return cases


def complete_tasks_about_resolved_case(case: Case, *, by: User | None) -> int:
    """A case was resolved: the tasks filed from it (source "case") are done."""
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Case #%(id)s was resolved.") % {"id": case.pk}
    return complete_tasks_about(case, source=Task.Source.CASE, note=note, by=by)

