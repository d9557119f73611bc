"""Returns and exchanges: the desk records and checks them; finance reads the ones handed to it."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import rules, selectors, services
from ..forms import CheckReturnForm, CorrectionForm, ReturnForm
from ..models import ReturnRequest
from .access import desk, returns_reader


@returns_reader
def return_list(request):
    on_desk = rules.works_desk(request.user)
    rows = selectors.return_list(for_finance=not on_desk or request.GET.get("finance") == "1")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "aftersales/return_list.html", {"page": page, "on_desk": on_desk})


@desk
def return_create(request):
    form = ReturnForm(request.POST or None, initial={"order_id": request.GET.get("order", "")})
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_return(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The return is recorded; check the goods when they arrive."))
            return redirect(record)
    return render(request, "aftersales/record_form.html", {"form": form, "title": _("New return or exchange")})


@returns_reader
def return_detail(request, pk):
    record = get_object_or_404(ReturnRequest.objects.select_related("order", "recorded_by", "checked_by"), pk=pk)
    on_desk = rules.works_desk(request.user)
    if not on_desk and record.status != ReturnRequest.Status.TO_FINANCE:
        raise PermissionDenied
    return render(request, "aftersales/return_detail.html", {
        "record": record, "order": record.order, "on_desk": on_desk,
        "actions": rules.allowed_actions(record, request.user) if on_desk else set(),
        "check_form": CheckReturnForm(), "correction_form": CorrectionForm(),
        "correctable": services.correctable_fields(ReturnRequest), "history": selectors.history(return_request=record),
        "correct_kind": "return",
    })


@post_only("aftersales:return")
@desk
def return_check(request, pk):
    record = get_object_or_404(ReturnRequest, pk=pk)
    form = CheckReturnForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(record)
    try:
        services.check_return(record, by=request.user, **form.cleaned_data)
    except ServiceError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Checked."))
    return redirect(record)
