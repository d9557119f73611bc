"""Picking, packing and shipping an order, and the problems found while packing (a case up the chain)."""
from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from escalation.services import raise_case
from inventory.models import TaobaoOrder
from roles import selectors as roles_selectors
from roles.models import Difficulty, Post
from shopteam.errors import ServiceError, checked_text
from shopteam.people import display_name

from .. import rules, selectors
from ..models import PackingProblem, Parcel, PickList


def _locked_order(order: TaobaoOrder) -> TaobaoOrder:
    """The order re-read under its row lock, with its parcel (made if missing, under the same lock)."""
    locked = TaobaoOrder.objects.select_for_update().get(pk=order.pk)
    Parcel.objects.get_or_create(order=locked)
    locked = TaobaoOrder.objects.select_related("parcel").get(pk=order.pk)
    Parcel.objects.select_for_update().get(pk=locked.parcel.pk)
    return locked


def record_pick_list(*, by: User, order_ids: Iterable[int], day: datetime.date | None = None) -> PickList:
    """`by` picked the goods of these orders (the pick list they were shown): each open, unpicked one is marked
    picked by them. Orders picked or shipped meanwhile are left as they are; none left is refused."""
    rules.require(rules.desk_refusal(by))
    ids = sorted({int(pk) for pk in order_ids})
    with transaction.atomic():
        orders = list(selectors.unpicked(selectors.open_orders()).filter(pk__in=ids)
                      .order_by("pk").select_for_update(of=("self",)))
        if not orders:
            raise ServiceError(_("Every order on this pick list has been picked or shipped already: reload it."))
        now = timezone.now()
        pick = PickList.objects.create(day=day or timezone.localdate(), picked_by=by, picked_at=now)
        for order in orders:
            parcel, _made = Parcel.objects.select_for_update().get_or_create(order=order)
            parcel.pick_list, parcel.picked_by, parcel.picked_at = pick, by, now
            parcel._change_reason = _("Picked on pick list %(pick)s") % {"pick": pick}
            parcel.save()
    return pick


def _waybill(text: str) -> str:
    waybill = "".join((text or "").split())
    if not waybill:
        raise ServiceError(_("Enter the waybill number (运单号) printed on the label."))
    if len(waybill) > 50:
        raise ServiceError(_("A waybill number has at most 50 characters."))
    return waybill


def _check_waybill_free(waybill: str, order: TaobaoOrder) -> None:
    other = (Parcel.objects.filter(waybill=waybill).exclude(order=order).select_related("order").first()
             or TaobaoOrder.objects.filter(waybill=waybill).exclude(pk=order.pk).first())
    if other is not None:
        number = other.order.order_id if isinstance(other, Parcel) else other.order_id
        raise ServiceError(_("Waybill %(waybill)s is already on order %(order)s: check the label.") % {
            "waybill": waybill, "order": number})


def ship_order(order: TaobaoOrder, *, by: User, carrier: str, waybill: str,
               checked_lines: Collection[int]) -> Parcel:
    """`by` packed every line of `order` (each ticked or scanned) and handed it to `carrier` under `waybill`.
    Refused, changing nothing: an order not waiting to be shipped (a second "shipped" too), a line not
    checked, a waybill already on another order."""
    carrier = checked_text(carrier, limit=50, required=_("Say which carrier took the parcel."))
    waybill = _waybill(waybill)
    try:
        with transaction.atomic():
            locked = _locked_order(order)
            rules.require(rules.refusal(locked, by, "ship"))
            line_ids = set(locked.lines.values_list("pk", flat=True))
            missing = line_ids - {int(pk) for pk in checked_lines}
            if missing:
                raise ServiceError(_("Check every line against the goods first: %(n)s not checked.") % {
                    "n": len(missing)})
            _check_waybill_free(waybill, locked)
            parcel = locked.parcel
            parcel.shipped_by, parcel.shipped_at = by, timezone.now()
            parcel.carrier, parcel.waybill = carrier, waybill
            parcel._change_reason = _("Shipped")
            parcel.save()
            return parcel
    except IntegrityError:
        # Another order took the same waybill at the same moment: the unique constraint refused this one.
        raise ServiceError(_("Waybill %(waybill)s is already on another order: check the label.") % {
            "waybill": waybill}) from None


