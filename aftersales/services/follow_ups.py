"""Follow-ups from the two daily lists: the buyer's answer after receipt (a short survey) and the 催付 outcome."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inventory.models import TaobaoOrder
from shopteam.errors import ServiceError

from .. import rules
from ..models import Event, FollowUp
from .common import event, text


def record_follow_up(*, by: User, order: TaobaoOrder, kind: str, answer: str, note: str = "") -> FollowUp:
    """The contact and the buyer's answer; an order is followed up once per list (a second submit is refused)."""
    rules.require_desk(by)
    if kind not in FollowUp.Kind.values:
        raise ServiceError(_("Choose the list: after receipt or unpaid."))
    if answer not in FollowUp.ANSWERS[FollowUp.Kind(kind)]:
        raise ServiceError(_("Choose one of the answers offered for this list."))
    if kind == FollowUp.Kind.RECEIVED and order.received_at is None:
        raise ServiceError(_("Order %(order)s has no receipt confirmed yet.") % {"order": order.order_id})
    if kind == FollowUp.Kind.UNPAID and order.paid_at is not None:
        raise ServiceError(_("Order %(order)s is paid: there is nothing to chase.") % {"order": order.order_id})
    note = text(note, limit=FollowUp.TEXT_MAX)
    done = _("Order %(order)s has already been followed up on this list.") % {"order": order.order_id}
    if FollowUp.objects.filter(order=order, kind=kind).exists():
        raise ServiceError(done)
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(order=order, kind=kind, answer=answer, note=note, by=by)
            event(Event.Kind.RECORDED, by=by, note=note, changes={"answer": answer}, follow_up=follow_up)
    except IntegrityError:
        raise ServiceError(done) from None
    return follow_up
