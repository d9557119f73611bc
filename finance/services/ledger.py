"""The ledger's entries: written once, never edited or deleted; a mistake is reversed by an entry that points to
it. An entry dated in a month locks that month's books first."""
import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError

from .. import rules, seeds
from ..models import Category, FixedCost, LedgerEntry
from .money import money
from .months import lock_month, open_month_for
from .texts import clean_text

OPPOSITE: dict[str, str] = {
    LedgerEntry.Direction.IN: LedgerEntry.Direction.OUT, LedgerEntry.Direction.OUT: LedgerEntry.Direction.IN,
}


def _as_date(value: datetime.date | None) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        raise TypeError("an entry's date is a date, not a datetime")
    return value


@transaction.atomic
def record_entry(*, by: User | None, date: datetime.date | None, category: Category | None, amount: str | Decimal,
                 direction: str | None = None, counterparty: str = "", reference: str = "", note: str = "",
                 source: str = LedgerEntry.Source.MANUAL, key: str = "") -> LedgerEntry:
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
    counterparty = clean_text(counterparty, limit=100, label=_("Counterparty"))
    reference = clean_text(reference, limit=100, label=_("Reference"))
    note = clean_text(note, label=_("Note"))
    if errors:
        raise ServiceError(errors)
    assert date is not None and category is not None and direction is not None  # each refused above when missing
    open_month_for(date)
    return LedgerEntry.objects.create(
        date=date, category=category, direction=direction, amount=amount, counterparty=counterparty,
        reference=reference, note=note, source=source, recorded_by=by, key=key,
    )


@transaction.atomic
def reverse_entry(entry: LedgerEntry, *, by: User | None, reason: str, system: bool = False) -> LedgerEntry:
    """Cancel `entry` with an entry of the same amount in the other direction that points to it.

    The reversal is dated like the entry when its month is open; when that month is closed it is dated today
    (the closed month keeps its figures; the correction shows in the open month). `system=True` lets
    Shopteam reverse its own entries (a Taobao day re-imported) with `by=None`. Returns the reversal.
    """
    if not system and (by is None or not rules.keeps_the_books(by)):
        raise ServiceError(_("Only the finance group and the shop manager can reverse entries."))
    reason = clean_text(reason, label=_("Reason"))
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


def record_system_entry(*, key: str, **fields: Any) -> LedgerEntry:
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


@transaction.atomic
def ensure_seed_data() -> int:
    """The seeded categories and yearly fixed costs (finance/seeds.py) that are missing, e.g. after a test
    database was flushed; never overwrites an admin's edit. Returns how many rows were created."""
    made = 0
    for order, (code, name, name_en, kind, group) in enumerate(seeds.CATEGORIES):
        _row, created = Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": kind, "group": group, "order": order}
        )
        made += created
    tools = Category.objects.get(code=seeds.TOOLS)
    for name, amount, note in seeds.FIXED_COSTS:
        _cost, created = FixedCost.objects.get_or_create(
            name=name, defaults={"category": tools, "yearly_amount": amount, "note": note}
        )
        made += created
    return made

