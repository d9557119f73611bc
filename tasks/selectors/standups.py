"""Read queries for the stand-ups and the morning digest: who is at work, whose stand-up is missing."""
from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from roles.models import Department, Post
from roles.selectors import current_assignments, is_shop_manager, led_departments
from shopteam.workcalendar.calc import ClockCalendar, WorkCalendar

from ..models import Standup, Task
from .pages import day_bounds
from .visibility import owned_by

# One working calendar per department, shared by a whole page or run (tasks.services._Calendars).
Calendars = Callable[[Department | None], WorkCalendar | ClockCalendar]
DIGEST_ITEMS = 10  # tasks listed per part of the digest; the rest are counted


def standup_of(user: User, day: datetime.date) -> Standup | None:
    return Standup.objects.filter(person=user, date=day).first()


def people_at_work(day: datetime.date | None = None) -> list[tuple[User, Post]]:
    """Each active person holding a post on `day`, once, with their main post (the first in the org chart's
    order): the department whose calendar says whether they work that day."""
    people: dict[int, tuple[User, Post]] = {}
    for assignment in current_assignments(day).select_related("post__department").filter(user__is_active=True):
        post = assignment.post
        held = people.get(assignment.user_id)
        if held is None or _chart_order(post) < _chart_order(held[1]):
            people[assignment.user_id] = (assignment.user, post)
    return sorted(people.values(), key=lambda pair: pair[0].pk)


def _chart_order(post: Post) -> tuple[int, bool, int, int]:
    return (post.department.order, not post.is_leader, post.order, post.pk)


def standup_team(user: User, *, day: datetime.date | None = None) -> list[tuple[User, Post]] | None:
    """The people whose stand-ups `user` reads (the shop manager everyone; a leader their departments'), each
    with their main post; None for anyone else."""
    day = day or timezone.localdate()
    team = people_at_work(day)
    if is_shop_manager(user):
        return team
    led = led_departments(user)
    if not led:
        return None
    in_led = set(current_assignments(day).filter(post__department__in=led).values_list("user_id", flat=True))
    return [(person, post) for person, post in team if person.pk in in_led]


def can_read_standup(standup: Standup, user: User) -> bool:
    if standup.person_id == user.pk or is_shop_manager(user):
        return True
    led = led_departments(user)
    return bool(led) and current_assignments().filter(user_id=standup.person_id, post__department__in=led).exists()


STANDUP_BY = datetime.time(10, 0)  # the stand-up is written by 10:00 on a working day


def team_standups(user: User, *, day: datetime.date, now: datetime.datetime | None = None,
                  calendars: Calendars) -> list[dict[str, Any]] | None:
    """For the stand-up page: each team member with their stand-up of `day` (or None) and whether they are
    missing it (a working day in their department's calendar, and 10:00 has passed)."""
    now = now or timezone.now()
    team = standup_team(user, day=day)
    if team is None:
        return None
    written = {s.person_id: s for s in Standup.objects.filter(date=day, person__in=[p for p, _post in team])}
    deadline = timezone.make_aware(datetime.datetime.combine(day, STANDUP_BY))
    rows = []
    for person, post in team:
        works = calendars(post.department).is_working_day(day)
        standup = written.get(person.pk)
        rows.append({"person": person, "post": post, "standup": standup, "works": works,
                     "missing": standup is None and works and now >= deadline})
    return rows


def digest_content(person: User, *, now: datetime.datetime, calendars: Calendars) -> dict[str, Any]:
    """What a person's morning digest says: their open tasks due today and overdue, whether they wrote a stand-up
    on their last working day, and (for a leader, or the shop manager) who in their team did not."""
    _today, tomorrow = day_bounds(now)
    mine = Task.objects.filter(owned_by(person), status__in=Task.OPEN)
    due_today = mine.filter(due__gte=now, due__lt=tomorrow).order_by("due", "pk")
    overdue = mine.filter(due__lt=now).order_by("due", "pk")
    today = timezone.localdate(now)
    team = standup_team(person, day=today) or []
    everyone = {p.pk: (p, post) for p, post in [*team, *[pair for pair in people_at_work(today) if pair[0] == person]]}
    previous = {
        pk: calendars(post.department).working_day_on_or_before(today - datetime.timedelta(days=1))
        for pk, (_p, post) in everyone.items()
    }
    written = set(
        Standup.objects.filter(person__in=list(everyone), date__in=set(previous.values())).values_list(
            "person_id", "date")
    )
    gaps = [(everyone[pk][0], day) for pk, day in previous.items() if (pk, day) not in written and pk != person.pk]
    return {
        "due_today": list(due_today[:DIGEST_ITEMS]), "due_count": due_today.count(),
        "overdue": list(overdue[:DIGEST_ITEMS]), "overdue_count": overdue.count(),
        "previous_day": previous.get(person.pk),
        "missed_own": person.pk in previous and (person.pk, previous[person.pk]) not in written,
        "gaps": sorted(gaps, key=lambda pair: pair[0].pk),
    }
