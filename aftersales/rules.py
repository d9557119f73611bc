"""Who may use the after-sales desk and what they may do to a record now: one rule, asked by the pages (which
buttons to show) and by aftersales.services (what to refuse)."""
from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.utils.translation import gettext as _

from roles import selectors as roles
from shopteam.errors import ServiceError

from .models import Complaint, FollowUp, ReturnRequest, Review

ACTIONS = ("act", "close", "escalate", "contact", "check", "correct")


def works_desk(user: User | AnonymousUser) -> bool:
    """The desk is customer service's and the shop manager's."""
    return user.is_authenticated and (roles.holds_in(user, "customer-service") or roles.is_shop_manager(user))


def require_desk(user: User) -> None:
    if not works_desk(user):
        raise ServiceError(_("Only customer service and the shop manager work the after-sales desk."))


def sees_returns(user: User | AnonymousUser) -> bool:
    """Returns are the desk's, and finance reads the ones handed to it."""
    return works_desk(user) or (user.is_authenticated and roles.holds_in(user, "finance"))


def author(record: models.Model) -> User:
    return record.by if isinstance(record, FollowUp) else record.recorded_by  # type: ignore[attr-defined]


def may_correct(record: models.Model, user: User) -> bool:
    """Who made a record, their leader, and the shop manager correct it."""
    made_by = author(record)
    if made_by.pk == user.pk or roles.is_shop_manager(user):
        return True
    return bool(roles.led_departments(user) & roles.member_departments(made_by))


def refusal(record: models.Model, user: User, action: str) -> str | None:
    """Why `user` may not take `action` on `record` now (None: allowed)."""
    if not works_desk(user):
        return _("Only customer service and the shop manager work the after-sales desk.")
    if action == "correct":
        return None if may_correct(record, user) else _(
            "Only whoever recorded it, their leader and the shop manager can correct it.")
    if isinstance(record, Complaint):
        S = Complaint.Status
        if action in ("act", "close"):
            return None if record.status in (S.OPEN, S.DECIDED) else _(
                "This complaint is %(status)s.") % {"status": record.get_status_display()}
        if action == "escalate":
            if not roles.holds_in(user, "customer-service"):
                return _("Only a customer-service post raises the after-sales case.")
            return None if record.status == S.OPEN and not record.decision else _(
                "Only an open complaint not yet decided can go to the shop manager.")
    if isinstance(record, Review) and action in ("contact", "close"):
        return None if record.outcome == Review.Outcome.OPEN else _(
            "This review is closed: %(outcome)s.") % {"outcome": record.get_outcome_display()}
    if isinstance(record, ReturnRequest) and action == "check":
        return None if record.status == ReturnRequest.Status.CHECKING else _(
            "This return has been %(status)s.") % {"status": record.get_status_display()}
    return _("That cannot be done here.")


def allowed_actions(record: models.Model, user: User) -> set[str]:
    return {action for action in ACTIONS if refusal(record, user, action) is None}


def require(record: models.Model, user: User, action: str) -> None:
    if reason := refusal(record, user, action):
        raise ServiceError(reason)
