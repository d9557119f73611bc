"""Ledger entries the way finance records them (through the service), and in bulk for query-count tests."""
import datetime
from decimal import Decimal

import factory
import time_machine

from finance import services
from finance.models import Category, LedgerEntry
from inventory import services as inventory_services
from inventory.models import StockMove
from tests.finance.conftest import at
from tests.inventory.factories import stocked


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


def built_cycle(team):
    """The tea supplier's February cycle as its build job makes it on 11 March at 09:00, after 菊花茶 (cost 10.00,
    stocked 50 on 1 February) sold 3 on 10 February. Returns (the cycle, the tea)."""
    with time_machine.travel(at("2026-02-01 09:00"), tick=False):
        tea = stocked(50, sku="SCT-001", name="菊花茶", cost=Decimal("10.00"), price=Decimal("30.00"))
    inventory_services.record_move(tea, kind=StockMove.Kind.SALE, quantity=-3, by=team["product_lead"],
                                   moved_at=at("2026-02-10 10:00"))
    with time_machine.travel(at("2026-03-11 09:00"), tick=False):
        [made] = services.build_due_cycles()
    return made, tea
