"""Read queries for the org chart pages and for other apps that need to know who holds a post."""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Prefetch, Q, QuerySet

from .models import Assignment, Department, Difficulty, Post, Step


def current_assignments(on: datetime.date | None = None) -> QuerySet[Assignment]:
    return Assignment.objects.current(on).select_related("user").order_by("start", "pk")


def org_chart(on: datetime.date | None = None) -> QuerySet[Department]:
    """Departments in order, each with its posts and today's holders, in a fixed number of queries."""
    return Department.objects.prefetch_related(
        Prefetch(
            "posts",
            queryset=Post.objects.select_related("reports_to").prefetch_related(
                Prefetch("assignments", queryset=current_assignments(on), to_attr="current")
            ),
        )
    )


def posts_held(user: User | None, on: datetime.date | None = None) -> list[Post]:
    return list(
        Post.objects.filter(assignments__in=Assignment.objects.current(on).filter(user=user))
        .select_related("department")
        .distinct()
    )


def holds(user: User, post: Post | int | None, on: datetime.date | None = None) -> bool:
    return Assignment.objects.current(on).filter(user=user, post=post).exists()


def holds_manager_post(user: User, on: datetime.date | None = None) -> bool:
    return Assignment.objects.current(on).filter(
        user=user, post__is_leader=True, post__department__is_manager_office=True
    ).exists()


def is_shop_manager(user: User) -> bool:
    """Sees and manages everything: whoever holds the shop manager's post today, and the admins."""
    return user.is_superuser or holds_manager_post(user)


def manager_post() -> Post | None:
    return Post.objects.filter(department__is_manager_office=True, is_leader=True).select_related("department").first()


def leader_post(department: Department) -> Post | None:
    return Post.objects.filter(department=department, is_leader=True).first()


def led_departments(user: User, on: datetime.date | None = None) -> set[int]:
    """Ids of the departments whose leader post `user` holds today."""
    leading = Assignment.objects.current(on).filter(user=user, post__is_leader=True)
    return set(leading.values_list("post__department_id", flat=True))


def overstaffed_posts(on: datetime.date | None = None) -> list[Post]:
    """Posts held today by more people than their planned head count, with `holder_count` set."""
    return list(
        Post.objects.annotate(
            holder_count=Count("assignments", filter=Q(assignments__in=Assignment.objects.current(on)))
        ).filter(holder_count__gt=F("head_count"))
    )


def holders(post: Post | None, on: datetime.date | None = None) -> list[User]:
    """The people who hold `post` today, longest-serving first."""
    return [a.user for a in current_assignments(on).filter(post=post)]


def held_post_ids(user: User, on: datetime.date | None = None) -> QuerySet[Assignment, dict[str, int]]:
    """The posts `user` holds today, as a subquery (run inside the query that uses it)."""
    return Assignment.objects.current(on).filter(user=user).values("post_id")


def member_departments(user: User, on: datetime.date | None = None) -> set[int]:
    """Ids of the departments of the posts `user` holds today."""
    return set(Assignment.objects.current(on).filter(user=user).values_list("post__department_id", flat=True))


def holds_in(user: User | AnonymousUser, department_code: str, *, leader: bool = False,
             on: datetime.date | None = None) -> bool:
    """Whether `user` holds a post today in the department with that code (its leader post, with `leader`)."""
    if not user.is_authenticated:
        return False
    memo = _held.get() if on is None else None
    if memo is None:
        held = Assignment.objects.current(on).filter(user=user, post__department__code=department_code)
        if leader:
            held = held.filter(post__is_leader=True)
        return held.exists()
    if user.pk not in memo:
        memo[user.pk] = set(Assignment.objects.current().filter(user=user)
                            .values_list("post__department__code", "post__is_leader"))
    return any(code == department_code and (is_leader or not leader) for code, is_leader in memo[user.pk])


# While a request is handled, holds_in reads each person's departments once: every app's navigation badge and
# rule asks it, a dozen times a page. Any change to who holds what forgets it (roles.apps), so a request that
# hands a post over answers from the new assignments.
_held: ContextVar[dict[int, set[tuple[str, bool]]] | None] = ContextVar("roles_held_departments", default=None)


@contextmanager
def remembering_holds() -> Iterator[None]:
    token = _held.set({})
    try:
        yield
    finally:
        _held.reset(token)


def forget_holds(**_kwargs: object) -> None:
    memo = _held.get()
    if memo is not None:
        memo.clear()


def sees_contact_details(user: User | AnonymousUser) -> bool:
    """Whether `user` sees buyers' phones, names and addresses in full (shopteam.masking masks them for everyone
    else): customer service, whose work is talking to buyers, and the shop manager."""
    return user.is_authenticated and (holds_in(user, "customer-service") or is_shop_manager(user))


def leaders(department_code: str, on: datetime.date | None = None) -> list[User]:
    """Whoever holds the leader post of the department with that code today."""
    assignments = current_assignments(on).filter(post__department__code=department_code, post__is_leader=True)
    return [a.user for a in assignments]


def members(department_code: str, on: datetime.date | None = None) -> list[User]:
    """Each person who holds a post today in the department with that code, once, longest-serving first."""
    assignments = current_assignments(on).filter(post__department__code=department_code)
    return list(dict.fromkeys(a.user for a in assignments))


def difficulties_for(posts: Iterable[Post]) -> QuerySet[Difficulty]:
    """The difficulties a post can meet: the playbook lists them under the group leader, and they are the
    whole group's (an agent of an overloaded customer-service group is overloaded too)."""
    return Difficulty.objects.filter(post__department__in={p.department_id for p in posts})


def post_page(post_id: int) -> Post:
    """A post with its duties, its group's difficulties and each step's contact post and holders today."""
    steps = Step.objects.select_related("department").prefetch_related(
        Prefetch(
            "department__posts",
            queryset=Post.objects.filter(is_leader=True).prefetch_related(
                Prefetch("assignments", queryset=current_assignments(), to_attr="current")
            ),
        )
    )
    post = (
        Post.objects.select_related("department", "reports_to")
        .prefetch_related("duties", Prefetch("assignments", queryset=current_assignments(), to_attr="current"))
        .get(pk=post_id)
    )
    post.group_difficulties = list(
        difficulties_for([post]).select_related("post").prefetch_related(Prefetch("steps", queryset=steps))
    )
    return post
