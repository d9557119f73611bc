"""Buyers' names, phones and addresses are cleared SHOPTEAM_BUYER_DATA_DAYS after an order's last moment, and the
stored export files after as long; the orders, their money and the stock stay."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from inventory import importing, tasks
from inventory.models import TaobaoImport, TaobaoOrder
from shopteam.schedules import all_schedules
from tests.inventory.factories import TaobaoOrderFactory, order_status

pytestmark = pytest.mark.django_db
DAYS = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def keep_180_days(settings):
    settings.SHOPTEAM_BUYER_DATA_DAYS = 180


def finished(received_days_ago):
    received = timezone.now() - received_days_ago * DAYS
    return TaobaoOrderFactory(**order_status("交易成功"), placed_at=received - 6 * DAYS, shipped_at=received - 4 * DAYS,
                              received_at=received, carrier="中通快递", waybill=f"7300{received_days_ago:08d}")


def personal(order):
    order.refresh_from_db()
    return order.buyer_nick, order.receiver_name, order.receiver_phone, order.address


def test_an_order_past_its_time_loses_the_buyer_and_keeps_its_money_and_shipping():
    old, recent = finished(181), finished(179)
    waiting = TaobaoOrderFactory(placed_at=timezone.now() - 200 * DAYS, paid_at=timezone.now() - 200 * DAYS)
    forgotten = importing.forget_old_buyer_data()
    assert forgotten.orders == 2
    assert personal(old) == ("", "", "", "") and personal(waiting) == ("", "", "", "")
    assert all(personal(recent))
    assert old.paid_amount == Decimal("78.00") and old.waybill == "730000000181" and old.status == "交易成功"
    assert importing.forget_old_buyer_data().orders == 0  # run again: nothing left to clear


def test_the_last_moment_counts_not_when_the_order_was_placed():
    order = finished(30)
    order.placed_at = timezone.now() - 400 * DAYS
    order.save()
    assert importing.forget_old_buyer_data().orders == 0
    assert all(personal(order))


def test_zero_days_keeps_everything(settings):
    settings.SHOPTEAM_BUYER_DATA_DAYS = 0
    order = finished(1000)
    assert importing.forget_old_buyer_data().orders == 0
    assert all(personal(order))


def test_stored_files_go_after_the_same_time_unless_they_may_still_be_read(tmp_path, team, client):
    clerk = team["product_lead"]
    source = tmp_path / "export.csv"
    source.write_bytes(b"not an export at all")
    refused = importing.check(importing.upload(source, filename="export.csv", by=clerk))
    waiting = importing.upload(tmp_path / "export.csv", filename="again.csv", by=clerk)  # not checked yet
    assert refused.status == TaobaoImport.Status.REFUSED
    assert importing.file_path(refused).exists() and importing.file_path(waiting).exists()
    assert importing.forget_old_buyer_data().files == 0  # both new
    with time_machine.travel(timezone.now() + 181 * DAYS):
        assert importing.forget_old_buyer_data().files == 1
    refused.refresh_from_db()
    waiting.refresh_from_db()
    assert not importing.file_path(refused).exists() and refused.file_removed_at is not None
    assert importing.file_path(waiting).exists() and waiting.file_removed_at is None
    client.force_login(clerk)
    assert "data-file-removed" in client.get(refused.get_absolute_url()).content.decode()
    assert "data-file-removed" not in client.get(waiting.get_absolute_url()).content.decode()


def test_the_nightly_job_clears_them():
    old = finished(365)
    assert tasks.forget_old_buyer_data() == {"orders": 1, "files": 0}
    assert personal(old) == ("", "", "", "")
    assert TaobaoOrder.objects.filter(pk=old.pk).exists()
    assert any(task == "inventory.tasks.forget_old_buyer_data" and timing[0] == "crontab"
               for _, task, timing in all_schedules())