def correct_shipment(parcel: Parcel, *, by: User, carrier: str, waybill: str, reason: str) -> Parcel:
    """Correct a shipped parcel's carrier or waybill (who shipped it or their leader); the old values stay in
    its history with the reason."""
    carrier = checked_text(carrier, limit=50, required=_("Say which carrier took the parcel."))
    waybill = _waybill(waybill)
    reason = checked_text(reason, limit=500, required=_("Say why it is corrected."))
    with transaction.atomic():
        locked = Parcel.objects.select_for_update(of=("self",)).select_related("order", "shipped_by").get(pk=parcel.pk)
        rules.require(rules.refusal(locked, by, "correct"))
        _check_waybill_free(waybill, locked.order)
        locked.carrier, locked.waybill = carrier, waybill
        locked._change_reason = reason
        locked.save()
        return locked


def _problem_difficulty() -> Difficulty | None:
    code = settings.SHIPPING_PACKING_DIFFICULTY
    return Difficulty.objects.filter(code=code).first() if code else None


def _raising_post(by: User) -> Post | None:
    """The post a packer raises a free-form case from: their post in the product group, else any they hold."""
    posts = roles_selectors.posts_held(by)
    product = [p for p in posts if p.department.code == selectors.PRODUCT]
    chosen = product or posts
    return chosen[0] if chosen else None


def report_packing_problem(order: TaobaoOrder, *, by: User, kind: str, note: str) -> PackingProblem:
    """The goods for `order` are damaged, short or wrong: it is not shipped, the problem is recorded and a case
    raised (escalation.raise_case) — the difficulty named by SHIPPING_PACKING_DIFFICULTY if set, else a free-form
    case from the packer's post, which goes to their leader and on up the chain to the shop manager."""
    if kind not in PackingProblem.Kind.values:
        raise ServiceError(_("Choose what is wrong: damaged, short or wrong item."))
    note = checked_text(note, limit=2000, required=_("Write what you found, so the product leader can act."))
    with transaction.atomic():
        locked = _locked_order(order)
        rules.require(rules.refusal(locked, by, "problem"))
        problem = PackingProblem.objects.create(order=locked, kind=kind, note=note, recorded_by=by)
        description = _("Order %(order)s could not be shipped: %(kind)s. %(note)s (found by %(name)s)") % {
            "order": locked.order_id, "kind": problem.get_kind_display(), "note": note, "name": display_name(by)}
        title = _("Packing problem: order %(order)s") % {"order": locked.order_id}
        difficulty, post = _problem_difficulty(), _raising_post(by)
        if difficulty is not None or post is None:
            fallback = roles_selectors.leader_post(post.department) if post is not None else None
            case = raise_case(source="shipping.packing", difficulty=difficulty,
                              post=None if difficulty else (fallback or roles_selectors.manager_post()),
                              title=title, description=description, subject=problem, key=f"packing-{problem.pk}")
        else:
            case = raise_case(by=by, post=post, title=title, description=description, subject=problem,
                              key=f"packing-{problem.pk}")
        problem.case = case
        problem._change_reason = _("Case raised")
        problem.save(update_fields=["case"])
        return problem


def correct_packing_problem(problem: PackingProblem, *, by: User, kind: str, note: str,
                            reason: str) -> PackingProblem:
    """Correct what was found (who recorded it or their leader); the old kind and note stay in its history, and the
    case it raised carries on as it is."""
    if kind not in PackingProblem.Kind.values:
        raise ServiceError(_("Choose what is wrong: damaged, short or wrong item."))
    note = checked_text(note, limit=2000, required=_("Write what you found, so the product leader can act."))
    reason = checked_text(reason, limit=500, required=_("Say why it is corrected."))
    with transaction.atomic():
        locked = PackingProblem.objects.select_for_update(of=("self",)).select_related("recorded_by").get(
            pk=problem.pk)
        rules.require(rules.refusal(locked, by, "correct"))
        locked.kind, locked.note = kind, note
        locked._change_reason = reason
        locked.save()
        return locked
