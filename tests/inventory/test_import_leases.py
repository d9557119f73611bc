"""A check or an import whose worker died is not busy forever: both are claimed with a lease, a redelivered check
while the first is alive does nothing, and the sweep marks a stale one stopped, to be run again."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory import importing, staging, tasks
from inventory.models import Product, TaobaoImport
from tests import exports
from tests.inventory.factories import stocked

pytestmark = pytest.mark.django_db
Status = TaobaoImport.Status
PAID = "买家已付款，等待卖家发货"


@pytest.fixture
def lines_file(tmp_path, clerk):
    stocked(100, sku="SCT-001", name="菊花茶", price=Decimal("39.00"))
    path = tmp_path / "lines.csv"
    path.write_bytes(exports.lines_2017([{"订单编号": f"35153131473{n:06d}", "标题": "菊花茶", "价格": "39.00",
                                          "购买数量": "1", "订单状态": PAID, "商家编码": "SCT-001"}
                                         for n in range(5)]))
    return path


def test_a_redelivered_check_while_the_first_is_alive_does_nothing(lines_file, clerk):
    taobao_import = importing.upload(lines_file, filename="lines.csv", by=clerk)
    TaobaoImport.objects.filter(pk=taobao_import.pk).update(claimed_at=timezone.now())  # a live worker is checking it
    again = importing.check(taobao_import)
    assert (again.status, again.summary, again.rows_done) == (Status.CHECKING, {}, 0)
    assert not staging.staged(again)

    TaobaoImport.objects.filter(pk=taobao_import.pk).update(claimed_at=timezone.now() - importing.LEASE - timedelta(1))
    taken_over = importing.check(taobao_import)  # that worker died: its lease ran out, the check is taken over
    assert (taken_over.status, taken_over.summary["sales"]) == (Status.CHECKED, 5)


def test_the_sweep_stops_an_import_whose_worker_died_and_it_runs_again(lines_file, clerk, monkeypatch):
    monkeypatch.setattr(tasks.run_taobao_import, "delay_on_commit", lambda pk: None)
    taobao_import = importing.start(importing.check(importing.upload(lines_file, filename="lines.csv", by=clerk)),
                          by=clerk, inline=False)
    alive = timezone.now()
    TaobaoImport.objects.filter(pk=taobao_import.pk).update(status=Status.RUNNING, started_at=alive, claimed_at=alive)
    assert importing.expire_stale() == 0  # its worker renews the claim: not touched
    TaobaoImport.objects.filter(pk=taobao_import.pk).update(claimed_at=alive - importing.LEASE - timedelta(minutes=1))

    assert importing.expire_stale() == 1
    taobao_import.refresh_from_db()
    assert taobao_import.status == Status.FAILED and "Run it again" in taobao_import.refusal
    with pytest.raises(Exception, match="Only a stopped import"):
        importing.retry(TaobaoImport.objects.create(filename="x.csv", status=Status.DONE, created_by=clerk), by=clerk)

    importing.retry(taobao_import, by=clerk)
    assert importing.run(taobao_import.pk).status == Status.DONE
    assert Product.objects.get(sku="SCT-001").on_hand == 95
