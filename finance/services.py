"""Every change to the shop's money. Each runs in a transaction, locks what it changes (a month's books before
an entry is dated in it), checks the rules, and leaves history: an entry is never edited or deleted, a
mistake is reversed by an entry that points to it."""
import datetime
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalation import selectors as case_selectors
from escalation import services as case_services
from escalation.models import Case
from roles import selectors as roles_selectors
from roles.models import Difficulty
from shopteam import excel
from shopteam.errors import ServiceError, checked_text
from shopteam.money import NotMoney
from shopteam.money import parse as parse_money
from shopteam.notifications.services import notify
from shopteam.people import display_name

from . import rules, selectors
from .models import (
    Category,
    ClosedMonth,
    CycleStep,
    FinanceSettings,
    LedgerEntry,
    ManagementReport,
    MonthlyTarget,
    PromotionRequest,
    SupplierCycle,
    first_of_month,
    next_month,
)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
TEXT_MAX = 2000
OPPOSITE = {LedgerEntry.Direction.IN: LedgerEntry.Direction.OUT, LedgerEntry.Direction.OUT: LedgerEntry.Direction.IN}


def money(value, *, label=None, allow_zero=False):
    """`value` as a Decimal of whole cents, or a ServiceError naming `label`: never a float, never rounded
    silently."""
    label = label or _("The amount")
    try:
        amount = parse_money(value)
    except NotMoney as error:
        if error.decimals:
            raise ServiceError(_("%(label)s has more than two decimals (fen).") % {"label": label}) from None
        raise ServiceError(_("%(label)s must be a number of yuan, e.g. 1188.00.") % {"label": label}) from None
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ServiceError(_("%(label)s must be more than zero.") % {"label": label})
    if amount > MAX_AMOUNT:
        raise ServiceError(_("%(label)s is too large.") % {"label": label})
    return amount.quantize(CENT)


def _text(value, *, limit=TEXT_MAX, label):
    return checked_text(value, limit=limit, label=label)


def in_shop_language(function):
    """Text a service stores (a task's title, a case's description, an entry's note) is written in the shop's
    language, whoever's request or job wrote it."""
    @wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)
    return wrapper


def shop_text(text, params=None):
    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % params if params is not None else str(text)


def _history_by(instance, user, reason=""):
    """simple_history records who and why from these attributes (outside a request too)."""
    instance._history_user = user
    instance._change_reason = reason


# --- months ------------------------------------------------------------------------------------------------


def lock_month(day):
    """The month's books row, locked until the transaction ends: closing a month and dating an entry in it
    cannot pass each other."""
    month, _made = ClosedMonth.objects.select_for_update().get_or_create(month=first_of_month(day))
    return month


def open_month_for(day, *, today=None):
    """Lock `day`'s month and refuse if its books are closed."""
    month = lock_month(day)
    if month.closed:
        raise ServiceError(
            _("The books of %(month)s are closed: nothing can be dated in that month. Date it in an open month, "
              "or ask the finance leader or the shop manager to reopen it.") % {"month": month}
        )
    return month


@transaction.atomic
def close_month(month, *, by, note=""):
    """Close a month's books (a month that has ended). Returns the ClosedMonth row."""
    if not rules.closes_months(by):
        raise ServiceError(_("Only the finance leader or the shop manager can close a month."))
    month = first_of_month(month)
    if month >= first_of_month(timezone.localdate()):
        raise ServiceError(_("%(month)s has not ended yet: only a past month can be closed.")
                           % {"month": month.strftime("%Y-%m")})
    row = lock_month(month)
    if row.closed:
        raise ServiceError(_("The books of %(month)s are already closed.") % {"month": row})
    row.closed = True
    row.changed_by = by
    row.changed_at = timezone.now()
    row.note = _text(note, label=_("Note"))
    _history_by(row, by, "closed")
    row.save()
    return row


@transaction.atomic
def reopen_month(month, *, by, reason):
    if not rules.closes_months(by):
        raise ServiceError(_("Only the finance leader or the shop manager can reopen a month."))
    reason = _text(reason, label=_("Reason"))
    if not reason:
        raise ServiceError(_("Say why the month is reopened."))
    row = lock_month(first_of_month(month))
    if not row.closed:
        raise ServiceError(_("The books of %(month)s are not closed.") % {"month": row})
    row.closed = False
    row.changed_by = by
    row.changed_at = timezone.now()
    row.note = reason
    _history_by(row, by, "reopened")
    row.save()
    return row


# --- entries -----------------------------------------------------------------------------------------------


def _as_date(value):
    if isinstance(value, datetime.datetime):
        raise TypeError("an entry's date is a date, not a datetime")
    return value


