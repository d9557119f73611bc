"""Promotion spend pages: marketing asks, finance and the 财务支出 chain decide, finance pays."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import rules, selectors, services
from ..forms import (
    DecisionForm,
    PaymentForm,
    PromotionRequestForm,
)
from ..models import PromotionRequest
from .common import PER_PAGE, allowed


@allowed(rules.sees_promotions)
def promotion_list(request):
    status = request.GET.get("status", "")
    requests = selectors.request_list(request.user, status=status)
    page = Paginator(requests, PER_PAGE).get_page(request.GET.get("page"))
    selectors.flag_over_budget(page.object_list)
    return render(request, "finance/promotion_list.html", {
        "page": page, "status": status, "statuses": PromotionRequest.Status.choices,
        "budget": selectors.promotion_budget(timezone.localdate()),
        "may_ask": rules.is_marketing(request.user), "keeps_the_books": rules.keeps_the_books(request.user),
    })


@allowed(rules.is_marketing)
def promotion_new(request):
    form = PromotionRequestForm(request.POST or None, channels=selectors.promotion_channels())
    budget = selectors.promotion_budget(timezone.localdate())
    if budget["remaining"] is not None:  # the page shows what would be left after the amount typed
        form.fields["amount"].widget.attrs["data-budget-left"] = f"{budget['remaining']:.2f}"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            promotion = services.request_promotion(
                by=request.user, channel=data["channel"], amount=data["amount"], purpose=data["purpose"],
                start=data["start"], end=data["end"], key=data["key"],
            )
        except ServiceError as error:
            show_errors(form, error)
        else:
            if promotion.status == PromotionRequest.Status.ESCALATED:
                messages.success(request, _("Above the approval limit: the request went up the 财务支出 chain as "
                                            "case #%(case)s.") % {"case": promotion.case_id})
            else:
                messages.success(request, _("Request sent to finance."))
            left = selectors.budget_for(promotion)
            if left["over"]:
                messages.warning(request, _(
                    "This asks for more than is left of the promotion budget of %(month)s (%(left)s): finance may "
                    "approve less, refuse it, or go over the budget with a recorded reason.") % {
                    "month": f"{left['month']:%Y-%m}", "left": f"{left['before']:,.2f}"})
            return redirect(promotion)
    return render(request, "finance/promotion_form.html", {"form": form, "budget": budget})


def _visible_request(request, pk):
    try:
        return selectors.request_page(pk, request.user)
    except PromotionRequest.DoesNotExist:
        raise Http404 from None


@allowed(rules.sees_promotions)
def promotion_detail(request, pk):
    promotion, history = _visible_request(request, pk)
    user = request.user
    left = selectors.budget_for(promotion)
    return render(request, "finance/promotion_detail.html", {
        "promotion": promotion, "history": history, "left": left,
        "is_open": promotion.status in PromotionRequest.OPEN,
        "form": DecisionForm(initial={"amount": f"{promotion.amount:.2f}"}),
        "actions": rules.allowed_actions(promotion, user),
        "payment_form": PaymentForm(initial={"date": timezone.localdate()}),
    })


@post_only("finance:promotion_detail")
@allowed(rules.sees_promotions)
def promotion_action(request, pk, action):
    promotion, _history = _visible_request(request, pk)
    reason = request.POST.get("reason", "")
    if (action in ("approve", "refuse") and promotion.status in PromotionRequest.OPEN
            and action not in rules.allowed_actions(promotion, request.user)):
        raise PermissionDenied
    try:
        if action in ("approve", "refuse"):
            decided = services.decide_promotion(
                promotion, by=request.user, approve=action == "approve", reason=reason,
                amount=request.POST.get("amount", "") if action == "approve" else None,
                override_reason=request.POST.get("override_reason", ""),
            )
            messages.success(request, _("Request approved.") if action == "approve" else _("Request refused."))
            if decided.override_reason:
                messages.warning(request, _("Approved over the budget: marketing, finance and the shop manager "
                                            "are told, and the reason is kept on the request."))
        elif action == "refer":
            services.refer_promotion(promotion, by=request.user, reason=reason)
            messages.success(request, _("Sent on to the shop manager."))
        elif action == "pay":
            form = PaymentForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_("Give the date it was paid."))
            services.pay_promotion(promotion, by=request.user, date=form.cleaned_data["date"],
                                   reference=form.cleaned_data["reference"])
            messages.success(request, _("Paid: the ledger entry is written."))
        else:
            raise Http404
    except ServiceError as error:
        show_errors(request, error)
    return redirect(promotion)
