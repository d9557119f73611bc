"""Promotion spend: marketing asks, finance (or the 财务支出 chain above the approval limit) approves or refuses,
finance pays; the month's promotion budget is checked on the way."""
import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalation import selectors as case_selectors
from escalation import services as case_services
from escalation.models import Case
from roles import selectors as roles_selectors
from roles.models import Difficulty, Post
from shopteam.errors import ServiceError
from shopteam.people import display_name

from .. import rules, selectors
from ..models import Category, FinanceSettings, LedgerEntry, PromotionRequest
from .ledger import record_entry
from .money import money
from .notices import finance_people, managers, tell
from .texts import clean_text, history_by, in_shop_language, shop_text

SPENDING = "promotion-spending"  # roles.playbook: 财务支出, raised by marketing, chain finance -> shop manager


def _request_params(request: PromotionRequest) -> dict[str, Any]:
    return {"id": request.pk, "channel": request.channel, "amount": f"{request.amount:,.2f}",
            "start": request.start, "end": request.end, "purpose": request.purpose,
            "name": display_name(request.requested_by)}


def _locked_request(request: PromotionRequest) -> PromotionRequest:
    return PromotionRequest.objects.select_for_update(of=("self",)).select_related("channel", "case").get(
        pk=request.pk
    )


def marketing_posts(user: User) -> list[Post]:
    return [post for post in roles_selectors.posts_held(user) if post.department.code == rules.MARKETING]


def request_promotion(*, by: User, channel: Category | None, amount: str | Decimal, purpose: str,
                      start: datetime.date | None, end: datetime.date | None, post: Post | None = None,
                      key: str = "") -> PromotionRequest:
    """Marketing asks to spend `amount` on a paid `channel` between `start` and `end`. Up to the approval
    limit it waits for finance; above it, it becomes a 财务支出 case at once (finance, then the shop manager).
    A second call with the same `key` (a double-submitted form) returns the first request."""
    if key and (existing := PromotionRequest.objects.filter(requested_by=by, key=key).first()):
        return existing
    try:
        with transaction.atomic():
            return _request_promotion(by=by, channel=channel, amount=amount, purpose=purpose, start=start, end=end,
                                      post=post, key=key)
    except IntegrityError:
        if key and (existing := PromotionRequest.objects.filter(requested_by=by, key=key).first()):
            return existing
        raise


def _request_promotion(*, by: User, channel: Category | None, amount: str | Decimal, purpose: str,
                       start: datetime.date | None, end: datetime.date | None, post: Post | None,
                       key: str) -> PromotionRequest:
    posts = marketing_posts(by)
    if not posts:
        raise ServiceError(_("Only the marketing group asks for promotion spend."))
    post = post if post is not None and post in posts else posts[0]
    errors = []
    if channel is None or not channel.is_promotion or not channel.active:
        errors.append(_("Choose a paid promotion channel."))
    try:
        amount = money(amount)
    except ServiceError as error:
        errors.extend(error.messages)
    purpose = clean_text(purpose, label=_("Purpose"))
    if not purpose:
        errors.append(_("Say what the spend is for, so finance can judge it."))
    if not start or not end:
        errors.append(_("Give the dates the promotion runs."))
    elif end < start:
        errors.append(_("The promotion cannot end before it starts."))
    elif end < timezone.localdate():
        errors.append(_("The promotion has already ended: ask before spending."))
    if errors:
        raise ServiceError(errors)
    assert start is not None and end is not None  # refused above when missing
    request = PromotionRequest(channel=channel, amount=amount, purpose=purpose, start=start, end=end,
                               requested_by=by, post=post, key=key)
    history_by(request, by, "requested")
    request.save()
    limit = FinanceSettings.current().promotion_approval_limit
    if amount > limit:
        _escalate(request, by=by, why=shop_text(gettext_lazy("Above the approval limit of %(limit)s."),
                                                {"limit": f"{limit:,.2f}"}))
    else:
        tell(finance_people(), "promotion.requested", request, **_request_params(request))
    left = selectors.budget_for(request)
    if left["over"]:  # warned now, not when the money is gone
        tell({*finance_people(), *managers()}, "promotion.asked_over_budget", request, **{
            **_request_params(request), "month": f"{left['month']:%Y-%m}", "left": f"{left['before']:,.2f}"})
    return request


