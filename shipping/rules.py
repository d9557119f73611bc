"""What a person may do on the shipping desk now: one rule per kind of record, asked by the pages (which forms and
buttons to show) and by shipping.services (what to refuse), so neither restates the other.

`refusal(obj, user, action)` is the reason `action` is refused (None: allowed); `allowed_actions(obj, user)` the
set allowed. Objects: an imported order (ship, problem, problem_parcel), a Parcel or PackingProblem (correct), a
ProblemParcel
(follow_up, close, correct), a StoreroomIncident (correct), a posted inventory Stocktake whose loss reaches the
threshold (confirm_loss, dismiss_loss: the product leader's and the shop manager's word on it)."""
from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from inventory.models import Stocktake, TaobaoOrder
from shopteam.errors import ServiceError

from . import selectors
from .models import PackingProblem, Parcel, ProblemParcel, StoreroomIncident

Person = User | AnonymousUser

ACTIONS: dict[type, tuple[str, ...]] = {
    TaobaoOrder: ("ship", "problem", "problem_parcel"),
    Parcel: ("correct",),
    PackingProblem: ("correct",),
    ProblemParcel: ("follow_up", "close", "correct"),
    StoreroomIncident: ("correct",),
    Stocktake: ("confirm_loss", "dismiss_loss"),
}


def require(refusal: str | None) -> None:
    if refusal:
        raise ServiceError(refusal)


def desk_refusal(user: Person) -> str | None:
    return None if selectors.works_the_desk(user) else _(
        "Only the product group and the shop manager work the shipping desk.")


def incident_rights_refusal(user: Person) -> str | None:
    return None if selectors.records_incidents(user) else _(
        "Only the product group's leader and the shop manager record storeroom incidents.")


def _correction_refusal(user: Person, maker: User | None) -> str | None:
    if not user.is_authenticated:
        return _("Sign in first.")
    assert isinstance(user, User)
    if user.is_superuser or (maker is not None and maker.pk == user.pk) or selectors.leads(user, maker):
        return None
    return _("Only whoever recorded it and their leader can correct it.")


def refusal(obj: Any, user: Person, action: str) -> str | None:
    if action not in ACTIONS.get(type(obj), ()):
        return _("Unknown action.")
    if isinstance(obj, TaobaoOrder):
        if (refused := desk_refusal(user)) is not None:
            return refused
        if action == "problem_parcel":
            parcel = getattr(obj, "parcel", None)
            shipped = (parcel is not None and parcel.shipped_at) or (obj.status_rank or 0) > 1
            return None if shipped else _("A problem parcel is recorded against an order that has been shipped.")
        if not selectors.is_open(obj):
            return _("Order %(order)s is not waiting to be shipped: it has been shipped already or is %(status)s.") % {
                "order": obj.order_id, "status": obj.status or "—"}
        return None
    if isinstance(obj, Parcel):
        if not obj.shipped_at:
            return _("This order has not been shipped yet.")
        return desk_refusal(user) or _correction_refusal(user, cast(User | None, obj.shipped_by))
    if isinstance(obj, ProblemParcel):
        if (refused := desk_refusal(user)) is not None:
            return refused
        if action == "correct":
            return _correction_refusal(user, cast(User | None, obj.recorded_by))
        return _("This problem parcel is closed.") if obj.closed_at else None
    if isinstance(obj, PackingProblem):
        return desk_refusal(user) or _correction_refusal(user, cast(User | None, obj.recorded_by))
    if isinstance(obj, StoreroomIncident):
        return incident_rights_refusal(user) or _correction_refusal(
            user, cast(User | None, obj.recorded_by))
    if isinstance(obj, Stocktake):
        return incident_rights_refusal(user) or _stocktake_loss_refusal(obj)
    return _("Unknown action.")


def _stocktake_loss_refusal(stocktake: Stocktake) -> str | None:
    """A stocktake from selectors.stocktake_losses carries its loss; any other is looked up."""
    loss = stocktake if hasattr(stocktake, "decided") else selectors.stocktake_loss(stocktake)
    if loss is None:
        return _("This stocktake is not posted or its loss is under the threshold for a storeroom incident.")
    if getattr(loss, "decided", False):
        return _("This stocktake's loss has been decided on already.")
    return None


def allowed_actions(obj: Any, user: Person) -> set[str]:
    return {action for action in ACTIONS.get(type(obj), ()) if refusal(obj, user, action) is None}
