"""The shipping desk's pages: parse the request, call one service or selector, render."""
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from inventory.models import Stocktake
from roles.selectors import sees_contact_details
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors
from shopteam.masking import mask_address, mask_name, mask_phone

from . import rules, selectors, services
from .forms import (
    CARRIERS,
    CorrectIncidentForm,
    CorrectKindForm,
    CorrectPackingProblemForm,
    CorrectShipmentForm,
    FindOrderForm,
    FollowUpForm,
    IncidentForm,
    PackingProblemForm,
    ProblemParcelForm,
    ShipForm,
    StocktakeLossForm,
)
from .models import PackingProblem, ProblemParcel, ShippingSettings


def _only(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        return wrapped
    return decorator


desk_only = _only(selectors.works_the_desk)
problem_viewers = _only(selectors.sees_problem_parcels)
incident_keepers = _only(selectors.records_incidents)


@desk_only
def desk(request):
    find = FindOrderForm(request.GET or None)
    if find.is_valid():
        order = selectors.order_for_packing(find.cleaned_data["order"])
        if order is not None:
            return redirect("shipping:order", order_id=order.order_id)
        find.add_error("order", _("Order %(order)s was never imported: import the latest 订单报表 first.") % {
            "order": find.cleaned_data["order"].strip()})
    page = Paginator(selectors.orders_to_pack(), 50).get_page(request.GET.get("page"))
    return render(request, "shipping/desk.html", {
        "find": find, "page": page, "flagged": selectors.flagged_parcels()[:50],
        "shipped": selectors.shipped_recently(), "open_problems": selectors.count_open_problem_parcels(),
        "records_incidents": selectors.records_incidents(request.user),
    })


@desk_only
def pick_list(request):
    rows, order_ids = selectors.pick_list()
    return render(request, "shipping/pick_list.html", {"rows": rows, "order_ids": order_ids, **_nav(request.user)})


@post_only("shipping:pick_list")
@desk_only
def record_picked(request):
    try:
        pick = services.record_pick_list(by=request.user, order_ids=request.POST.getlist("order"))
    except (ServiceError, ValueError) as error:
        show_errors(request, error if isinstance(error, ServiceError) else ServiceError(_("Reload the pick list.")))
        return redirect("shipping:pick_list")
    messages.success(request, _("Recorded: you picked %(n)s order(s).") % {"n": pick.parcels.count()})
    return redirect("shipping:desk")


def _nav(user):
    """Which tabs the desk's navigation shows `user` (customer service sees only the problem parcels)."""
    return {"hide_desk": not selectors.works_the_desk(user), "records_incidents": selectors.records_incidents(user)}


def _order_or_404(order_id):
    order = selectors.order_for_packing(order_id)
    if order is None:
        raise Http404(_("Order %(order)s was never imported.") % {"order": order_id})
    return order


def _buyer(order, user):
    if sees_contact_details(user):
        return {"name": order.receiver_name, "phone": order.receiver_phone, "address": order.address}
    return {"name": mask_name(order.receiver_name), "phone": mask_phone(order.receiver_phone),
            "address": mask_address(order.address)}


@desk_only
def order_page(request, order_id, ship_form=None, problem_form=None, parcel_form=None, correct_form=None,
               checked=()):
    order = _order_or_404(order_id)
    actions = rules.allowed_actions(order, request.user)
    parcel = getattr(order, "parcel", None)
    parcel_actions = rules.allowed_actions(parcel, request.user) if parcel is not None else set()
    return render(request, "shipping/order.html", {
        "order": order, "lines": list(order.lines.all()), "parcel": parcel, "actions": actions,
        "parcel_actions": parcel_actions, "buyer": _buyer(order, request.user), "carriers": CARRIERS,
        "checked": {int(pk) for pk in checked if str(pk).isdigit()},
        "ship_form": ship_form or ShipForm(), "problem_form": problem_form or PackingProblemForm(),
        "parcel_form": parcel_form or ProblemParcelForm(),
        "correct_form": correct_form or (CorrectShipmentForm(initial={"carrier": parcel.carrier,
                                                                      "waybill": parcel.waybill})
                                         if "correct" in parcel_actions else None),
        "problems": selectors.problem_parcels().filter(order=order), **_nav(request.user),
        "packing_problems": [
            (problem, CorrectPackingProblemForm(initial={"kind": problem.kind, "note": problem.note},
                                                prefix=f"p{problem.pk}")
             if "correct" in rules.allowed_actions(problem, request.user) else None)
            for problem in selectors.packing_problems(order)],
    })


def _order_post(form_class, form_key, call, done):
    """A form posted from the order page: valid → the service, refused → the page again with the message."""
    def view(request, order_id):
        order = _order_or_404(order_id)
        form = form_class(request.POST)
        checked = request.POST.getlist("line")
        if form.is_valid():
            try:
                call(request, order, form.cleaned_data, checked)
            except ServiceError as error:
                show_errors(form, error)
            else:
                messages.success(request, done() % {"order": order.order_id})
                return redirect("shipping:desk" if form_key == "ship_form" else "shipping:order",
                                **({} if form_key == "ship_form" else {"order_id": order.order_id}))
        return order_page(request, order_id, checked=checked, **{form_key: form})
    return post_only(lambda order_id: reverse("shipping:order", args=[order_id]))(desk_only(view))


ship = _order_post(ShipForm, "ship_form", lambda request, order, data, checked: services.ship_order(
    order, by=request.user, carrier=data["carrier"], waybill=data["waybill"],
    checked_lines=[int(pk) for pk in checked if pk.isdigit()]), lambda: _("Order %(order)s shipped."))
packing_problem = _order_post(PackingProblemForm, "problem_form", lambda request, order, data, checked:
                              services.report_packing_problem(order, by=request.user, kind=data["kind"],
                                                              note=data["note"]),
                              lambda: _("Order %(order)s not shipped: the problem went to the product leader."))
new_problem_parcel = _order_post(ProblemParcelForm, "parcel_form", lambda request, order, data, checked:
                                 services.record_problem_parcel(order, by=request.user, kind=data["kind"],
                                                                what_done=data["what_done"]),
                                 lambda: _("Problem parcel recorded on order %(order)s."))
def _correct(request, order, data, checked):
    parcel = getattr(order, "parcel", None)
    if parcel is None:
        raise ServiceError(_("This order has not been shipped yet."))
    services.correct_shipment(parcel, by=request.user, carrier=data["carrier"], waybill=data["waybill"],
                              reason=data["reason"])


correct_shipment = _order_post(CorrectShipmentForm, "correct_form", _correct, lambda: _("Order %(order)s corrected."))


@post_only(lambda pk: reverse("shipping:desk"))
@desk_only
def correct_packing_problem(request, pk):
    problem = get_object_or_404(PackingProblem.objects.select_related("order"), pk=pk)
    form = CorrectPackingProblemForm(request.POST, prefix=f"p{pk}")
    if not form.is_valid():
        messages.error(request, _("Choose what is wrong, write what you found and why it is corrected."))
    else:
        try:
            services.correct_packing_problem(problem, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Corrected."))
    return redirect("shipping:order", order_id=problem.order.order_id)


@problem_viewers
def problem_parcel_list(request):
    show_all = request.GET.get("all") == "1"
    page = Paginator(selectors.problem_parcels(open_only=not show_all), 50).get_page(request.GET.get("page"))
    return render(request, "shipping/problem_parcels.html", {"page": page, "show_all": show_all,
                                                             "page_query": "all=1" if show_all else None,
                                                             **_nav(request.user)})


@problem_viewers
def problem_parcel_page(request, pk, form=None, correct_form=None):
    problem = get_object_or_404(selectors.problem_parcels(), pk=pk)
    return render(request, "shipping/problem_parcel.html", {
        "problem": problem, "actions": rules.allowed_actions(problem, request.user),
        "form": form or FollowUpForm(), "history": problem.history.select_related("history_user").all(),
        "correct_form": correct_form or CorrectKindForm(initial={"kind": problem.kind}), **_nav(request.user),
    })


@post_only("shipping:problem_parcel")
@desk_only
def problem_parcel_action(request, pk, action):
    problem = get_object_or_404(ProblemParcel, pk=pk)
    form = (CorrectKindForm if action == "correct" else FollowUpForm)(request.POST)
    if action not in ("follow_up", "close", "correct"):
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "correct":
                services.correct_problem_parcel(problem, by=request.user, kind=data["kind"], reason=data["reason"])
            elif action == "close":
                services.close_problem_parcel(problem, by=request.user, what_done=data["what_done"])
            else:
                services.follow_up_problem_parcel(problem, by=request.user, what_done=data["what_done"])
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("shipping:problem_parcel", pk=pk)
    if action == "correct":
        return problem_parcel_page(request, pk, correct_form=form)
    return problem_parcel_page(request, pk, form=form)


@incident_keepers
def incident_list(request):
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_incident(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Storeroom incident recorded."))
            return redirect("shipping:incidents")
    page = Paginator(selectors.incidents(), 50).get_page(request.GET.get("page"))
    losses = [(stocktake, rules.allowed_actions(stocktake, request.user)) for stocktake in
              selectors.stocktake_losses()[:50]]
    return render(request, "shipping/incidents.html", {
        "form": form, "page": page, "losses": losses, "threshold": ShippingSettings.current(),
        "decisions": selectors.stocktake_decisions()})


@post_only(lambda pk, action: reverse("shipping:incidents"))
@incident_keepers
def stocktake_loss_action(request, pk, action):
    """Confirm a stocktake's loss as a storeroom incident, or say it is not one (with the reason)."""
    if action not in ("confirm_loss", "dismiss_loss"):
        raise Http404
    stocktake = get_object_or_404(Stocktake, pk=pk)
    form = StocktakeLossForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if action == "confirm_loss":
            incident = services.confirm_stocktake_loss(stocktake, by=request.user, what_happened=note)
        else:
            services.dismiss_stocktake_loss(stocktake, by=request.user, reason=note)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("shipping:incidents")
    if action == "confirm_loss":
        messages.success(request, _("Recorded as a storeroom incident."))
        return redirect("shipping:incident", pk=incident.pk)
    messages.success(request, _("Kept as not a storeroom incident, with the reason."))
    return redirect("shipping:incidents")


@incident_keepers
def incident_page(request, pk):
    incident = get_object_or_404(selectors.incidents(), pk=pk)
    actions = rules.allowed_actions(incident, request.user)
    form = CorrectIncidentForm(request.POST or None, initial={
        "kind": incident.kind, "happened_on": incident.happened_on, "what_happened": incident.what_happened})
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_incident(incident, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Corrected."))
            return redirect("shipping:incident", pk=pk)
    return render(request, "shipping/incident.html", {
        "incident": incident, "actions": actions, "form": form,
        "history": incident.history.select_related("history_user").all()})

