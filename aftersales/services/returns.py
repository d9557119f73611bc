"""Returns and exchanges: recorded, checked by after-sales, then handed to finance with the amount (or refused)."""
from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roles import selectors as roles
from shopteam.errors import ServiceError
from shopteam.notifications.services import notify

from .. import rules
from ..models import Event, ReturnRequest
from .common import event, imported_order, text

MOST = Decimal("1000000")


def record_return(*, by: User, order_id: str, kind: str, reason: str) -> ReturnRequest:
    rules.require_desk(by)
    order = imported_order(order_id)
    if kind not in ReturnRequest.Kind.values:
        raise ServiceError(_("Choose return or exchange."))
    reason = text(reason, limit=ReturnRequest.TEXT_MAX, required=_("Write why the buyer sends it back."))
    with transaction.atomic():
        request = ReturnRequest.objects.create(order=order, kind=kind, reason=reason, recorded_by=by)
        event(Event.Kind.RECORDED, by=by, note=reason, return_request=request)
    return request


@transaction.atomic
def check_return(request: ReturnRequest, *, by: User, accept: bool, note: str,
                 amount: Decimal | None = None) -> ReturnRequest:
    """After-sales checked the goods: accepted, it goes to finance with the amount to refund; or refused."""
    request = ReturnRequest.objects.select_for_update().select_related("order").get(pk=request.pk)
    rules.require(request, by, "check")
    note = text(note, limit=ReturnRequest.TEXT_MAX, required=_("Write what the check found."))
    if accept:
        if amount is None or amount < 0 or amount >= MOST:
            raise ServiceError(_("Enter the amount for finance (0 for an exchange with nothing to refund)."))
        paid = request.order.paid_amount
        if paid is not None and amount > paid:
            raise ServiceError(_("The amount %(amount)s is more than the order's %(paid)s paid.") % {
                "amount": amount, "paid": paid})
    request.status = ReturnRequest.Status.TO_FINANCE if accept else ReturnRequest.Status.REFUSED
    request.amount = amount if accept else None
    request.check_note = note
    request.checked_by = by
    request.handed_at = timezone.now() if accept else None
    request.save()
    event(Event.Kind.CHECKED, by=by, note=note, changes={"status": request.status, "amount": str(amount or "")},
          return_request=request)
    if accept:
        notify(roles.members("finance"), title=gettext_lazy("A return of order %(order)s for finance: %(amount)s"),
               params={"order": request.order.order_id, "amount": amount}, url=request.get_absolute_url(),
               event="aftersales.return_to_finance")
    return request
