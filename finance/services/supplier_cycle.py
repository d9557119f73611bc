"""The supplier cycle (playbook, 11th–15th): last month's sales report per supplier, built, sent by the product
leader, settled and invoiced by finance; reminders in the window and a case to the shop manager after it."""
import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalation import services as case_services
from escalation.models import Case
from inventory import selectors as inventory_selectors
from inventory.models import Supplier
from roles import selectors as roles_selectors
from roles.models import Department, Post
from shopteam.errors import ServiceError
from shopteam.notifications.services import notify
from tasks.services import complete_tasks_about, create_task

from .. import rules
from ..cycle_dates import build_day, finance_calendar, report_month, window_of
from ..models import Category, CycleStep, LedgerEntry, SupplierCycle, first_of_month, next_month
from .ledger import record_entry
from .money import money
from .months import open_month_for
from .notices import MESSAGES
from .texts import clean_text, history_by, in_shop_language, shop_text

CYCLE_SOURCE = "supplier_cycle"  # tasks.models.Task.Source.SUPPLIER_CYCLE
LATE_SOURCE = "finance.supplier_cycle"

Row = dict[str, Any]  # one 商家编码's line of a report, amounts as exact text (JSON)


def cycle_suppliers() -> list[Supplier]:
    """The suppliers a cycle is run for: every one with a product in the catalogue."""
    return list(Supplier.objects.filter(products__isnull=False).distinct().order_by("name"))


def _cycle_row(supplier: Supplier, month: datetime.date) -> SupplierCycle:
    try:
        with transaction.atomic():
            return SupplierCycle.objects.get_or_create(supplier=supplier, month=month)[0]
    except IntegrityError:
        return SupplierCycle.objects.get(supplier=supplier, month=month)


def _report_rows(supplier: Supplier, month: datetime.date) -> list[Row]:
    rows = inventory_selectors.supplier_sales(supplier, start=month, end=next_month(month))
    return [{**row, "cost_amount": str(row["cost_amount"]), "price_amount": str(row["price_amount"])}
            for row in rows]


def _totals_of(rows: list[Row]) -> dict[str, int | Decimal]:
    return {
        "sold": sum(r["sold"] for r in rows), "returned": sum(r["returned"] for r in rows),
        "net": sum(r["net"] for r in rows),
        "cost_total": sum((Decimal(r["cost_amount"]) for r in rows), Decimal("0.00")),
        "price_total": sum((Decimal(r["price_amount"]) for r in rows), Decimal("0.00")),
    }


def build_cycle(supplier: Supplier, month: datetime.date, *, by: User | None = None,
                today: datetime.date | None = None) -> SupplierCycle:
    """Build `month`'s sales report for `supplier` (the 11th's job, or a person building it early or again).

    The first build files the two steps' tasks (send: the product leader; settle and invoice: the finance
    leader). Running it twice or at the same time makes one cycle, one set of tasks. A later build by a person
    replaces the rows (the page then shows what changed since the report was sent). Returns the cycle."""
    today = today or timezone.localdate()
    month = first_of_month(month)
    if month >= first_of_month(today):
        raise ServiceError(_("%(month)s has not ended: its report can be built from the 1st of next month.")
                           % {"month": month.strftime("%Y-%m")})
    if by is not None and not rules.sends_supplier_reports(by):
        raise ServiceError(_("Only the product leader, finance and the shop manager build supplier reports."))
    cycle = _cycle_row(supplier, month)
    with transaction.atomic():
        cycle = SupplierCycle.objects.select_for_update().get(pk=cycle.pk)
        first = not cycle.is_built
        if not first and by is None:
            return cycle  # the job ran before: nothing new
        rows = _report_rows(supplier, month)
        cycle.rows = rows
        for field, value in _totals_of(rows).items():
            setattr(cycle, field, value)
        cycle.built_at = timezone.now()
        cycle.built_by = by
        history_by(cycle, by, "built" if first else "rebuilt")
        cycle.save()
        if first:
            _file_cycle_tasks(cycle)
    return cycle


