"""The books' pages: finance's start page, the ledger and its entries, month closing and the sales targets."""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam import excel
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import rules, selectors, services
from ..forms import (
    EntryForm,
    LedgerFilterForm,
    ReasonForm,
    TargetForm,
)
from ..models import LedgerEntry, first_of_month
from .common import PER_PAGE, allowed, parse_month


@allowed(rules.sees_finance)
def home(request):
    """Finance's start page for each person: the books, marketing's requests, the product leader's cycles."""
    if rules.keeps_the_books(request.user):
        return redirect("finance:ledger")
    if rules.is_marketing(request.user):
        return redirect("finance:promotion_list")
    return redirect("finance:cycle_list")


@allowed(rules.keeps_the_books)
def ledger(request):
    form = LedgerFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    month = parse_month(request.GET.get("month"))
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
    day = parse_month(month)
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
