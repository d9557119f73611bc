"""What every after-sales service shares: finding an imported order by its number, checking a text, writing an
event."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from inventory.models import TaobaoOrder
from shopteam.errors import ServiceError, checked_text

from ..models import Event


def imported_order(order_id: str) -> TaobaoOrder:
    """The imported order with that number, or a clear refusal (nothing is made for an order never imported)."""
    order_id = (order_id or "").strip()
    if not order_id:
        raise ServiceError(_("Enter the order number."))
    order = TaobaoOrder.objects.filter(order_id=order_id).first()
    if order is None:
        raise ServiceError(_("Order %(order)s was never imported: import the seller centre's export first, or "
                             "check the number.") % {"order": order_id})
    return order


def text(value: str, *, limit: int, required: str | None = None) -> str:
    return checked_text(value, limit=limit, required=required)


def event(kind: str, *, by: User | None, note: str = "", changes: dict[str, Any] | None = None,
          **record: Any) -> Event:
    return Event.objects.create(kind=kind, by=by, note=note, changes=changes or {}, **record)