@transaction.atomic
def record_entry(*, by, date, category, amount, direction=None, counterparty="", reference="", note="",
                 source=LedgerEntry.Source.MANUAL, key=""):
    """Write one entry. `by` is the person (None: Shopteam, for an import or a job). `direction` defaults to
    the category's (income in, expense out). Refused: no permission, a closed month, an inactive category,
    an amount that is not positive whole fen, a date far in the future. Returns the entry."""
    errors = []
    if by is not None and not rules.keeps_the_books(by):
        raise ServiceError(_("Only the finance group and the shop manager can record entries."))
    date = _as_date(date)
    if date is None:
        errors.append(_("Give the entry a date."))
    elif date > timezone.localdate() + datetime.timedelta(days=31):
        errors.append(_("%(date)s is more than a month ahead: record an entry when the money moves.")
                      % {"date": date})
    if category is None:
        errors.append(_("Choose a category."))
    elif not category.active:
        errors.append(_("The category %(category)s is no longer in use.") % {"category": category})
    try:
        amount = money(amount)
    except ServiceError as error:
        errors.extend(error.messages)
    direction = direction or (category.usual_direction if category is not None else None)
    if category is not None and direction not in LedgerEntry.Direction.values:
        errors.append(_("Say whether the money came in or went out."))
    counterparty = _text(counterparty, limit=100, label=_("Counterparty"))
    reference = _text(reference, limit=100, label=_("Reference"))
    note = _text(note, label=_("Note"))
    if errors:
        raise ServiceError(errors)
    open_month_for(date)
    return LedgerEntry.objects.create(
        date=date, category=category, direction=direction, amount=amount, counterparty=counterparty,
        reference=reference, note=note, source=source, recorded_by=by, key=key,
    )


@transaction.atomic
def reverse_entry(entry, *, by, reason, system=False):
    """Cancel `entry` with an entry of the same amount in the other direction that points to it.

    The reversal is dated like the entry when its month is open; when that month is closed it is dated today
    (the closed month keeps its figures; the correction shows in the open month). `system=True` lets
    Shopteam reverse its own entries (a Taobao day re-imported) with `by=None`. Returns the reversal.
    """
    if not system and not rules.keeps_the_books(by):
        raise ServiceError(_("Only the finance group and the shop manager can reverse entries."))
    reason = _text(reason, label=_("Reason"))
    if not reason:
        raise ServiceError(_("Say why the entry is reversed."))
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.source == LedgerEntry.Source.REVERSAL:
        raise ServiceError(_("This entry is itself a reversal: record a new entry instead of reversing it."))
    if entry.is_reversed:
        raise ServiceError(_("This entry has already been reversed."))
    date = entry.date
    if lock_month(date).closed:
        date = timezone.localdate()
    open_month_for(date)
    reversal = LedgerEntry.objects.create(
        date=date, category=entry.category, amount=entry.amount,
        direction=OPPOSITE[entry.direction],
        counterparty=entry.counterparty, reference=entry.reference, note=reason,
        source=LedgerEntry.Source.REVERSAL, recorded_by=by, reverses=entry,
    )
    LedgerEntry.objects.filter(pk=entry.pk).update(is_reversed=True)
    entry.is_reversed = True
    return reversal


def record_system_entry(*, key, **fields):
    """An entry Shopteam writes for `key`, once: a second call (a job run twice, at the same time) returns the
    live entry already written for the key."""
    if existing := LedgerEntry.objects.filter(key=key, is_reversed=False).first():
        return existing
    try:
        with transaction.atomic():
            return record_entry(by=None, key=key, **fields)
    except IntegrityError:
        existing = LedgerEntry.objects.filter(key=key, is_reversed=False).first()
        if existing is None:
            raise
        return existing


def category(code):
    return Category.objects.get(code=code)


@transaction.atomic
def ensure_seed_data():
    """The seeded categories and yearly fixed costs (finance/seeds.py) that are missing, e.g. after a test
    database was flushed; never overwrites an admin's edit. Returns how many rows were created."""
    from . import seeds
    from .models import FixedCost

    made = 0
    for order, (code, name, name_en, kind, group) in enumerate(seeds.CATEGORIES):
        _row, created = Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": kind, "group": group, "order": order}
        )
        made += created
    tools = Category.objects.get(code=seeds.TOOLS)
    for name, amount, note in seeds.FIXED_COSTS:
        _row, created = FixedCost.objects.get_or_create(
            name=name, defaults={"category": tools, "yearly_amount": amount, "note": note}
        )
        made += created
    return made


# --- promotion spend ---------------------------------------------------------------------------------------

SPENDING = "promotion-spending"  # roles.playbook: 财务支出, raised by marketing, chain finance -> shop manager

