"""Complaints: recorded against an imported order, worked, sent to the shop manager as the playbook's 售后困难
case when the claim goes beyond the shop's rules, decided there, and closed."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalation.models import Case
from escalation.services import raise_case
from roles import selectors as roles
from roles.models import Difficulty
from shopteam.errors import ServiceError
from shopteam.notifications.services import notify

from .. import rules
from ..models import Complaint, Event
from .common import event, imported_order, text

AFTER_SALES_DIFFICULTY = "after-sales"


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("order").get(pk=complaint.pk)


def record_complaint(*, by: User, order_id: str, wants: str, key: str = "") -> Complaint:
    """A new complaint about an imported order; the same form submitted twice (same `key`) is one complaint."""
    rules.require_desk(by)
    if key and (existing := Complaint.objects.filter(recorded_by=by, key=key).first()):
        return existing
    order = imported_order(order_id)
    wants = text(wants, limit=Complaint.TEXT_MAX, required=_("Write what the buyer wants."))
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(order=order, wants=wants, recorded_by=by, key=key)
            event(Event.Kind.RECORDED, by=by, note=wants, complaint=complaint)
    except IntegrityError:
        if key and (existing := Complaint.objects.filter(recorded_by=by, key=key).first()):
            return existing
        raise
    return complaint


@transaction.atomic
def record_complaint_action(complaint: Complaint, *, by: User, done: str, close: bool = False) -> Complaint:
    """Write what was done for the buyer; with `close`, the complaint is closed and `by` handled it."""
    complaint = _locked(complaint)
    rules.require(complaint, by, "close" if close else "act")
    done = text(done, limit=Complaint.TEXT_MAX, required=_("Write what was done for the buyer."))
    complaint.done = f"{complaint.done}\n{done}".strip() if complaint.done else done
    complaint.handled_by = by
    if close:
        complaint.status = Complaint.Status.CLOSED
        complaint.closed_at = timezone.now()
    complaint.save()
    event(Event.Kind.CLOSED if close else Event.Kind.CONTACT, by=by, note=done, complaint=complaint)
    return complaint


def escalate_complaint(complaint: Complaint, *, by: User, claim: str) -> Case:
    """Send the complaint to the shop manager as the 售后困难 case, raised from the agent's customer-service post;
    clicking twice raises one case."""
    with transaction.atomic():
        complaint = _locked(complaint)
        rules.require(complaint, by, "escalate")
        claim = text(claim, limit=Complaint.TEXT_MAX, required=_("Write what the buyer claims beyond the rules."))
        difficulty = Difficulty.objects.filter(code=AFTER_SALES_DIFFICULTY).select_related("post").first()
        if difficulty is None:
            raise ServiceError(_("The playbook has no 售后困难 difficulty: load the playbook first."))
        post = next((p for p in roles.posts_held(by) if p.department_id == difficulty.post.department_id), None)
        if post is None:
            raise ServiceError(_("Only a customer-service post raises the after-sales case."))
        description = _("Order %(order)s, buyer %(buyer)s.\nThe buyer wants: %(wants)s\n"
                        "Beyond the rules: %(claim)s") % {
            "order": complaint.order.order_id, "buyer": complaint.order.buyer_nick or "—",
            "wants": complaint.wants, "claim": claim}
        case = raise_case(by=by, post=post,
                          difficulty=difficulty, description=description, subject=complaint,
                          key=f"complaint-{complaint.pk}")
        complaint.status = Complaint.Status.WITH_MANAGER
        complaint.save(update_fields=["status"])
        event(Event.Kind.ESCALATED, by=by, note=claim, complaint=complaint)
    return case


@transaction.atomic
def take_case_decision(complaint: Complaint, *, case: Case, by: User | None) -> Complaint:
    """The case about the complaint was resolved: its resolution is the decision, and the complaint is back with
    the agent to carry out and close. Called by the receiver of escalation's case_resolved."""
    complaint = _locked(complaint)
    if complaint.status != Complaint.Status.WITH_MANAGER:
        return complaint
    complaint.decision = case.resolution
    complaint.status = Complaint.Status.DECIDED
    complaint.save(update_fields=["decision", "status"])
    event(Event.Kind.DECIDED, by=by, note=case.resolution, complaint=complaint)
    notify([complaint.recorded_by], title=gettext_lazy("The shop manager decided complaint %(pk)s"),
           body=gettext_lazy("%(decision)s"), params={"pk": complaint.pk, "decision": case.resolution},
           url=complaint.get_absolute_url(), event="aftersales.complaint_decided")
    return complaint
