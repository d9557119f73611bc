"""Problem parcels (问题件), followed until closed, and storeroom incidents (库房事故); corrections keep the old
values in each record's history."""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.models import Stocktake, TaobaoOrder
from roles import selectors as roles_selectors
from shopteam.errors import ServiceError, checked_text
from shopteam.notifications.services import notify
from shopteam.people import display_name

from .. import rules, selectors
from ..models import ProblemParcel, StocktakeLossDecision, StoreroomIncident


def _what_done(text: str) -> str:
    return checked_text(text, limit=2000, required=_("Write what was done about it."))


def record_problem_parcel(order: TaobaoOrder, *, by: User, kind: str, what_done: str) -> ProblemParcel:
    """A shipped parcel went wrong (lost, returned, refused, damaged in transit): recorded with what was done;
    customer service is told, since the buyer will ask them."""
    if kind not in ProblemParcel.Kind.values:
        raise ServiceError(_("Choose what happened: lost, returned, refused or damaged in transit."))
    what_done = _what_done(what_done)
    with transaction.atomic():
        locked = TaobaoOrder.objects.select_for_update(of=("self",)).select_related("parcel").get(pk=order.pk)
        rules.require(rules.refusal(locked, by, "problem_parcel"))
        problem = ProblemParcel.objects.create(order=locked, kind=kind, what_done=what_done, recorded_by=by)
        notify(roles_selectors.members("customer-service"),
               title=gettext_lazy("Problem parcel on order %(order)s: %(kind)s"),
               body=gettext_lazy("%(name)s recorded it: %(what)s"),
               params={"order": locked.order_id, "kind": problem.get_kind_display(), "name": display_name(by),
                       "what": what_done},
               url=reverse("shipping:problem_parcel", args=[problem.pk]), event="shipping.problem_parcel")
        return problem


def _locked_problem(problem: ProblemParcel) -> ProblemParcel:
    return ProblemParcel.objects.select_for_update(of=("self",)).select_related("recorded_by").get(pk=problem.pk)


def follow_up_problem_parcel(problem: ProblemParcel, *, by: User, what_done: str) -> ProblemParcel:
    """What was done next; each step stays in the history."""
    what_done = _what_done(what_done)
    with transaction.atomic():
        locked = _locked_problem(problem)
        rules.require(rules.refusal(locked, by, "follow_up"))
        locked.what_done = what_done
        locked._change_reason = _("Followed up by %(name)s") % {"name": display_name(by)}
        locked.save()
        return locked


def close_problem_parcel(problem: ProblemParcel, *, by: User, what_done: str) -> ProblemParcel:
    """The problem parcel is settled: closed with what finally was done. A second close is refused."""
    what_done = _what_done(what_done)
    with transaction.atomic():
        locked = _locked_problem(problem)
        rules.require(rules.refusal(locked, by, "close"))
        locked.what_done, locked.closed_by, locked.closed_at = what_done, by, timezone.now()
        locked._change_reason = _("Closed")
        locked.save()
        return locked


def _incident_fields(kind: str, happened_on: datetime.date | None,
                     what_happened: str) -> tuple[str, datetime.date, str]:
    if kind not in StoreroomIncident.Kind.values:
        raise ServiceError(_("Choose the kind: loss, damage, wrong shipment or stocktake loss."))
    if happened_on is None:
        raise ServiceError(_("Say on which day it happened."))
    if happened_on > timezone.localdate():
        raise ServiceError(_("An incident cannot happen in the future."))
    what = checked_text(what_happened, limit=2000, required=_("Write what happened."))
    return kind, happened_on, what


def record_incident(*, by: User, kind: str, happened_on: datetime.date | None, what_happened: str) -> StoreroomIncident:
    """A storeroom incident, recorded by the product leader or the shop manager; the shop manager is told."""
    rules.require(rules.incident_rights_refusal(by))
    kind, happened_on, what = _incident_fields(kind, happened_on, what_happened)
    with transaction.atomic():
        incident = StoreroomIncident.objects.create(kind=kind, happened_on=happened_on, what_happened=what,
                                                    recorded_by=by)
        manager = roles_selectors.manager_post()
        notify(roles_selectors.holders(manager), title=gettext_lazy("Storeroom incident on %(day)s: %(kind)s"),
               body=what, params={"day": happened_on.isoformat(), "kind": incident.get_kind_display()},
               url=reverse("shipping:incidents"), event="shipping.incident")
        return incident