@in_shop_language
def _file_cycle_tasks(cycle: SupplierCycle) -> None:
    product = _leader_post(rules.PRODUCT)
    finance = _leader_post(rules.FINANCE)
    first, last = cycle.window
    due = finance_calendar().working_day_on_or_before(last)
    due = due if due >= timezone.localdate() else last
    plans = [
        (CycleStep.Kind.SEND, product, _("Send %(supplier)s its %(month)s sales report"), ()),
        (CycleStep.Kind.SETTLE, finance, _("Settle %(supplier)s's %(month)s payment and record the invoice"),
         (_("Record the settlement"), _("Record the invoice"))),
    ]
    for kind, post, title, subtasks in plans:
        step, _made = CycleStep.objects.get_or_create(cycle=cycle, kind=kind, defaults={"post": post})
        if post is None or not roles_selectors.holders(post):
            continue  # nobody to file it for: the late check raises the case to the shop manager
        create_task(
            title=title % {"supplier": cycle.supplier, "month": cycle.month.strftime("%Y-%m")},
            source=CYCLE_SOURCE, post=post, subject=step, key=f"cycle-{cycle.pk}-{kind}", due=due,
            detail=_("The 11th–15th cycle (playbook): %(link)s") % {"link": cycle.get_absolute_url()},
            priority="high", subtasks=subtasks,
        )


def _department(code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def _leader_post(code: str) -> Post | None:
    """The leader post of the department with that code; None when the org chart has no such department."""
    department = _department(code)
    return roles_selectors.leader_post(department) if department is not None else None


def build_due_cycles(*, today: datetime.date | None = None) -> list[SupplierCycle]:
    """The daily 09:00 job: build last month's report for every supplier once its build day has come (the
    11th, earlier when holidays take the window). Returns the cycles built now."""
    today = today or timezone.localdate()
    month = report_month(today)
    if today < build_day(month):
        return []
    built = []
    for supplier in cycle_suppliers():
        existing = SupplierCycle.objects.filter(supplier=supplier, month=month, built_at__isnull=False).exists()
        if not existing:
            built.append(build_cycle(supplier, month, today=today))
    return built


@in_shop_language
def _step_done(cycle: SupplierCycle, kind: str) -> None:
    step = CycleStep.objects.filter(cycle=cycle, kind=kind, done_at__isnull=True).first()
    if step is None:
        return
    CycleStep.objects.filter(pk=step.pk).update(done_at=timezone.now())
    complete_tasks_about(step, source=CYCLE_SOURCE, note=_("Recorded on the supplier cycle's page."))


def _locked_cycle(cycle: SupplierCycle) -> SupplierCycle:
    return SupplierCycle.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=cycle.pk)


@transaction.atomic
def mark_sent(cycle: SupplierCycle, *, by: User, on: datetime.date | None, how: str) -> SupplierCycle:
    """The product leader (or finance, or the shop manager) sent the report: when and how. Sending again after
    a rebuild records the new sending."""
    if not rules.sends_supplier_reports(by):
        raise ServiceError(_("Only the product leader, finance and the shop manager send supplier reports."))
    cycle = _locked_cycle(cycle)
    errors = []
    if not cycle.is_built:
        errors.append(_("Build the report before sending it."))
    elif "send" not in rules.allowed_actions(cycle, by):
        errors.append(_("This report is already sent; rebuild it to send it again."))
    if on is None:
        errors.append(_("Give the date it was sent."))
    elif on > timezone.localdate():
        errors.append(_("The date sent cannot be in the future."))
    how = clean_text(how, limit=100, label=_("How"))
    if not how:
        errors.append(_("Say how it was sent (e-mail, WeChat, on paper…)."))
    if errors:
        raise ServiceError(errors)
    cycle.sent_on, cycle.sent_how, cycle.sent_by = on, how, by
    cycle.sent_rows, cycle.sent_cost_total = cycle.rows, cycle.cost_total
    history_by(cycle, by, "sent")
    cycle.save()
    _step_done(cycle, CycleStep.Kind.SEND)
    return cycle


