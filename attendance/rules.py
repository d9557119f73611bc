"""Who may do what with attendance, from the org chart: one rule each, used by pages and services alike.

A leader records for the people of the groups they lead (never for themselves), the shop manager for everyone; a
person sees their own month. A record is corrected or voided by who made it, their leader, or the shop manager.
What a record's page offers is its `allowed_actions`, the same set the services accept."""
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from roles.selectors import is_shop_manager, led_departments

from . import selectors
from .models import Record

Person = AbstractBaseUser | AnonymousUser


def keeps_attendance(user: Person) -> bool:
    """Sees a month sheet and records: whoever leads a group today, and the shop manager."""
    return user.is_authenticated and (is_shop_manager(user) or bool(led_departments(user)))  # type: ignore[arg-type]


def may_record_for(user: Person, person: AbstractBaseUser) -> bool:
    """A leader for a person of a group they lead; the shop manager for anyone; nobody for themselves."""
    if not user.is_authenticated or user.pk == person.pk:
        return False
    return is_shop_manager(user) or person.pk in selectors.group_member_ids(user)  # type: ignore[arg-type]


def may_see_person(user: Person, person: AbstractBaseUser) -> bool:
    """A person's month: the person, whoever may record for them."""
    return user.is_authenticated and (user.pk == person.pk or may_record_for(user, person))


def may_correct(record: Record, user: Person) -> bool:
    """Correct or void a live record: who made it, a leader of a group they belong to, or the shop manager."""
    if record.is_void or not user.is_authenticated or user.pk == record.person_id:
        return False
    if user.pk == record.recorded_by_id or is_shop_manager(user):  # type: ignore[arg-type]
        return True
    return record.recorded_by_id in selectors.group_member_ids(user)  # type: ignore[arg-type]


def allowed_actions(record: Record, user: Person) -> frozenset[str]:
    """The buttons a record's page shows, and the changes its services accept: "correct", "void"."""
    return frozenset({"correct", "void"}) if may_correct(record, user) else frozenset()
