"""The supplier cycle's pages: this month's reports per supplier, and one cycle's report and steps."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopteam import excel
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import reports, rules, selectors, services
from ..forms import (
    InvoiceForm,
    SentForm,
    SettlementForm,
)
from ..models import SupplierCycle
from .common import allowed, parse_month


@allowed(rules.sees_supplier_cycles)
def cycle_list(request):
    if request.method == "POST":
        from inventory.models import Supplier

        supplier = Supplier.objects.filter(pk=request.POST.get("supplier") or 0).first()
        month = parse_month(request.POST.get("month"))
        if supplier is None or month is None:
            raise Http404
        try:
            cycle = services.build_cycle(supplier, month, by=request.user)
        except ServiceError as error:
            show_errors(request, error)
            return redirect("finance:cycle_list")
        messages.success(request, _("Report built."))
        return redirect(cycle)
    return render(request, "finance/cycle_list.html", {
        "overview": selectors.cycles_overview(timezone.localdate()), "today": timezone.localdate(),
        "may_build": rules.sends_supplier_reports(request.user),
    })


def _cycle(pk):
    try:
        return selectors.cycle_page(pk)
    except SupplierCycle.DoesNotExist:
        raise Http404 from None


@allowed(rules.sees_supplier_cycles)
def cycle_detail(request, pk):
    page = _cycle(pk)
    cycle = page["cycle"]
    if request.GET.get("export") == "xlsx":
        book = reports.supplier_excel([(cycle.supplier, cycle.month, cycle.rows)])
        return excel.response(book, f"{cycle.supplier.name}-{cycle.month:%Y-%m}-销售报表.xlsx")
    today = timezone.localdate()
    user = request.user
    return render(request, "finance/cycle_detail.html", {
        **page, "changes": services.cycle_changes(cycle), "warning": services.holiday_warning(cycle.month),
        "actions": rules.allowed_actions(cycle, user),
        "keeps_the_books": rules.keeps_the_books(user),
        "sent_form": SentForm(initial={"on": today}),
        "settlement_form": SettlementForm(initial={"amount": cycle.cost_total, "date": today}),
        "invoice_form": InvoiceForm(initial={"date": today, "amount": cycle.price_total or None}),
        "late": services.late_steps(cycle) if today > cycle.window[1] else [],
    })


CYCLE_ACTIONS = {
    "send": (SentForm, lambda cycle, by, d: services.mark_sent(cycle, by=by, on=d["on"], how=d["how"]),
             gettext_lazy("Marked sent.")),
    "settle": (SettlementForm, lambda cycle, by, d: services.record_settlement(
        cycle, by=by, amount=d["amount"], date=d["date"], reason=d["reason"]),
        gettext_lazy("Settlement recorded; its ledger entry is written.")),
    "invoice": (InvoiceForm, lambda cycle, by, d: services.record_invoice(
        cycle, by=by, number=d["number"], date=d["date"], amount=d["amount"]), gettext_lazy("Invoice recorded.")),
}


@post_only("finance:cycle_detail")
@allowed(rules.sees_supplier_cycles)
def cycle_action(request, pk, action):
    cycle = _cycle(pk)["cycle"]
    if action == "build":
        try:
            services.build_cycle(cycle.supplier, cycle.month, by=request.user)
        except ServiceError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Report rebuilt from the stock ledger."))
        return redirect(cycle)
    if action not in CYCLE_ACTIONS:
        raise Http404
    form_class, act, done = CYCLE_ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(cycle)
    try:
        act(cycle, request.user, form.cleaned_data)
    except ServiceError as error:
        show_errors(request, error)
    else:
        messages.success(request, done)
    return redirect(cycle)
