"""Finance pages: parse, check the person may, call one service or selector, render."""
import datetime
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopteam import excel
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from . import charts, reports, rules, selectors, services
from .forms import (
    DecisionForm,
    EntryForm,
    InvoiceForm,
    LedgerFilterForm,
    PaymentForm,
    PromotionRequestForm,
    ReasonForm,
    SentForm,
    SettlementForm,
    TargetForm,
)
from .models import LedgerEntry, PromotionRequest, SupplierCycle, first_of_month

PER_PAGE = 50


def allowed(rule):
    """The page answers 403 to anyone the rule refuses (signed-out visitors never get here)."""
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        return wrapper
    return decorator


def _month(text):
    """'2026-03' -> date(2026, 3, 1), or None."""
    try:
        return datetime.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return None


@allowed(rules.sees_finance)
def home(request):
    """Finance's start page for each person: the books, marketing's requests, the product leader's cycles."""
    if rules.keeps_the_books(request.user):
        return redirect("finance:ledger")
    if rules.is_marketing(request.user):
        return redirect("finance:promotion_list")
    return redirect("finance:cycle_list")


# --- ledger ------------------------------------------------------------------------------------------------


@allowed(rules.keeps_the_books)
def ledger(request):
    form = LedgerFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    month = _month(request.GET.get("month"))
    if month:
        filters["since"], last = selectors.month_bounds(month)
        filters["until"] = last - datetime.timedelta(days=1)
    entries = selectors.ledger(filters)
    if request.GET.get("export") == "xlsx":
        return _ledger_excel(entries, filters)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "finance/ledger.html", {
        "form": form, "page": page, "filters": filters, "query": query.urlencode(),
        "totals": selectors.ledger_totals(entries), "closed": selectors.closed_months(),
        "this_month": first_of_month(timezone.localdate()),
    })


def _ledger_excel(entries, filters):
    book = excel.workbook()
    sheet = excel.Sheet(book, _("Ledger"), [
        _("Date"), _("Category"), _("In or out"), _("Amount (CNY)"), _("Signed amount"), _("Counterparty"),
        _("Reference"), _("Note"), _("Source"), _("Recorded by"), _("Recorded at"), _("Reverses entry"),
        _("Reversed"), _("Entry no."),
    ], widths=[12, 16, 8, 14, 14, 18, 18, 30, 14, 12, 18, 10, 8, 10])
    for entry in entries.iterator(chunk_size=2000):
        sheet.row([
            entry.date, str(entry.category), entry.get_direction_display(), entry.amount, entry.signed_amount,
            entry.counterparty, entry.reference, entry.note, entry.get_source_display(),
            _person(entry.recorded_by), timezone.localtime(entry.recorded_at).replace(tzinfo=None),
            entry.reverses_id or "", _("yes") if entry.is_reversed else "", entry.pk,
        ])
    totals = selectors.ledger_totals(entries)
    sheet.row([])
    sheet.row([_("Money in"), "", "", totals["money_in"]], bold=True)
    sheet.row([_("Money out"), "", "", totals["money_out"]], bold=True)
    sheet.row([_("Balance"), "", "", totals["balance"]], bold=True)
    span = "-".join(str(filters[k]) for k in ("since", "until") if filters.get(k)) or _("all")
    return excel.response(book, f"{_('Ledger')}-{span}.xlsx")


def _person(user):
    from shopteam.people import display_name

    return display_name(user) or _("Shopteam")