# What each notification says: event -> (title, body), rendered by notify() in the shop's language.
MESSAGES = {
    "promotion.requested": (
        gettext_lazy("Promotion request #%(id)s: %(channel)s %(amount)s"),
        gettext_lazy("%(name)s asks to spend %(amount)s on %(channel)s from %(start)s to %(end)s.\n%(purpose)s"),
    ),
    "promotion.decided": (
        gettext_lazy("Promotion request #%(id)s %(status)s: %(channel)s %(amount)s"),
        gettext_lazy("%(name)s: %(reason)s"),
    ),
    "promotion.case_decided": (
        gettext_lazy("Promotion request #%(id)s was decided on its case: approve or refuse it"),
        gettext_lazy("%(name)s resolved the 财务支出 case: %(resolution)s\nRecord the decision on the request."),
    ),
    "report.monthly": (
        gettext_lazy("Management report %(period)s is ready"),
        gettext_lazy("Net sales %(net_sales)s (target %(target)s), income %(income)s, expense %(expense)s. The "
                     "Excel file comes in a separate e-mail; the page shows the latest figures."),
    ),
    "cycle.reminder": (
        gettext_lazy("Supplier cycle %(cycle)s: %(step)s by the 15th"),
        gettext_lazy("Still open: %(step)s for %(cycle)s. The window closes at the end of %(last)s; after that the "
                     "shop manager is told."),
    ),
    "taobao.refused": (
        gettext_lazy("Taobao money not written to the ledger"),
        gettext_lazy("The import of %(days)s was refused by the books: %(error)s"),
    ),
    "promotion.asked_over_budget": (
        gettext_lazy("Promotion request #%(id)s asks more than is left of the %(month)s budget"),
        gettext_lazy("%(name)s asks %(amount)s for %(channel)s; %(left)s is left of the promotion budget of "
                     "%(month)s. Approve less, refuse it, or go over the budget with a reason."),
    ),
    "promotion.over_budget": (
        gettext_lazy("Promotion request #%(id)s approved over the %(month)s budget: %(left)s left"),
        gettext_lazy("%(name)s approved %(approved)s for %(channel)s (asked %(amount)s), which takes the promotion "
                     "budget of %(month)s to %(left)s.\nWhy: %(reason)s"),
    ),
    "promotion.paid": (
        gettext_lazy("Promotion request #%(id)s was paid: %(channel)s %(amount)s"),
        gettext_lazy("%(name)s paid it on %(date)s."),
    ),
}


def _tell(users, event, subject, **params):
    title, body = MESSAGES[event]
    notify(users, title=title, body=body, params=params, url=subject.get_absolute_url() if subject else "",
           event=event)


def finance_people():
    """Who holds a finance post today (the people who decide promotion spend and keep the books)."""
    return roles_selectors.members(rules.FINANCE)


def managers():
    post = roles_selectors.manager_post()
    return roles_selectors.holders(post) if post else []


def _request_params(request):
    return {"id": request.pk, "channel": request.channel, "amount": f"{request.amount:,.2f}",
            "start": request.start, "end": request.end, "purpose": request.purpose,
            "name": display_name(request.requested_by)}


def _locked_request(request):
    return PromotionRequest.objects.select_for_update(of=("self",)).select_related("channel", "case").get(
        pk=request.pk
    )


def marketing_posts(user):
    return [post for post in roles_selectors.posts_held(user) if post.department.code == rules.MARKETING]


def request_promotion(*, by, channel, amount, purpose, start, end, post=None, key=""):
    """Marketing asks to spend `amount` on a paid `channel` between `start` and `end`. Up to the approval
    limit it waits for finance; above it, it becomes a 财务支出 case at once (finance, then the shop manager).
    A second call with the same `key` (a double-submitted form) returns the first request."""
    if key and (existing := PromotionRequest.objects.filter(requested_by=by, key=key).first()):
        return existing
    try:
        with transaction.atomic():
            return _request_promotion(by=by, channel=channel, amount=amount, purpose=purpose, start=start, end=end,
                                      post=post, key=key)
    except IntegrityError:
        if key and (existing := PromotionRequest.objects.filter(requested_by=by, key=key).first()):
            return existing
        raise


def _request_promotion(*, by, channel, amount, purpose, start, end, post, key):
    posts = marketing_posts(by)
    if not posts:
        raise ServiceError(_("Only the marketing group asks for promotion spend."))
    post = post if post is not None and post in posts else posts[0]
    errors = []
    if channel is None or not channel.is_promotion or not channel.active:
        errors.append(_("Choose a paid promotion channel."))
    try:
        amount = money(amount)
    except ServiceError as error:
        errors.extend(error.messages)
    purpose = _text(purpose, label=_("Purpose"))
    if not purpose:
        errors.append(_("Say what the spend is for, so finance can judge it."))
    if not start or not end:
        errors.append(_("Give the dates the promotion runs."))
    elif end < start:
        errors.append(_("The promotion cannot end before it starts."))
    elif end < timezone.localdate():
        errors.append(_("The promotion has already ended: ask before spending."))
    if errors:
        raise ServiceError(errors)
    request = PromotionRequest(channel=channel, amount=amount, purpose=purpose, start=start, end=end,
                               requested_by=by, post=post, key=key)
    _history_by(request, by, "requested")
    request.save()
    limit = FinanceSettings.current().promotion_approval_limit
    if amount > limit:
        _escalate(request, by=by, why=shop_text(gettext_lazy("Above the approval limit of %(limit)s."),
                                                {"limit": f"{limit:,.2f}"}))
    else:
        _tell(finance_people(), "promotion.requested", request, **_request_params(request))
    left = selectors.budget_for(request)
    if left["over"]:  # warned now, not when the money is gone
        _tell({*finance_people(), *managers()}, "promotion.asked_over_budget", request, **{
            **_request_params(request), "month": f"{left['month']:%Y-%m}", "left": f"{left['before']:,.2f}"})
    return request


