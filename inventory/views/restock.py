"""Low-stock alerts and restock requests: sent, received, edited or cancelled."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from shopteam import excel as xlsx
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import excel, rules, selectors, services
from ..forms import (
    EditQuantitiesForm,
    ReceiveForm,
)
from ..models import RestockRequest
from .access import stock_keeper


def alert_list(request):
    return render(request, "inventory/alert_list.html", {
        "alerts": selectors.open_alerts(), "requests": selectors.restock_requests()[:30],
        "can_change": selectors.can_change_stock(request.user),
    })


def restock_detail(request, pk, receive_form=None, edit_form=None):
    restock = get_object_or_404(RestockRequest.objects.select_related("supplier", "changed_by"), pk=pk)
    if request.GET.get("format") == "xlsx":
        return xlsx.response(excel.restock_request(restock), f"{_('Restock request')}-{restock.pk}.xlsx")
    lines = list(restock.lines.select_related("product").order_by("product__sku"))
    can_change = selectors.can_change_stock(request.user)
    actions = rules.allowed_actions(restock, request.user, may_change=can_change)
    if receive_form is None and "receive" in actions:
        receive_form = ReceiveForm(lines=lines)
    if edit_form is None and "edit" in actions:
        edit_form = EditQuantitiesForm(lines=lines)
    received = selectors.restock_received(restock) if restock.status == RestockRequest.Status.RECEIVED else None
    rows = [(line, receive_form[f"received-{line.product_id}"] if receive_form else None,
             received.get(line.product_id, 0) if received is not None else None,
             edit_form[f"quantity-{line.product_id}"] if edit_form else None) for line in lines]
    return render(request, "inventory/restock_detail.html", {
        "restock": restock, "rows": rows, "actions": actions, "receive_form": receive_form,
        "edit_form": edit_form, "received": received is not None, "history": selectors.restock_history(restock),
    })


@post_only("inventory:restock_detail")
@stock_keeper
def restock_action(request, pk, action):
    restock = get_object_or_404(RestockRequest, pk=pk)
    try:
        services.change_restock(restock, action=action, by=request.user)
    except ServiceError as error:
        show_errors(request, error)
    return redirect(restock)


@post_only("inventory:restock_detail")
@stock_keeper
def restock_receive(request, pk):
    restock = get_object_or_404(RestockRequest, pk=pk)
    form = ReceiveForm(request.POST, lines=restock.lines.select_related("product").order_by("product__sku"))
    if not form.is_valid():
        return restock_detail(request, pk, receive_form=form)
    try:
        services.receive_restock(restock, received=form.received(), by=request.user)
    except ServiceError as error:
        if "receive" in rules.allowed_actions(RestockRequest.objects.get(pk=pk), request.user, may_change=True):
            show_errors(form, error)
            return restock_detail(request, pk, receive_form=form)
        show_errors(request, error)  # received or cancelled meanwhile (a second submit): nothing to fill in
        return redirect(restock)
    messages.success(request, _("The goods are in stock."))
    return redirect(restock)


@post_only("inventory:restock_detail")
@stock_keeper
def restock_edit(request, pk):
    restock = get_object_or_404(RestockRequest, pk=pk)
    form = EditQuantitiesForm(request.POST, lines=restock.lines.select_related("product").order_by("product__sku"))
    if not form.is_valid():
        return restock_detail(request, pk, edit_form=form)
    try:
        changed = services.edit_restock_quantities(restock, quantities=form.quantities(), by=request.user)
    except ServiceError as error:
        if "edit" in rules.allowed_actions(RestockRequest.objects.get(pk=pk), request.user, may_change=True):
            form.show(error)
            return restock_detail(request, pk, edit_form=form)
        show_errors(request, error)  # sent or cancelled meanwhile: nothing to edit any more
        return redirect(restock)
    if changed:
        messages.success(request, _("The quantities are saved."))
    else:
        messages.info(request, _("No quantity changed."))
    return redirect(restock)