def _description(request: PromotionRequest, why: str) -> str:
    return "\n".join([
        _("Promotion request #%(id)s: %(channel)s, %(amount)s, %(start)s to %(end)s.") % _request_params(request),
        request.purpose, why,
    ])


@in_shop_language
def _escalate(request: PromotionRequest, *, by: User, why: str) -> Case:
    """Raise the playbook's 财务支出 case for the request, as the marketing person who asked (it goes to finance,
    then the shop manager)."""
    difficulty = Difficulty.objects.filter(code=SPENDING).first()
    case = case_services.raise_case(
        by=request.requested_by, post=request.post, difficulty=difficulty, description=_description(request, why),
        title=_("Promotion spend: %(channel)s %(amount)s") % _request_params(request),
        subject=request, key=f"promotion-{request.pk}",
    )
    request.case = case
    request.status = PromotionRequest.Status.ESCALATED
    history_by(request, by, "escalated")
    request.save(update_fields=["case", "status"])
    return case


def _approved_amount(request: PromotionRequest, amount: str | Decimal | None) -> Decimal:
    """What may be approved: more than zero and at most what was asked (default: what was asked)."""
    if amount is None or amount == "":
        return request.amount
    amount = money(amount, label=_("The approved amount"))
    if amount > request.amount:
        raise ServiceError(_("At most what was asked (%(asked)s) can be approved; marketing asks again for more.")
                           % {"asked": f"{request.amount:,.2f}"})
    return amount


@transaction.atomic
def decide_promotion(request: PromotionRequest, *, by: User, approve: bool, reason: str = "",
                     amount: str | Decimal | None = None, override_reason: str = "") -> PromotionRequest:
    """Approve (all or part of what was asked: `amount`, default the whole) or refuse (a refusal needs a reason).
    An approval that takes the month's promotion budget below zero is refused unless `override_reason` says why;
    then the override is kept on the request and in its history, and marketing, finance and the shop manager are
    told. When the request's 财务支出 case is open, the decision resolves the case too, so the case and the
    request say the same."""
    FinanceSettings.objects.select_for_update().filter(pk=FinanceSettings.current().pk).get()  # one budget check
    request = _locked_request(request)
    if request.case is not None:
        Case.objects.select_for_update().get(pk=request.case.pk)
        request.case.refresh_from_db()
    if request.status not in PromotionRequest.OPEN:
        raise ServiceError(_("This request has already been decided."))
    if ("approve" if approve else "refuse") not in rules.allowed_actions(request, by):
        if request.case is not None and request.case.is_open:
            raise ServiceError(_("The 财务支出 case of this request is with %(post)s: they decide.")
                               % {"post": request.case.current_post or _("the admins")})
        raise ServiceError(_("Only finance or the shop manager decides promotion spend."))
    reason = clean_text(reason, label=_("Reason"))
    if not approve and not reason:
        raise ServiceError(_("Say why the request is refused."))
    over = None
    if approve:
        approved = _approved_amount(request, amount)
        left = selectors.budget_for(request, approved)
        if left["over"]:
            override_reason = clean_text(override_reason, label=_("Override reason"))
            if not override_reason:
                raise ServiceError(
                    _("Approving %(amount)s takes the promotion budget of %(month)s below zero: %(left)s is left. "
                      "Approve less, or give the reason for going over the budget.")
                    % {"amount": f"{approved:,.2f}", "month": f"{left['month']:%Y-%m}",
                       "left": f"{left['before']:,.2f}"})
            over = left
        request.approved_amount = approved
        request.override_reason = override_reason if over else ""
    status = PromotionRequest.Status.APPROVED if approve else PromotionRequest.Status.REFUSED
    request.status = status
    request.decided_by = by
    request.decided_at = timezone.now()
    request.reason = reason
    history_by(request, by, "approved over budget" if over else str(status))
    request.save()
    if request.case is not None and request.case.is_open:
        verdict = shop_text(gettext_lazy("Approved") if approve else gettext_lazy("Refused"))
        case_services.resolve_case(request.case, by=by, resolution=f"{verdict}: {reason}" if reason else verdict)
    told = [user for user in {request.requested_by, *finance_people()} if user != by]
    tell(told, "promotion.decided", request, **{
        **_request_params(request), "amount": f"{request.spend:,.2f}",  # approved: what was approved
        "status": PromotionRequest.Status(request.status).label,
        "name": display_name(by), "reason": reason or "—"})
    if over:
        tell({request.requested_by, *finance_people(), *managers()}, "promotion.over_budget", request, **{
            **_request_params(request), "approved": f"{request.approved_amount:,.2f}",
            "month": f"{over['month']:%Y-%m}", "left": f"{over['after']:,.2f}", "name": display_name(by),
            "reason": override_reason})
    return request