def correct_incident(incident: StoreroomIncident, *, by: User, kind: str, happened_on: datetime.date | None,
                     what_happened: str, reason: str) -> StoreroomIncident:
    """Correct an incident (who recorded it or their leader); the old values stay in its history."""
    kind, happened_on, what = _incident_fields(kind, happened_on, what_happened)
    reason = checked_text(reason, limit=500, required=_("Say why it is corrected."))
    with transaction.atomic():
        locked = StoreroomIncident.objects.select_for_update(of=("self",)).select_related("recorded_by").get(
            pk=incident.pk)
        rules.require(rules.refusal(locked, by, "correct"))
        locked.kind, locked.happened_on, locked.what_happened = kind, happened_on, what
        locked._change_reason = reason
        locked.save()
        return locked


def correct_problem_parcel(problem: ProblemParcel, *, by: User, kind: str, reason: str) -> ProblemParcel:
    """Correct what kind of problem it was (who recorded it or their leader); the old kind stays in its history."""
    if kind not in ProblemParcel.Kind.values:
        raise ServiceError(_("Choose what happened: lost, returned, refused or damaged in transit."))
    reason = checked_text(reason, limit=500, required=_("Say why it is corrected."))
    with transaction.atomic():
        locked = _locked_problem(problem)
        rules.require(rules.refusal(locked, by, "correct"))
        locked.kind = kind
        locked._change_reason = reason
        locked.save()
        return locked


def _decide_stocktake_loss(stocktake: Stocktake, by: User, action: str) -> Any:
    locked = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    rules.require(rules.refusal(locked, by, action))
    loss = selectors.stocktake_loss(locked)  # annotated with lost_units and lost_value
    assert loss is not None  # the rule refused otherwise
    return loss


def confirm_stocktake_loss(stocktake: Stocktake, *, by: User, what_happened: str = "") -> StoreroomIncident:
    """The product leader (or the shop manager) confirms a posted stocktake's loss over the threshold as a storeroom
    incident: the incident is recorded (on the day the stocktake was posted) and linked to the stocktake."""
    with transaction.atomic():
        loss = _decide_stocktake_loss(stocktake, by, "confirm_loss")
        units, value = loss.lost_units or 0, loss.lost_value or Decimal("0")
        found = _("Stocktake #%(id)s found %(units)s unit(s) missing, worth ¥%(value)s at cost.") % {
            "id": loss.pk, "units": units, "value": value}
        what = f"{found} {what_happened.strip()}".strip()
        posted = timezone.localdate(loss.closed_at) if loss.closed_at else timezone.localdate()
        incident = record_incident(by=by, kind=StoreroomIncident.Kind.STOCKTAKE_LOSS, happened_on=posted,
                                   what_happened=what)
        StocktakeLossDecision.objects.create(stocktake=loss, decision=StocktakeLossDecision.Decision.INCIDENT,
                                             reason=what_happened.strip(), incident=incident, lost_units=units,
                                             lost_value=value, decided_by=by)
        return incident


def dismiss_stocktake_loss(stocktake: Stocktake, *, by: User, reason: str) -> StocktakeLossDecision:
    """Not a storeroom incident (a miscount found, goods found later, …): the reason is kept and the stocktake
    leaves the list."""
    reason = checked_text(reason, limit=1000, required=_("Say why it is not a storeroom incident."))
    with transaction.atomic():
        loss = _decide_stocktake_loss(stocktake, by, "dismiss_loss")
        return StocktakeLossDecision.objects.create(
            stocktake=loss, decision=StocktakeLossDecision.Decision.DISMISSED, reason=reason,
            lost_units=loss.lost_units or 0, lost_value=loss.lost_value or Decimal("0"), decided_by=by)