@allowed(rules.keeps_the_books)
def entry_new(request):
    form = EntryForm(request.POST or None, categories=selectors.active_categories(),
                     initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.record_entry(
                by=request.user, date=data["date"], category=data["category"], amount=data["amount"],
                direction=data["direction"] or None, counterparty=data["counterparty"],
                reference=data["reference"], note=data["note"],
            )
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Entry recorded."))
            if "another" in request.POST:
                return redirect("finance:entry_new")
            return redirect(entry)
    return render(request, "finance/entry_form.html", {"form": form})


@allowed(rules.keeps_the_books)
def entry_detail(request, pk):
    try:
        entry = selectors.entry_page(pk)
    except LedgerEntry.DoesNotExist:
        raise Http404 from None
    return render(request, "finance/entry_detail.html", {
        "entry": entry, "form": ReasonForm(), "month_closed": selectors.is_closed(entry.date),
    })


@post_only("finance:entry_detail")
@allowed(rules.keeps_the_books)
def entry_reverse(request, pk):
    try:
        entry = selectors.entry_page(pk)
    except LedgerEntry.DoesNotExist:
        raise Http404 from None
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        reversal = services.reverse_entry(entry, by=request.user, reason=form.cleaned_data.get("reason", ""))
    except ServiceError as error:
        show_errors(request, error)
        return redirect(entry)
    messages.success(request, _("Entry reversed by entry no. %(id)s, dated %(date)s.")
                     % {"id": reversal.pk, "date": reversal.date})
    return redirect(reversal)


# --- months ------------------------------------------------------------------------------------------------


@allowed(rules.keeps_the_books)
def months(request):
    today = timezone.localdate()
    return render(request, "finance/months.html", {
        "months": selectors.months_overview(today), "may_close": rules.closes_months(request.user),
        "form": ReasonForm(), "taobao_waiting": selectors.taobao_money_waiting(),
    })


@post_only("finance:months")
@allowed(rules.closes_months)
def month_action(request, month, action):
    day = _month(month)
    if day is None or action not in ("close", "reopen"):
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if action == "close":
            services.close_month(day, by=request.user, note=reason)
            messages.success(request, _("The books of %(month)s are closed.") % {"month": month})
        else:
            services.reopen_month(day, by=request.user, reason=reason)
            messages.success(request, _("The books of %(month)s are open again.") % {"month": month})
    except ServiceError as error:
        show_errors(request, error)
    return redirect("finance:months")


# --- promotion spend ---------------------------------------------------------------------------------------


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
        "may_decide": rules.may_decide(promotion, user), "may_refer": rules.may_refer(promotion, user),
        "may_pay": rules.may_pay(promotion, user),
        "payment_form": PaymentForm(initial={"date": timezone.localdate()}),
    })


@post_only("finance:promotion_detail")
@allowed(rules.sees_promotions)
def promotion_action(request, pk, action):
    promotion, _history = _visible_request(request, pk)
    reason = request.POST.get("reason", "")
    if (action in ("approve", "refuse") and promotion.status in PromotionRequest.OPEN
            and not rules.may_decide(promotion, request.user)):
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


# --- targets -----------------------------------------------------------------------------------------------


@allowed(rules.keeps_the_books)
def targets(request):
    from roles.selectors import is_shop_manager

    may_set = is_shop_manager(request.user)
    form = TargetForm(request.POST or None)
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.set_monthly_target(by=request.user, month=form.cleaned_data["month"],
                                            amount=form.cleaned_data["amount"])
            except ServiceError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Target saved."))
                return redirect("finance:targets")
    return render(request, "finance/targets.html", {
        "targets": selectors.target_rows(), "form": form, "may_set": may_set,
    })


# --- management reports ------------------------------------------------------------------------------------


@allowed(rules.keeps_the_books)
def management_report(request):
    period = reports.Period.parse(request.GET.get("period", ""))
    if period is None:
        period = reports.Period.month(first_of_month(timezone.localdate()) - datetime.timedelta(days=1))
    report = reports.management_report(period)
    if request.GET.get("export") == "xlsx":
        return excel.response(reports.excel(report), f"{_('Management report')}-{period.code}.xlsx")
    this_year = timezone.localdate().year
    return render(request, "finance/report.html", {
        "report": report, "period": period, "top_margin": report["margin"][:20],
        "sales_chart": charts.both(charts.sales_against_target, report),
        "expense_chart": charts.both(charts.expense_by_category, report),
        "choices": {
            "month": reports.Period.month(period.start),
            "quarter": reports.Period.quarter(period.start.year, (period.start.month - 1) // 3 + 1),
            "year": reports.Period.year(period.start.year),
        },
        "years": range(this_year, this_year - 4, -1),
    })


# --- the supplier cycle ------------------------------------------------------------------------------------


@allowed(rules.sees_supplier_cycles)
def cycle_list(request):
    if request.method == "POST":
        from inventory.models import Supplier

        supplier = Supplier.objects.filter(pk=request.POST.get("supplier") or 0).first()
        month = _month(request.POST.get("month"))
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
        "may_send": rules.may_send_cycle(user, cycle), "may_invoice": rules.may_invoice_cycle(user, cycle),
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
