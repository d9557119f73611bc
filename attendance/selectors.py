"""Read queries for the attendance pages, the Excel sheet and the next issue's pay and assessment: every one costs
the same number of queries however many people or records there are."""
from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import pgettext_lazy

from roles.models import Assignment, Department
from roles.selectors import is_shop_manager, led_departments

from .models import Correction, Kind, Record

# One character a weekday, for the month sheet's header (Chinese: 一 … 日).
WEEKDAYS = [pgettext_lazy("weekday", "Mo"), pgettext_lazy("weekday", "Tu"), pgettext_lazy("weekday", "We"),
            pgettext_lazy("weekday", "Th"), pgettext_lazy("weekday", "Fr"), pgettext_lazy("weekday", "Sa"),
            pgettext_lazy("weekday", "Su")]


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of the month `month` falls in."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def live_records() -> QuerySet[Record]:
    return Record.objects.filter(voided_at__isnull=True)


def active_kinds() -> QuerySet[Kind]:
    return Kind.objects.filter(active=True)


def group_member_ids(user: User, on: datetime.date | None = None) -> set[int]:
    """The people (ids) who hold a post today in a group `user` leads, `user` left out."""
    departments = led_departments(user, on)
    if not departments:
        return set()
    ids = Assignment.objects.current(on).filter(post__department_id__in=departments).values_list("user_id", flat=True)
    return set(ids) - {user.pk}


def recordable_people(user: User) -> QuerySet[Any]:
    """Whom `user` may record for: the shop manager everyone holding a post today, a leader their groups."""
    held = Assignment.objects.current()
    if not is_shop_manager(user):
        held = held.filter(user_id__in=group_member_ids(user))
    return User.objects.filter(is_active=True, pk__in=held.values("user_id")).exclude(pk=user.pk).order_by(
        "username")


def sheet_departments(user: User) -> QuerySet[Department]:
    """The groups whose month sheet `user` may open: the shop manager every one, a leader those they lead."""
    if is_shop_manager(user):
        return Department.objects.order_by("order", "pk")
    return Department.objects.filter(pk__in=led_departments(user)).order_by("order", "pk")


def _people_of(department_ids: list[int] | None, first: datetime.date, last: datetime.date) -> QuerySet[Any]:
    """The people who held a post in those departments (None: any) at some time in the month."""
    held = Assignment.objects.filter(Q(start__lte=last), Q(end__isnull=True) | Q(end__gte=first))
    if department_ids is not None:
        held = held.filter(post__department_id__in=department_ids)
    return User.objects.filter(pk__in=held.values("user_id")).order_by("username")


class Mark(NamedTuple):
    """A live record as the month sheet shows it: its id, its kind, its points."""

    pk: int
    kind: Kind
    points: int


def month_sheet(user: User, month: datetime.date, department: Department | None = None) -> dict[str, Any]:
    """People × days of one month for `user` (a leader: their groups; the shop manager: everyone, or one group),
    `user` left out. Four queries at any size.

    Returns {"days", "rows": [{"person", "cells": [[record, …] per day], "late_or_early", "leave", "points"}],
    "first", "last"}."""
    first, last = month_bounds(month)
    if department is not None:
        department_ids: list[int] | None = [department.pk]
    elif is_shop_manager(user):
        department_ids = None
    else:
        department_ids = sorted(led_departments(user))
    people = list(_people_of(department_ids, first, last).exclude(pk=user.pk))
    kinds = {kind.pk: kind for kind in Kind.objects.all()}
    # Plain tuples, not model instances: a full month of a 50-person group is a thousand records or more.
    records = (live_records().filter(person__in=[p.pk for p in people], day__range=(first, last))
               .order_by("day", "kind__order", "pk").values_list("pk", "person_id", "day", "kind_id", "points"))
    by_person: dict[int, dict[int, list[Mark]]] = defaultdict(lambda: defaultdict(list))
    for pk, person_id, day, kind_id, points in records:
        by_person[person_id][day.day].append(Mark(pk, kinds[kind_id], points))
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    rows = []
    for person in people:
        cells = by_person.get(person.pk, {})
        found = [mark for marks in cells.values() for mark in marks]
        rows.append({
            "person": person,
            "cells": [(day, cells.get(day.day, [])) for day in days],
            "late_or_early": sum(r.kind.counts_as == Kind.CountsAs.LATE_OR_EARLY for r in found),
            "leave": sum(r.kind.counts_as == Kind.CountsAs.LEAVE for r in found),
            "points": sum(r.points for r in found),
        })
    return {"days": days, "weekdays": [(day, WEEKDAYS[day.weekday()]) for day in days], "rows": rows,
            "first": first, "last": last}