@transaction.atomic
def record_settlement(cycle: SupplierCycle, *, by: User, amount: str | Decimal, date: datetime.date | None,
                      reason: str = "") -> SupplierCycle:
    """Finance settled with the supplier: the amount (a ledger entry, supplier settlement, money out) and the
    date. An amount other than the report's cost total needs a reason."""
    if not rules.keeps_the_books(by):
        raise ServiceError(_("Only finance and the shop manager record settlements."))
    cycle = _locked_cycle(cycle)
    errors = []
    if "settle" not in rules.allowed_actions(cycle, by):
        if not cycle.is_built:
            errors.append(_("Build the report before settling."))
        if cycle.settlement_entry is not None and not cycle.settlement_entry.is_reversed:
            errors.append(_("This cycle is already settled; reverse its ledger entry to record it again."))
        elif cycle.is_settled and cycle.settlement_entry_id is None:
            errors.append(_("This cycle is already settled."))
    settled: Decimal | None = None
    try:
        settled = money(amount, label=_("The settlement"), allow_zero=True)
    except ServiceError as error:
        errors.extend(error.messages)
    reason = clean_text(reason, label=_("Reason"))
    if settled is not None and settled != cycle.cost_total and not reason:
        errors.append(_("The settlement differs from the report's cost total of %(total)s: say why.")
                      % {"total": f"{cycle.cost_total:,.2f}"})
    if date is None:
        errors.append(_("Give the date of the settlement."))
    if errors:
        raise ServiceError(errors)
    assert settled is not None and date is not None  # refused above when not given
    entry = None
    if settled > 0:
        entry = record_entry(
            by=by, date=date, category=Category.objects.get(code="supplier-settlement"), amount=settled,
            direction=LedgerEntry.Direction.OUT, counterparty=cycle.supplier.name,
            reference=shop_text(gettext_lazy("%(supplier)s %(month)s sales"),
                                {"supplier": cycle.supplier, "month": f"{cycle.month:%Y-%m}"}),
            note=reason, source=LedgerEntry.Source.SETTLEMENT, key=f"settlement:{cycle.pk}",
        )
    else:
        open_month_for(date)
    cycle.settlement_amount, cycle.settlement_date, cycle.settlement_reason = settled, date, reason
    cycle.settled_by, cycle.settlement_entry = by, entry
    history_by(cycle, by, "settled")
    cycle.save()
    if cycle.is_invoiced:
        _step_done(cycle, CycleStep.Kind.SETTLE)
    return cycle


@transaction.atomic
def record_invoice(cycle: SupplierCycle, *, by: User, number: str, date: datetime.date | None,
                   amount: str | Decimal) -> SupplierCycle:
    """The invoice for the supplier's product sales: number, date and amount."""
    if not rules.keeps_the_books(by):
        raise ServiceError(_("Only finance and the shop manager record invoices."))
    cycle = _locked_cycle(cycle)
    if "invoice" not in rules.allowed_actions(cycle, by):
        if cycle.is_invoiced:
            raise ServiceError(_("This cycle is already invoiced (No. %(number)s).")
                               % {"number": cycle.invoice_number})
        raise ServiceError(_("Build the report before recording its invoice."))
    errors = []
    number = clean_text(number, limit=50, label=_("Invoice number"))
    if not number:
        errors.append(_("Give the invoice number."))
    if date is None:
        errors.append(_("Give the invoice date."))
    try:
        amount = money(amount, label=_("The invoice amount"))
    except ServiceError as error:
        errors.extend(error.messages)
    if errors:
        raise ServiceError(errors)
    cycle.invoice_number, cycle.invoice_date, cycle.invoice_amount, cycle.invoice_by = number, date, amount, by
    history_by(cycle, by, "invoiced")
    cycle.save()
    if cycle.is_settled:
        _step_done(cycle, CycleStep.Kind.SETTLE)
    return cycle