def _description(request, why):
    return "\n".join([
        _("Promotion request #%(id)s: %(channel)s, %(amount)s, %(start)s to %(end)s.") % _request_params(request),
        request.purpose, why,
    ])


@in_shop_language
def _escalate(request, *, by, why):
    """Raise the playbook's 财务支出 case for the request, as the marketing person who asked (it goes to finance,
    then the shop manager)."""
    difficulty = Difficulty.objects.filter(code=SPENDING).first()
    case = case_services.raise_case(
        by=request.requested_by, post=request.post, difficulty=difficulty, description=_description(request, why),
        title=_("Promotion spend: %(channel)s %(amount)s") % _request_params(request),
        subject=request, key=f"promotion-{request.pk}",
    )
    request.case = case
    request.status = PromotionRequest.Status.ESCALATED
    _history_by(request, by, "escalated")
    request.save(update_fields=["case", "status"])
    return case


def may_decide(request, user):
    """Who may approve or refuse now: finance or the shop manager while it waits for finance or after its case
    was resolved on the case page; while its 财务支出 case is open, whoever the case is with."""
    if request.status == PromotionRequest.Status.REQUESTED:
        return rules.keeps_the_books(user)
    if request.status == PromotionRequest.Status.ESCALATED:
        if request.case is not None and request.case.is_open:
            return case_selectors.is_current_contact(request.case, user)
        return rules.keeps_the_books(user)
    return False


def may_refer(request, user):
    """Finance sends a request it disputes, or one above its limit, on to the shop manager."""
    if request.status == PromotionRequest.Status.REQUESTED:
        return rules.is_finance(user) and not roles_selectors.is_shop_manager(user)
    if request.status == PromotionRequest.Status.ESCALATED and request.case is not None and request.case.is_open:
        return case_selectors.is_current_contact(request.case, user) and not request.case.at_last_step
    return False


def may_pay(request, user):
    return request.status == PromotionRequest.Status.APPROVED and rules.keeps_the_books(user)


def _approved_amount(request, amount):
    """What may be approved: more than zero and at most what was asked (default: what was asked)."""
    if amount in (None, ""):
        return request.amount
    amount = money(amount, label=_("The approved amount"))
    if amount > request.amount:
        raise ServiceError(_("At most what was asked (%(asked)s) can be approved; marketing asks again for more.")
                           % {"asked": f"{request.amount:,.2f}"})
    return amount


@transaction.atomic
def decide_promotion(request, *, by, approve, reason="", amount=None, override_reason=""):
    """Approve (all or part of what was asked: `amount`, default the whole) or refuse (a refusal needs a reason).
    An approval that takes the month's promotion budget below zero is refused unless `override_reason` says why;
    then the override is kept on the request and in its history, and marketing, finance and the shop manager are
    told. When the request's 财务支出 case is open, the decision resolves the case too, so the case and the
    request say the same."""
    FinanceSettings.objects.select_for_update().filter(pk=FinanceSettings.current().pk).get()  # one budget check
    request = _locked_request(request)
    if request.case_id:
        Case.objects.select_for_update().get(pk=request.case_id)
        request.case.refresh_from_db()
    if request.status not in PromotionRequest.OPEN:
        raise ServiceError(_("This request has already been decided."))
    if not may_decide(request, by):
        if request.case is not None and request.case.is_open:
            raise ServiceError(_("The 财务支出 case of this request is with %(post)s: they decide.")
                               % {"post": request.case.current_post or _("the admins")})
        raise ServiceError(_("Only finance or the shop manager decides promotion spend."))
    reason = _text(reason, label=_("Reason"))
    if not approve and not reason:
        raise ServiceError(_("Say why the request is refused."))
    over = None
    if approve:
        approved = _approved_amount(request, amount)
        left = selectors.budget_for(request, approved)
        if left["over"]:
            override_reason = _text(override_reason, label=_("Override reason"))
            if not override_reason:
                raise ServiceError(
                    _("Approving %(amount)s takes the promotion budget of %(month)s below zero: %(left)s is left. "
                      "Approve less, or give the reason for going over the budget.")
                    % {"amount": f"{approved:,.2f}", "month": f"{left['month']:%Y-%m}",
                       "left": f"{left['before']:,.2f}"})
            over = left
        request.approved_amount = approved
        request.override_reason = override_reason if over else ""
    status = PromotionRequest.Status.APPROVED if approve else PromotionRequest.Status.REFUSED
    request.status = status
    request.decided_by = by
    request.decided_at = timezone.now()
    request.reason = reason
    _history_by(request, by, "approved over budget" if over else str(status))
    request.save()
    if request.case is not None and request.case.is_open:
        verdict = shop_text(gettext_lazy("Approved") if approve else gettext_lazy("Refused"))
        case_services.resolve_case(request.case, by=by, resolution=f"{verdict}: {reason}" if reason else verdict)
    told = [user for user in {request.requested_by, *finance_people()} if user != by]
    _tell(told, "promotion.decided", request, **{
        **_request_params(request), "amount": f"{request.spend:,.2f}",  # approved: what was approved
        "status": PromotionRequest.Status(request.status).label,
        "name": display_name(by), "reason": reason or "—"})
    if over:
        _tell({request.requested_by, *finance_people(), *managers()}, "promotion.over_budget", request, **{
            **_request_params(request), "approved": f"{request.approved_amount:,.2f}",
            "month": f"{over['month']:%Y-%m}", "left": f"{over['after']:,.2f}", "name": display_name(by),
            "reason": override_reason})
    return request


