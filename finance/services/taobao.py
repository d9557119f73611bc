"""Taobao money in the ledger: one sales and one refunds entry per day, kept in line with the order imports."""
import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory import selectors as inventory_selectors
from shopteam.notifications.services import notify

from ..models import Category, LedgerEntry
from .ledger import ensure_seed_data, record_entry, reverse_entry
from .months import lock_month
from .notices import MESSAGES, finance_people
from .texts import in_shop_language

TAOBAO_KINDS = (("sales", "taobao-sales"), ("refunds", "taobao-refunds"))


def sync_taobao_days(dates: Iterable[datetime.date]) -> list[LedgerEntry]:
    """Bring the ledger's Taobao entries for `dates` in line with the imported orders: one sales entry and one
    refunds entry per day. A day whose totals did not change is left alone; a changed one has its entry
    reversed and written again. Safe to run twice or at the same time. Returns the entries written."""
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
                        made = _sync_day(day, kind, categories[kind])
                    break
                except IntegrityError:
                    continue  # another run wrote the day's entry at the same moment: look again
            else:
                raise RuntimeError(f"could not write the Taobao {kind} entry of {day}")
            if made is not None:
                written.append(made)
    return written


def tell_finance_taobao_refused(dates: Iterable[datetime.date], error: Exception | str) -> None:
    with transaction.atomic():
        notify(finance_people(), title=MESSAGES["taobao.refused"][0], body=MESSAGES["taobao.refused"][1],
               params={"days": ", ".join(str(day) for day in dates), "error": str(error)},
               url=reverse("finance:months"), event="taobao.refused")


@in_shop_language
def _sync_day(day: datetime.date, kind: str, category: Category) -> LedgerEntry | None:
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

