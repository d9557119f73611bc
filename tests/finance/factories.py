"""Ledger entries the way finance records them (through the service), and in bulk for query-count tests."""
import datetime
from decimal import Decimal

import factory

from finance import services
from finance.models import Category, LedgerEntry


def entry(by, *, code="other-expense", amount="100.00", date=None, **fields):
    """Record an entry through the service, as `by` (a finance person) would."""
    from django.utils import timezone

    return services.record_entry(
        by=by, date=date or timezone.localdate(), category=Category.objects.get(code=code), amount=amount, **fields
    )


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    """Plain rows for pages and benchmarks that need many entries (the rules are tested through the service)."""

    class Meta:
        model = LedgerEntry

    date = factory.Sequence(lambda n: datetime.date(2026, 2, 1) + datetime.timedelta(days=n % 28))
    category = factory.LazyFunction(lambda: Category.objects.get(code="other-expense"))
    direction = LedgerEntry.Direction.OUT
    amount = factory.Sequence(lambda n: Decimal(n % 500 + 1) + Decimal("0.25"))
    counterparty = factory.Sequence(lambda n: f"对方{n}")