@transaction.atomic
def refer_promotion(request, *, by, reason):
    """Finance cannot or will not decide: the request goes up the 财务支出 chain to the shop manager. A request
    still waiting for finance becomes the case first (raised as the marketing person who asked)."""
    reason = _text(reason, label=_("Reason"))
    if not reason:
        raise ServiceError(_("Say why the shop manager should decide."))
    request = _locked_request(request)
    if not may_refer(request, by):
        raise ServiceError(_("Only finance, while the request is with them, sends it on to the shop manager."))
    if request.status == PromotionRequest.Status.REQUESTED:
        case = _escalate(request, by=by, why=shop_text(gettext_lazy("Finance disputes it: %(reason)s"),
                                                       {"reason": reason}))
    else:
        case = request.case
    if not case.is_open or case.at_last_step:
        return request
    if case_selectors.is_current_contact(case, by):
        case_services.pass_on(case, by=by, reason=reason)
    return request


@transaction.atomic
def note_case_decision(case, *, by):
    """The 财务支出 case was resolved on its own page, not through the request's buttons: the request keeps
    what was written and waits for finance or the shop manager to approve or refuse it explicitly."""
    request = PromotionRequest.objects.select_for_update().filter(case=case).first()
    if request is None or request.status != PromotionRequest.Status.ESCALATED:
        return None  # decided through the request (it resolved the case itself), or not a promotion case
    request.case_resolution = case.resolution
    _history_by(request, by, "case resolved")
    request.save(update_fields=["case_resolution"])
    _tell([*finance_people(), *managers()], "promotion.case_decided", request, id=request.pk,
          name=display_name(by), resolution=case.resolution)
    return request


@transaction.atomic
def pay_promotion(request, *, by, date, reference=""):
    """Finance pays an approved request: its ledger entry (the channel's category, money out) is written once."""
    request = _locked_request(request)
    if not may_pay(request, by):
        if request.status != PromotionRequest.Status.APPROVED:
            raise ServiceError(_("Only an approved request can be paid."))
        raise ServiceError(_("Only finance or the shop manager pays promotion spend."))
    entry = record_entry(
        by=by, date=date, category=request.channel, amount=request.spend, direction=LedgerEntry.Direction.OUT,
        counterparty=str(request.channel), reference=_text(reference, limit=100, label=_("Reference")),
        note=shop_text(gettext_lazy("Promotion request #%(id)s: %(purpose)s"),
                       {"id": request.pk, "purpose": request.purpose}),
        source=LedgerEntry.Source.PROMOTION, key=f"promotion:{request.pk}",
    )
    request.status = PromotionRequest.Status.PAID
    request.paid_entry = entry
    _history_by(request, by, "paid")
    request.save(update_fields=["status", "paid_entry"])
    _tell([request.requested_by], "promotion.paid", request, id=request.pk, channel=request.channel,
          amount=f"{request.spend:,.2f}", name=display_name(by), date=date)
    return request


@transaction.atomic
def set_monthly_target(*, by, month, amount):
    """The shop manager sets (or changes) a month's sales target."""
    if not roles_selectors.is_shop_manager(by):
        raise ServiceError(_("Only the shop manager sets the sales targets."))
    amount = money(amount, label=_("The target"), allow_zero=True)
    month = first_of_month(month)
    target = MonthlyTarget.objects.select_for_update().filter(month=month).first() or MonthlyTarget(month=month)
    target.sales_target = amount
    target.set_by = by
    _history_by(target, by, "set")
    target.save()
    return target


# --- management reports ------------------------------------------------------------------------------------

MAIL_LEASE = datetime.timedelta(minutes=10)


def report_readers():
    """Who gets the monthly report: the shop manager and finance."""
    return list({*managers(), *finance_people()})


def send_monthly_report(*, today=None):
    """On the 1st: build last month's management report and tell the shop manager and finance (in the app and
    by e-mail, the Excel attached by the mail task queued after commit). Run twice, or twice at once, it sends
    once: one row per period, claimed by a conditional update. Returns the row, or None if already sent."""
    from . import reports, tasks

    today = today or timezone.localdate()
    period = reports.Period.month(first_of_month(today) - datetime.timedelta(days=1))
    row = _report_row(period)
    with transaction.atomic():
        now = timezone.now()
        if not ManagementReport.objects.filter(pk=row.pk, built_at__isnull=True).update(built_at=now):
            return None
        report = reports.management_report(period)
        row.built_at = now
        row.summary = reports.summary(report)
        row.save(update_fields=["summary"])
        totals = report["totals"]
        target = report["target"]["amount"]
        notify(report_readers(), title=MESSAGES["report.monthly"][0], body=MESSAGES["report.monthly"][1],
               params={"period": period.code, "net_sales": f"{totals['net_sales']:,.2f}",
                       "target": f"{target:,.2f}" if target is not None else "—",
                       "income": f"{totals['income']:,.2f}", "expense": f"{totals['expense']:,.2f}"},
               url=report_url(period), event="report.monthly")
        tasks.mail_management_report.delay_on_commit(row.pk)
    return row


