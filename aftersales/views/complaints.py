"""Complaint pages: the open list, a new complaint, one complaint with its actions, history and case."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from escalation.selectors import cases_about
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import rules, selectors, services
from ..forms import ActionForm, ComplaintForm, CorrectionForm, EscalateForm
from ..models import Complaint
from .access import desk


@desk
def complaint_list(request):
    closed = request.GET.get("closed") == "1"
    page = Paginator(selectors.complaint_list(closed=closed), 50).get_page(request.GET.get("page"))
    return render(request, "aftersales/complaint_list.html", {"page": page, "closed": closed})


@desk
def complaint_create(request):
    form = ComplaintForm(request.POST or None, initial={"order_id": request.GET.get("order", "")})
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.record_complaint(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The complaint is recorded."))
            return redirect(complaint)
    return render(request, "aftersales/record_form.html", {"form": form, "title": _("New complaint")})


@desk
def complaint_detail(request, pk, forms=None):
    complaint = get_object_or_404(Complaint.objects.select_related("order", "recorded_by", "handled_by"), pk=pk)
    actions = rules.allowed_actions(complaint, request.user)
    forms = forms or {}
    return render(request, "aftersales/complaint_detail.html", {
        "complaint": complaint, "order": complaint.order, "actions": actions,
        "action_form": forms.get("act") or ActionForm(), "escalate_form": forms.get("escalate") or EscalateForm(),
        "correction_form": CorrectionForm(), "correctable": services.correctable_fields(Complaint),
        "cases": list(cases_about(complaint)), "history": selectors.history(complaint=complaint),
        "correct_kind": "complaint",
    })


@post_only("aftersales:complaint")
@desk
def complaint_act(request, pk):
    complaint = get_object_or_404(Complaint, pk=pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return complaint_detail(request, pk, forms={"act": form})
    try:
        services.record_complaint_action(complaint, by=request.user, done=form.cleaned_data["done"],
                                         close="close" in request.POST)
    except ServiceError as error:
        show_errors(request, error)
    return redirect(complaint)


@post_only("aftersales:complaint")
@desk
def complaint_escalate(request, pk):
    complaint = get_object_or_404(Complaint, pk=pk)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        return complaint_detail(request, pk, forms={"escalate": form})
    try:
        services.escalate_complaint(complaint, by=request.user, claim=form.cleaned_data["claim"])
    except ServiceError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The complaint went to the shop manager as an after-sales case."))
    return redirect(complaint)
