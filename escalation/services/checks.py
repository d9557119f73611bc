"""The checks every decision about a case starts with: the lock on the state the person saw and what they wrote;
who may act is escalation.rules."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError, checked_text

from ..models import Case


def _locked(case: Case, hop: int | None) -> Case:
    """Re-read the case under a row lock; refuse a decision taken on a state that has since moved."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if hop is not None and locked.hop != hop:
        raise ServiceError(_("This case has moved on since you opened it; reload the page and look again."))
    return locked


def _text(text: str, *, required: str | None, limit: int = Case.TEXT_MAX) -> str:
    return checked_text(text, limit=limit, required=required)


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ServiceError(_("This case is resolved; its reporter can reopen it."))


def _require_admin(user: User) -> None:
    if not (user.is_superuser or user.has_perm("escalation.change_case")):
        raise ServiceError(_("Only an admin can correct a case."))