def _report_row(period):
    try:
        with transaction.atomic():
            return ManagementReport.objects.get_or_create(kind=period.kind, start=period.start)[0]
    except IntegrityError:
        return ManagementReport.objects.get(kind=period.kind, start=period.start)


def report_url(period):
    from django.urls import reverse

    return reverse("finance:reports") + f"?period={period.code}"


def mail_management_report(report_id):
    """E-mail the report's Excel file to its readers who have an address; once (a claim with a lease, so a
    worker that died mid-send is taken over). Raises on a failed send, after recording it, so the task
    retries. Returns True if this call sent it."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.db.models import Q
    from django.utils import translation

    from . import reports

    now = timezone.now()
    claimed = ManagementReport.objects.filter(pk=report_id, mailed_at__isnull=True).filter(
        Q(mail_claimed_at__isnull=True) | Q(mail_claimed_at__lt=now - MAIL_LEASE)
    ).update(mail_claimed_at=now)
    if not claimed:
        return False
    row = ManagementReport.objects.get(pk=report_id)
    mine = ManagementReport.objects.filter(pk=report_id, mail_claimed_at=now)
    addresses = sorted({user.email for user in report_readers() if user.email and user.is_active})
    period = reports.Period.month(row.start) if row.kind == "month" else reports.Period.parse(str(row.start.year))
    try:
        with translation.override(settings.LANGUAGE_CODE):
            book = reports.excel(reports.management_report(period))
            subject = str(_("Management report %(period)s") % {"period": period.code})
            body = str(_("The management report for %(period)s is attached. The latest figures are on %(link)s")
                       % {"period": period.code, "link": settings.SITE_URL.rstrip("/") + report_url(period)})
            filename = f"{_('Management report')}-{period.code}.xlsx"
        if addresses:
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
            message.attach(filename, excel.to_bytes(book), excel.XLSX)
            message.send()
    except OSError as error:
        mine.update(mail_claimed_at=None, mail_error=f"{type(error).__name__}: {error}")
        raise
    mine.update(mailed_at=timezone.now(), mail_error="")
    return True


# --- the supplier cycle ------------------------------------------------------------------------------------

# Fewer working days than this in the 11th–15th (Spring Festival): the report is built early and the pages warn.
MIN_WINDOW_DAYS = 3
CYCLE_SOURCE = "supplier_cycle"  # tasks.models.Task.Source.SUPPLIER_CYCLE
LATE_SOURCE = "finance.supplier_cycle"


def finance_calendar():
    from roles.models import Department
    from shopteam.workcalendar.calc import calendar_for

    return calendar_for(Department.objects.filter(code=rules.FINANCE).first())


def report_month(today):
    """The sales month whose cycle runs in `today`'s month: last natural month."""
    return first_of_month(first_of_month(today) - datetime.timedelta(days=1))


def window_of(month):
    after = next_month(month)
    return after.replace(day=11), after.replace(day=15)


def window_working_days(month, calendar=None):
    calendar = calendar or finance_calendar()
    first, last = window_of(month)
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)
            if calendar.is_working_day(first + datetime.timedelta(days=n))]


def build_day(month, calendar=None):
    """When the job builds `month`'s report: the 11th, or, when public holidays leave fewer than three working
    days in the 11th–15th, early enough that three working days remain before the 15th ends (never before the
    1st)."""
    calendar = calendar or finance_calendar()
    first, last = window_of(month)
    if len(window_working_days(month, calendar)) >= MIN_WINDOW_DAYS:
        return first
    day, found = last, []
    start = next_month(month)
    while day >= start and len(found) < MIN_WINDOW_DAYS:
        if calendar.is_working_day(day):
            found.append(day)
        day -= datetime.timedelta(days=1)
    return min([first, *found]) if found else start


def holiday_warning(month, calendar=None):
    """{"working_days": [...], "build_day": date} when holidays take most of `month`'s window, else None."""
    calendar = calendar or finance_calendar()
    days = window_working_days(month, calendar)
    if len(days) >= MIN_WINDOW_DAYS:
        return None
    return {"working_days": days, "build_day": build_day(month, calendar), "window": window_of(month)}


def cycle_suppliers():
    """The suppliers a cycle is run for: every one with a product in the catalogue."""
    from inventory.models import Supplier

    return list(Supplier.objects.filter(products__isnull=False).distinct().order_by("name"))


def _cycle_row(supplier, month):
    try:
        with transaction.atomic():
            return SupplierCycle.objects.get_or_create(supplier=supplier, month=month)[0]
    except IntegrityError:
        return SupplierCycle.objects.get(supplier=supplier, month=month)


