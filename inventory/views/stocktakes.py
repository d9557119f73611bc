"""Stocktakes: started, counted line by line on a phone, reviewed, posted or abandoned."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from escalation.selectors import cases_about
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import selectors, services
from ..forms import (
    StartStocktakeForm,
    StocktakeLineFilters,
)
from ..models import Stocktake, StocktakeLine


def _stocktake_of_line(pk):
    """Where a line is counted: its stocktake's page."""
    return reverse("inventory:stocktake_detail", args=[get_object_or_404(StocktakeLine, pk=pk).stocktake_id])


def stocktake_list(request):
    can_change = selectors.can_change_stock(request.user)
    form = StartStocktakeForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                stocktake = services.start_stocktake(by=request.user, **form.cleaned_data)
            except ServiceError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("%(stocktake)s started: count line by line.") % {"stocktake": stocktake})
                return redirect(stocktake)
    page = Paginator(selectors.stocktake_list(), 30).get_page(request.GET.get("page"))
    return render(request, "inventory/stocktake_list.html", {
        "page": page, "form": form, "can_change": can_change, "categories": selectors.categories(),
        "shelves": selectors.shelves(),
    })


def stocktake_detail(request, pk):
    """The counting page, made for a phone in the storeroom: one line per product, counted one by one."""
    stocktake = get_object_or_404(Stocktake.objects.select_related("started_by", "closed_by"), pk=pk)
    form = StocktakeLineFilters(request.GET)
    filters = form.filters()
    todo, q = filters.get("todo", False), filters.get("q", "")
    lines = Paginator(selectors.stocktake_lines(stocktake, todo=todo, q=q), 100).get_page(request.GET.get("page"))
    return render(request, "inventory/stocktake_detail.html", {
        "stocktake": stocktake, "lines": lines, "todo": todo, "q": q, "filter_problems": form.problems(),
        "progress": selectors.stocktake_progress(stocktake), "can_count": services.can_count(request.user),
        "can_change": selectors.can_change_stock(request.user), "cases": cases_about(stocktake),
    })


@post_only(_stocktake_of_line)
def count_line(request, pk):
    line = get_object_or_404(StocktakeLine.objects.select_related("stocktake", "product"), pk=pk)
    if not services.can_count(request.user):
        raise PermissionDenied
    error = None
    try:
        line = services.count_line(line, counted=request.POST.get("counted", ""), by=request.user)
    except ServiceError as refused:
        error = refused
    if not request.htmx:
        if error:
            show_errors(request, error)
        return redirect(line.stocktake)
    line = StocktakeLine.objects.select_related("product", "counted_by", "stocktake").get(pk=line.pk)
    return render(request, "inventory/_count_line.html", {
        "line": line, "stocktake": line.stocktake, "can_count": True, "error": error,
        "progress": selectors.stocktake_progress(line.stocktake), "oob": True,
    })


def stocktake_review(request, pk):
    stocktake = get_object_or_404(Stocktake.objects.select_related("started_by", "closed_by"), pk=pk)
    lines = selectors.stocktake_lines(stocktake)
    return render(request, "inventory/stocktake_review.html", {
        "stocktake": stocktake, "lines": lines, "progress": selectors.stocktake_progress(stocktake),
        "can_change": selectors.can_change_stock(request.user), "cases": cases_about(stocktake),
    })


@post_only("inventory:stocktake_detail")
def stocktake_action(request, pk, action):
    stocktake = get_object_or_404(Stocktake, pk=pk)
    if action == "unclear":
        if not services.can_count(request.user):
            raise PermissionDenied
        try:
            case = services.raise_stocktake_unclear(stocktake, by=request.user,
                                                    description=request.POST.get("description", ""))
        except ServiceError as error:
            show_errors(request, error)
            return redirect(stocktake)
        messages.success(request, _("盘点不清 raised as case #%(id)s: it goes to %(post)s.") % {
            "id": case.pk, "post": case.current_post or _("the admins")})
        return redirect(case)
    if not selectors.can_change_stock(request.user):
        raise PermissionDenied
    try:
        if action == "post":
            services.post_stocktake(stocktake, by=request.user)
            messages.success(request, _("The count is posted: its differences are in the ledger."))
        elif action == "abandon":
            services.abandon_stocktake(stocktake, by=request.user, reason=request.POST.get("reason", ""))
            messages.info(request, _("The count was abandoned; nothing changed in the ledger."))
        else:
            raise Http404
    except ServiceError as error:
        show_errors(request, error)
        return redirect("inventory:stocktake_review", pk=stocktake.pk)
    return redirect("inventory:stocktake_review", pk=stocktake.pk)