@transaction.atomic
def refer_promotion(request: PromotionRequest, *, by: User, reason: str) -> PromotionRequest:
    """Finance cannot or will not decide: the request goes up the 财务支出 chain to the shop manager. A request
    still waiting for finance becomes the case first (raised as the marketing person who asked)."""
    reason = clean_text(reason, label=_("Reason"))
    if not reason:
        raise ServiceError(_("Say why the shop manager should decide."))
    request = _locked_request(request)
    if "refer" not in rules.allowed_actions(request, by):
        raise ServiceError(_("Only finance, while the request is with them, sends it on to the shop manager."))
    case: Case | None
    if request.status == PromotionRequest.Status.REQUESTED:
        case = _escalate(request, by=by, why=shop_text(gettext_lazy("Finance disputes it: %(reason)s"),
                                                       {"reason": reason}))
    else:
        case = request.case
    if case is None or not case.is_open or case.at_last_step:
        return request
    if case_selectors.is_current_contact(case, by):
        case_services.pass_on(case, by=by, reason=reason)
    return request


@transaction.atomic
def note_case_decision(case: Case, *, by: User | None) -> PromotionRequest | None:
    """The 财务支出 case was resolved on its own page, not through the request's buttons: the request keeps
    what was written and waits for finance or the shop manager to approve or refuse it explicitly."""
    request = PromotionRequest.objects.select_for_update().filter(case=case).first()
    if request is None or request.status != PromotionRequest.Status.ESCALATED:
        return None  # decided through the request (it resolved the case itself), or not a promotion case
    request.case_resolution = case.resolution
    history_by(request, by, "case resolved")
    request.save(update_fields=["case_resolution"])
    tell([*finance_people(), *managers()], "promotion.case_decided", request, id=request.pk,
          name=display_name(by), resolution=case.resolution)
    return request


@transaction.atomic
def pay_promotion(request: PromotionRequest, *, by: User, date: datetime.date, reference: str = "") -> PromotionRequest:
    """Finance pays an approved request: its ledger entry (the channel's category, money out) is written once."""
    request = _locked_request(request)
    if "pay" not in rules.allowed_actions(request, by):
        if request.status != PromotionRequest.Status.APPROVED:
            raise ServiceError(_("Only an approved request can be paid."))
        raise ServiceError(_("Only finance or the shop manager pays promotion spend."))
    entry = record_entry(
        by=by, date=date, category=request.channel, amount=request.spend, direction=LedgerEntry.Direction.OUT,
        counterparty=str(request.channel), reference=clean_text(reference, limit=100, label=_("Reference")),
        note=shop_text(gettext_lazy("Promotion request #%(id)s: %(purpose)s"),
                       {"id": request.pk, "purpose": request.purpose}),
        source=LedgerEntry.Source.PROMOTION, key=f"promotion:{request.pk}",
    )
    request.status = PromotionRequest.Status.PAID
    request.paid_entry = entry
    history_by(request, by, "paid")
    request.save(update_fields=["status", "paid_entry"])
    tell([request.requested_by], "promotion.paid", request, id=request.pk, channel=request.channel,
          amount=f"{request.spend:,.2f}", name=display_name(by), date=date)
    return request