def _report_rows(supplier, month):
    from inventory import selectors as inventory_selectors

    rows = inventory_selectors.supplier_sales(supplier, start=month, end=next_month(month))
    return [{**row, "cost_amount": str(row["cost_amount"]), "price_amount": str(row["price_amount"])}
            for row in rows]


def _totals_of(rows):
    return {
        "sold": sum(r["sold"] for r in rows), "returned": sum(r["returned"] for r in rows),
        "net": sum(r["net"] for r in rows),
        "cost_total": sum((Decimal(r["cost_amount"]) for r in rows), Decimal("0.00")),
        "price_total": sum((Decimal(r["price_amount"]) for r in rows), Decimal("0.00")),
    }


def build_cycle(supplier, month, *, by=None, today=None):
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
        _history_by(cycle, by, "built" if first else "rebuilt")
        cycle.save()
        if first:
            _file_cycle_tasks(cycle)
    return cycle


@in_shop_language
def _file_cycle_tasks(cycle):
    from tasks.services import create_task

    product = roles_selectors.leader_post(_department(rules.PRODUCT))
    finance = roles_selectors.leader_post(_department(rules.FINANCE))
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


def _department(code):
    from roles.models import Department

    return Department.objects.filter(code=code).first()


def build_due_cycles(*, today=None):
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
def _step_done(cycle, kind):
    from tasks.services import complete_tasks_about

    step = CycleStep.objects.filter(cycle=cycle, kind=kind, done_at__isnull=True).first()
    if step is None:
        return
    CycleStep.objects.filter(pk=step.pk).update(done_at=timezone.now())
    complete_tasks_about(step, source=CYCLE_SOURCE, note=_("Recorded on the supplier cycle's page."))


def _locked_cycle(cycle):
    return SupplierCycle.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=cycle.pk)


@transaction.atomic
def mark_sent(cycle, *, by, on, how):
    """The product leader (or finance, or the shop manager) sent the report: when and how. Sending again after
    a rebuild records the new sending."""
    if not rules.sends_supplier_reports(by):
        raise ServiceError(_("Only the product leader, finance and the shop manager send supplier reports."))
    cycle = _locked_cycle(cycle)
    errors = []
    if not cycle.is_built:
        errors.append(_("Build the report before sending it."))
    elif not rules.may_send_cycle(by, cycle):
        errors.append(_("This report is already sent; rebuild it to send it again."))
    if on is None:
        errors.append(_("Give the date it was sent."))
    elif on > timezone.localdate():
        errors.append(_("The date sent cannot be in the future."))
    how = _text(how, limit=100, label=_("How"))
    if not how:
        errors.append(_("Say how it was sent (e-mail, WeChat, on paper…)."))
    if errors:
        raise ServiceError(errors)
    cycle.sent_on, cycle.sent_how, cycle.sent_by = on, how, by
    cycle.sent_rows, cycle.sent_cost_total = cycle.rows, cycle.cost_total
    _history_by(cycle, by, "sent")
    cycle.save()
    _step_done(cycle, CycleStep.Kind.SEND)
    return cycle


@transaction.atomic
def record_settlement(cycle, *, by, amount, date, reason=""):
    """Finance settled with the supplier: the amount (a ledger entry, supplier settlement, money out) and the
    date. An amount other than the report's cost total needs a reason."""
    if not rules.keeps_the_books(by):
        raise ServiceError(_("Only finance and the shop manager record settlements."))
    cycle = _locked_cycle(cycle)
    errors = []
    if not cycle.is_built:
        errors.append(_("Build the report before settling."))
    if cycle.settlement_entry_id and not cycle.settlement_entry.is_reversed:
        errors.append(_("This cycle is already settled; reverse its ledger entry to record it again."))
    elif cycle.is_settled and cycle.settlement_entry_id is None:
        errors.append(_("This cycle is already settled."))
    try:
        amount = money(amount, label=_("The settlement"), allow_zero=True)
    except ServiceError as error:
        errors.extend(error.messages)
        amount = None
    reason = _text(reason, label=_("Reason"))
    if amount is not None and amount != cycle.cost_total and not reason:
        errors.append(_("The settlement differs from the report's cost total of %(total)s: say why.")
                      % {"total": f"{cycle.cost_total:,.2f}"})
    if date is None:
        errors.append(_("Give the date of the settlement."))
    if errors:
        raise ServiceError(errors)
    entry = None
    if amount > 0:
        entry = record_entry(
            by=by, date=date, category=Category.objects.get(code="supplier-settlement"), amount=amount,
            direction=LedgerEntry.Direction.OUT, counterparty=cycle.supplier.name,
            reference=shop_text(gettext_lazy("%(supplier)s %(month)s sales"),
                                {"supplier": cycle.supplier, "month": f"{cycle.month:%Y-%m}"}),
            note=reason, source=LedgerEntry.Source.SETTLEMENT, key=f"settlement:{cycle.pk}",
        )
    else:
        open_month_for(date)
    cycle.settlement_amount, cycle.settlement_date, cycle.settlement_reason = amount, date, reason
    cycle.settled_by, cycle.settlement_entry = by, entry
    _history_by(cycle, by, "settled")
    cycle.save()
    if cycle.is_invoiced:
        _step_done(cycle, CycleStep.Kind.SETTLE)
    return cycle


