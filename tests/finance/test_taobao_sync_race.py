"""Two syncs of one Taobao day that overlap: the ledger ends with the newer total (PostgreSQL row locks).

The first sync reads the day's totals and is held there; meanwhile a later import changes the day and a second
sync runs. The day's totals are read inside the day's locked transaction, so the second sync waits for the first
and then reads the newer total; it must not be the first, with its older total, that writes last.
"""
import datetime
import threading
from decimal import Decimal

import pytest
from django.utils import timezone

from finance import services
from finance.models import LedgerEntry
from inventory import selectors as inventory_selectors
from inventory.models import TaobaoOrder
from tests.threads import in_background

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
]


def live_sales(day):
    return list(LedgerEntry.objects.filter(key=f"taobao:sales:{day.isoformat()}", is_reversed=False)
                .values_list("amount", flat=True))


def test_of_two_overlapping_syncs_the_newer_total_wins(monkeypatch):
    services.ensure_seed_data()
    day = timezone.localdate() - datetime.timedelta(days=1)
    paid_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    order = TaobaoOrder.objects.create(order_id="3500000000000000091", status="交易成功", sold=True,
                                       paid_amount=Decimal("100.00"), paid_at=paid_at, from_order_report=True)
    services.sync_taobao_days([day])
    assert live_sales(day) == [Decimal("100.00")]

    read_old, release = threading.Event(), threading.Event()
    calls = []
    real = inventory_selectors.taobao_daily_money

    def held_after_reading(**kwargs):
        rows = real(**kwargs)
        calls.append(kwargs)
        if len(calls) == 1:  # the first sync, once it has read the old totals
            read_old.set()
            assert release.wait(10)
        return rows

    monkeypatch.setattr(inventory_selectors, "taobao_daily_money", held_after_reading)
    # A later import changes the day's total to 130.00 (while the first sync is held), then the second sync runs.
    first = in_background(lambda: services.sync_taobao_days([day]))
    assert read_old.wait(10)
    TaobaoOrder.objects.filter(pk=order.pk).update(paid_amount=Decimal("130.00"))
    second = in_background(lambda: services.sync_taobao_days([day]))
    second.join(1)  # the second sync waits for the first's lock on the day (or, unlocked, finishes at once)
    release.set()
    first.join(10)
    second.join(10)
    assert not first.is_alive() and not second.is_alive()
    outcomes = [first.outcome, second.outcome]
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes

    assert live_sales(day) == [Decimal("130.00")]
