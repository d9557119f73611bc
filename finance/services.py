"""Every change to the shop's money. Each runs in a transaction, locks what it changes (a month's books before
an entry is dated in it), checks the rules, and leaves history: an entry is never edited or deleted, a
mistake is reversed by an entry that points to it."""
import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError

from . import rules
from .models import Category, ClosedMonth, LedgerEntry, first_of_month

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
TEXT_MAX = 2000
OPPOSITE = {LedgerEntry.Direction.IN: LedgerEntry.Direction.OUT, LedgerEntry.Direction.OUT: LedgerEntry.Direction.IN}


def money(value, *, label=None, allow_zero=False):
    """`value` as a Decimal of whole cents, or a ServiceError naming `label`: never a float, never rounded
    silently."""
    label = label or _("The amount")
    if isinstance(value, float):
        raise TypeError("money is never a float: pass a Decimal or a string")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("%(label)s must be a number of yuan, e.g. 1188.00.") % {"label": label}) from None
    if not amount.is_finite():
        raise ServiceError(_("%(label)s must be a number of yuan, e.g. 1188.00.") % {"label": label})
    if amount != amount.quantize(CENT):
        raise ServiceError(_("%(label)s has more than two decimals (fen).") % {"label": label})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ServiceError(_("%(label)s must be more than zero.") % {"label": label})
    if amount > MAX_AMOUNT:
        raise ServiceError(_("%(label)s is too large.") % {"label": label})
    return amount.quantize(CENT)


def _text(value, *, limit=TEXT_MAX, label):
    value = (value or "").strip()
    if len(value) > limit:
        raise ServiceError(_("%(label)s: keep it under %(limit)s characters.") % {"label": label, "limit": limit})
    return value


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
