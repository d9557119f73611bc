"""The desk's overview, the follow-up lists, a buyer's page and corrections."""
import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from inventory.models import TaobaoOrder
from roles.selectors import sees_contact_details
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors
from shopteam.masking import mask_address, mask_name, mask_phone

from .. import selectors, services
from ..forms import BuyerSearch, CorrectionForm, FollowUpForm
from ..models import Complaint, FollowUp, ReturnRequest, Review
from .access import desk

RECORDS = {"complaint": Complaint, "review": Review, "follow_up": FollowUp, "return": ReturnRequest}


@desk
def overview(request):
    return render(request, "aftersales/desk.html", {
        "counts": selectors.desk_counts(),
        "complaints": selectors.complaint_list()[:10],
        "reviews": selectors.review_list()[:10],
    })


@desk
def follow_ups(request):
    unpaid = request.GET.get("list") == FollowUp.Kind.UNPAID
    kind = FollowUp.Kind.UNPAID if unpaid else FollowUp.Kind.RECEIVED
    due = selectors.unpaid_due() if unpaid else selectors.follow_up_due()
    page = Paginator(due, 30).get_page(request.GET.get("page"))
    answers = FollowUp.ANSWERS[kind]
    return render(request, "aftersales/follow_ups.html", {
        "page": page, "kind": kind, "unpaid": unpaid, "answers": answers,
        "made": selectors.follow_ups_made(kind=kind)[:50],
    })


@post_only(lambda **kwargs: reverse("aftersales:follow_ups"))
@desk
def follow_up_record(request, pk):
    order = get_object_or_404(TaobaoOrder, pk=pk)
    form = FollowUpForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(_("Choose one of the answers offered for this list."))
        services.record_follow_up(by=request.user, order=order, **form.cleaned_data)
    except ServiceError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Order %(order)s followed up.") % {"order": order.order_id})
    query = "?list=unpaid" if form.data.get("kind") == FollowUp.Kind.UNPAID else ""
    return redirect(reverse("aftersales:follow_ups") + query)


def contact(order, full):
    """The order's receiver as this viewer may see them (shopteam.masking for everyone but customer service and the
    shop manager)."""
    if full:
        return order.receiver_name, order.receiver_phone, order.address
    return mask_name(order.receiver_name), mask_phone(order.receiver_phone), mask_address(order.address)


@desk
def buyer(request):
    search = BuyerSearch(request.GET)
    q = search.filters().get("q", "")
    nick, orders = selectors.find_buyer(q)
    full = sees_contact_details(request.user)
    rows = [(order, contact(order, full)) for order in orders[:100]] if orders is not None else []
    return render(request, "aftersales/buyer.html", {"q": q, "nick": nick, "rows": rows,
                                                     "found": orders is not None and bool(rows),
                                                     "filter_problems": search.problems()})


@post_only(lambda **kwargs: reverse("aftersales:desk"))
@desk
def correct(request, kind, pk):
    model = RECORDS.get(kind)
    if model is None:
        raise Http404
    record = get_object_or_404(model, pk=pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why it is corrected."))
        return redirect(record)
    field, value = form.cleaned_data["field"], form.cleaned_data["value"]
    if field == "left_on":
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    try:
        services.correct_record(record, by=request.user, changes={field: value}, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Corrected; the earlier value is kept in the history."))
    return redirect(record)
