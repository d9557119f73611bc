"""Correcting a record: by whoever made it, their leader or the shop manager; the old and new values are kept in
the record's history and nothing is deleted."""
from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError

from .. import rules
from ..models import Complaint, Event, FollowUp, ReturnRequest, Review
from .common import event, text

# What may be corrected on each record (its state moves only through the desk's own actions).
CORRECTABLE: dict[type[models.Model], tuple[str, ...]] = {
    Complaint: ("wants", "done"),
    Review: ("text", "left_on"),
    FollowUp: ("answer", "note"),
    ReturnRequest: ("reason", "check_note", "amount"),
}
EVENT_FIELD = {Complaint: "complaint", Review: "review", FollowUp: "follow_up", ReturnRequest: "return_request"}


def correctable_fields(model: type[models.Model]) -> list[tuple[str, str]]:
    """The fields of `model` that may be corrected, with their names as the page shows them."""
    return [(name, str(getattr(model._meta.get_field(name), "verbose_name", name))) for name in CORRECTABLE[model]]


def _value(record: models.Model, field: str, raw: Any) -> Any:
    if field == "left_on":
        if not isinstance(raw, datetime.date):
            raise ServiceError(_("Enter the review's date."))
        return raw
    if field == "amount":
        if record.status != ReturnRequest.Status.TO_FINANCE:  # type: ignore[attr-defined]
            raise ServiceError(_("Only a return handed to finance has an amount."))
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            raise ServiceError(_("Enter the amount as a number.")) from None
        if amount < 0 or amount >= Decimal("1000000"):
            raise ServiceError(_("Enter the amount for finance (0 for an exchange with nothing to refund)."))
        return amount.quantize(Decimal("0.01"))
    if field == "answer":
        if raw not in FollowUp.ANSWERS[FollowUp.Kind(record.kind)]:  # type: ignore[attr-defined]
            raise ServiceError(_("Choose one of the answers offered for this list."))
        return raw
    required = field in ("wants", "reason")
    return text(raw, limit=2000, required=_("This cannot be empty.") if required else None)


@transaction.atomic
def correct_record(record: models.Model, *, by: User, changes: dict[str, Any], reason: str) -> models.Model:
    """Change the given fields of a complaint, review, follow-up or return; `reason` says why."""
    model = type(record)
    record = model._default_manager.select_for_update().get(pk=record.pk)
    rules.require(record, by, "correct")
    reason = text(reason, limit=1000, required=_("Say why it is corrected."))
    unknown = set(changes) - set(CORRECTABLE[model])
    if unknown:
        raise ServiceError(_("These cannot be corrected: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    diff: dict[str, list[str]] = {}
    for field, raw in changes.items():
        new = _value(record, field, raw)
        old = getattr(record, field)
        if old != new:
            diff[field] = [str(old if old is not None else ""), str(new)]
            setattr(record, field, new)
    if not diff:
        raise ServiceError(_("Nothing was changed."))
    record.save(update_fields=list(diff))
    event(Event.Kind.CORRECTED, by=by, note=reason, changes=diff, **{EVENT_FIELD[model]: record})
    return record