def person_month(person: User, month: datetime.date) -> dict[str, Any]:
    """One person's records of a month, voided ones too (struck through), with who recorded them, and the totals
    of the live ones. Two queries at any size."""
    first, last = month_bounds(month)
    records = list(Record.objects.filter(person=person, day__range=(first, last))
                   .select_related("kind", "recorded_by", "voided_by")
                   .annotate(correction_count=Count("corrections")).order_by("day", "kind__order", "pk"))
    live = [r for r in records if not r.is_void]
    return {
        "records": records, "first": first, "last": last,
        "late_or_early": sum(r.kind.counts_as == Kind.CountsAs.LATE_OR_EARLY for r in live),
        "leave": sum(r.kind.counts_as == Kind.CountsAs.LEAVE for r in live),
        "points": sum(r.points for r in live),
    }


def record_page(pk: int) -> Record:
    """A record with its person, kind, who made and voided it, and every correction with its kinds."""
    return (Record.objects.select_related("person", "kind", "recorded_by", "voided_by")
            .prefetch_related(Prefetch("corrections",
                                       queryset=Correction.objects.select_related("by", "old_kind", "new_kind")))
            .get(pk=pk))


# --- what the next issue (pay and assessment) reads ------------------------------------------------------------


def points_for(user: User, month: datetime.date) -> int:
    """The attendance points of `user` in the month `month` falls in: the sum of their live records' points (0 or
    less: −2 per late arrival or early leave, −1 per approved leave with document 002's values). One query."""
    first, last = month_bounds(month)
    total = live_records().filter(person=user, day__range=(first, last)).aggregate(
        total=Coalesce(Sum("points"), 0))["total"]
    return int(total)


def month_summary(month: datetime.date) -> dict[int, dict[str, int]]:
    """user id → {"late_or_early": n, "leave": n, "points": n} for the month `month` falls in: everyone who held
    a post at some time in the month (zeros when nothing was recorded) and anyone with a record in it. Two
    queries, however many people."""
    first, last = month_bounds(month)
    held = Assignment.objects.filter(Q(start__lte=last), Q(end__isnull=True) | Q(end__gte=first))
    summary: dict[int, dict[str, int]] = {
        user_id: {"late_or_early": 0, "leave": 0, "points": 0}
        for user_id in held.values_list("user_id", flat=True).distinct()
    }
    rows = (live_records().filter(day__range=(first, last)).values("person_id", "kind__counts_as")
            .annotate(n=Count("pk"), points=Sum("points")).order_by())
    for row in rows:
        figures = summary.setdefault(row["person_id"], {"late_or_early": 0, "leave": 0, "points": 0})
        figures[row["kind__counts_as"]] += row["n"]
        figures["points"] += int(row["points"])
    return summary


def group_this_month(user: User, today: datetime.date) -> dict[str, Any]:
    """The dashboard's panel: this month's records in the groups `user` keeps (counts and points). One query."""
    first, last = month_bounds(today)
    records = live_records().filter(day__range=(first, last))
    if not is_shop_manager(user):
        records = records.filter(person_id__in=group_member_ids(user))
    totals = records.aggregate(
        late_or_early=Count("pk", filter=Q(kind__counts_as=Kind.CountsAs.LATE_OR_EARLY)),
        leave=Count("pk", filter=Q(kind__counts_as=Kind.CountsAs.LEAVE)),
        points=Coalesce(Sum("points"), 0), people=Count("person", distinct=True))
    return {"first": first, **totals}