@transaction.atomic
def record_invoice(cycle, *, by, number, date, amount):
    """The invoice for the supplier's product sales: number, date and amount."""
    if not rules.keeps_the_books(by):
        raise ServiceError(_("Only finance and the shop manager record invoices."))
    cycle = _locked_cycle(cycle)
    if cycle.is_invoiced:
        raise ServiceError(_("This cycle is already invoiced (No. %(number)s).") % {"number": cycle.invoice_number})
    errors = []
    number = _text(number, limit=50, label=_("Invoice number"))
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
    _history_by(cycle, by, "invoiced")
    cycle.save()
    if cycle.is_settled:
        _step_done(cycle, CycleStep.Kind.SETTLE)
    return cycle


def remind_open_steps(*, today=None):
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


def late_steps(cycle):
    late = []
    if not cycle.is_sent:
        late.append(_("the report was not sent to the supplier (product leader)"))
    if not cycle.is_settled:
        late.append(_("the payment was not settled (finance leader)"))
    return late


def raise_late_cases(*, today=None):
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
def _raise_late_case(cycle, last):
    steps = late_steps(cycle)
    return case_services.raise_case(
        source=LATE_SOURCE, post=roles_selectors.manager_post(), subject=cycle, key=f"cycle-{cycle.pk}-late",
        title=_("Supplier cycle late: %(cycle)s") % {"cycle": cycle},
        description=_("The 11th–15th window for %(cycle)s ended on %(last)s and %(steps)s.")
        % {"cycle": cycle, "last": last, "steps": _("; ").join(str(s) for s in steps)},
    )


def cycle_changes(cycle):
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
        changes.append({"sku": sku, "name": (new or old)["name"], "before": old, "now": new})
    return changes


# --- Taobao money ------------------------------------------------------------------------------------------

TAOBAO_KINDS = (("sales", "taobao-sales"), ("refunds", "taobao-refunds"))


def sync_taobao_days(dates):
    """Bring the ledger's Taobao entries for `dates` in line with the imported orders: one sales entry and one
    refunds entry per day. A day whose totals did not change is left alone; a changed one has its entry
    reversed and written again. Safe to run twice or at the same time. Returns the entries written."""
    from inventory import selectors as inventory_selectors

    dates = sorted(set(dates))
    if not dates:
        return []
    if Category.objects.filter(code__in=[code for _kind, code in TAOBAO_KINDS]).count() < len(TAOBAO_KINDS):
        ensure_seed_data()  # an admin cannot delete categories; a flushed test database can
    categories = {kind: Category.objects.get(code=code) for kind, code in TAOBAO_KINDS}
    written = []
    for day in dates:
        for kind, _code in TAOBAO_KINDS:
            for _attempt in range(3):
                try:
                    with transaction.atomic():
                        made = _sync_day(day, kind, categories[kind], inventory_selectors)
                    break
                except IntegrityError:
                    continue  # another run wrote the day's entry at the same moment: look again
            else:
                raise RuntimeError(f"could not write the Taobao {kind} entry of {day}")
            if made is not None:
                written.append(made)
    return written


def tell_finance_taobao_refused(dates, error):
    with transaction.atomic():
        notify(finance_people(), title=MESSAGES["taobao.refused"][0], body=MESSAGES["taobao.refused"][1],
               params={"days": ", ".join(str(day) for day in dates), "error": str(error)},
               url=reverse_url("finance:months"), event="taobao.refused")


def reverse_url(name):
    from django.urls import reverse

    return reverse(name)


@in_shop_language
def _sync_day(day, kind, category, inventory_selectors):
    """One day's entry of one kind. The day's month row is locked first (it exists even when no entry does yet)
    and the day's totals are read only then, so of two overlapping syncs the later one reads the newer total
    and writes last."""
    key = f"taobao:{kind}:{day.isoformat()}"
    month = lock_month(day)
    rows = inventory_selectors.taobao_daily_money(start=day, end=day + datetime.timedelta(days=1))
    amount = next((row.get(kind) for row in rows if row["date"] == day), None) or Decimal("0.00")
    live = LedgerEntry.objects.select_for_update().filter(key=key, is_reversed=False).first()
    if live is not None and live.amount == amount:
        return None
    if live is None and amount == 0:
        return None
    if live is not None:
        reverse_entry(live, by=None, system=True,
                      reason=_("A later Taobao import changed %(day)s's %(kind)s to %(amount)s.")
                      % {"day": day, "kind": category, "amount": f"{amount:,.2f}"})
    if amount == 0:
        return None
    date = day if not month.closed else timezone.localdate()
    note = _("Taobao %(kind)s of %(day)s, from the order imports.") % {"kind": category, "day": day}
    return record_entry(by=None, date=date, category=category, amount=amount, counterparty=_("Taobao"),
                        reference=day.isoformat(), note=note, source=LedgerEntry.Source.TAOBAO, key=key)