def remind_open_steps(*, today: datetime.date | None = None) -> list[CycleStep]:
    """Each working day from the day after the build to the 15th: tell whoever holds a step still open (once a
    day, claimed on the step). Returns the steps reminded."""
    today = today or timezone.localdate()
    month = report_month(today)
    first, last = window_of(month)
    if today > last or not finance_calendar().is_working_day(today):
        return []
    open_steps = CycleStep.objects.filter(
        cycle__month=month, done_at__isnull=True, cycle__built_at__date__lt=today, post__isnull=False,
    ).exclude(reminded_on=today).select_related("cycle__supplier", "post")
    reminded = []
    for step in list(open_steps):
        with transaction.atomic():
            claimed = CycleStep.objects.filter(pk=step.pk, done_at__isnull=True).exclude(reminded_on=today).update(
                reminded_on=today)
            if not claimed:
                continue
            notify(roles_selectors.holders(step.post), title=MESSAGES["cycle.reminder"][0],
                   body=MESSAGES["cycle.reminder"][1],
                   params={"cycle": str(step.cycle), "step": CycleStep.Kind(step.kind).label, "last": last},
                   url=step.cycle.get_absolute_url(), event="cycle.reminder")
            reminded.append(step)
    return reminded


def late_steps(cycle: SupplierCycle) -> list[str]:
    late = []
    if not cycle.is_sent:
        late.append(_("the report was not sent to the supplier (product leader)"))
    if not cycle.is_settled:
        late.append(_("the payment was not settled (finance leader)"))
    return late


def raise_late_cases(*, today: datetime.date | None = None) -> list[Case]:
    """After the 15th: for each supplier whose report is unsent or unsettled, raise one case to the shop
    manager naming the late step (claimed on the cycle; the case's key makes it once even so). Builds a report
    the job never built. Returns the cases raised."""
    today = today or timezone.localdate()
    month = report_month(today)
    _first, last = window_of(month)
    if today <= last:
        return []
    raised = []
    for supplier in cycle_suppliers():
        cycle = build_cycle(supplier, month, today=today)
        if not late_steps(cycle):
            continue
        with transaction.atomic():
            if not SupplierCycle.objects.filter(pk=cycle.pk, late_checked_at__isnull=True).update(
                    late_checked_at=timezone.now()):
                continue
            cycle.refresh_from_db()
            if not late_steps(cycle):
                continue
            raised.append(_raise_late_case(cycle, last))
    return raised


@in_shop_language
def _raise_late_case(cycle: SupplierCycle, last: datetime.date) -> Case:
    steps = late_steps(cycle)
    return case_services.raise_case(
        source=LATE_SOURCE, post=roles_selectors.manager_post(), subject=cycle, key=f"cycle-{cycle.pk}-late",
        title=_("Supplier cycle late: %(cycle)s") % {"cycle": cycle},
        description=_("The 11th–15th window for %(cycle)s ended on %(last)s and %(steps)s.")
        % {"cycle": cycle, "last": last, "steps": _("; ").join(str(s) for s in steps)},
    )


def cycle_changes(cycle: SupplierCycle) -> list[dict[str, Any]]:
    """What changed in the report since it was sent: [{"sku", "name", "before": row or None, "now": row or None}]
    per 商家编码 whose figures differ."""
    if not cycle.is_sent:
        return []
    before = {row["sku"]: row for row in cycle.sent_rows}
    now = {row["sku"]: row for row in cycle.rows}
    keys = ("sold", "returned", "net", "cost_amount", "price_amount")
    changes = []
    for sku in sorted(set(before) | set(now)):
        old, new = before.get(sku), now.get(sku)
        if old and new and all(str(old[k]) == str(new[k]) for k in keys):
            continue
        name = new["name"] if new else before[sku]["name"]
        changes.append({"sku": sku, "name": name, "before": old, "now": new})
    return changes

