"""Taobao money reaches the books even when booking fails: the days an import changed are recorded in the import's
own transaction, booked after commit (a failure queues a retrying job and the import stays unbooked), the
dashboard and the months page say so, and the nightly sweep books it. A refusal (every open month closed) is
final: finance is told and the import is marked booked with the refusal noted. Files as test_taobao_money."""
import pytest
from django.urls import reverse

from finance import services
from finance.models import LedgerEntry
from inventory import selectors as inventory_selectors
from inventory import staging, tasks
from inventory.models import TaobaoImport
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from tests import exports
from tests.finance.test_taobao_money import ORDERS, import_file

pytestmark = pytest.mark.django_db

WARNING = "data-taobao-money-waiting"


@pytest.fixture
def queued(monkeypatch):
    """The retrying job's messages (no broker in the test: the test runs what it must)."""
    sent = []
    monkeypatch.setattr(tasks.book_taobao_money, "apply_async", lambda args, **kwargs: sent.append(args))
    return sent


def fails_once(monkeypatch):
    real, calls = services.sync_taobao_days, []

    def sync(dates):
        calls.append(dates)
        if len(calls) == 1:
            raise RuntimeError("the ledger is down")
        return real(dates)

    monkeypatch.setattr(services, "sync_taobao_days", sync)
    return calls


def pages(client, team):
    client.force_login(team["manager"])
    dashboard = client.get(reverse("dashboard")).content.decode()
    client.force_login(team["finance_lead"])
    months = client.get(reverse("finance:months")).content.decode()
    return dashboard, months


def taobao_entries():
    return LedgerEntry.objects.filter(source=LedgerEntry.Source.TAOBAO, is_reversed=False).count()


def test_a_booking_that_fails_waits_is_warned_of_and_the_sweep_books_it(
        tmp_path, clock, team, client, monkeypatch, queued, django_capture_on_commit_callbacks):
    calls = fails_once(monkeypatch)
    taobao_import = import_file(tmp_path, "orders.xlsx", exports.orders_2022(ORDERS), team["product_lead"],
                      django_capture_on_commit_callbacks)

    taobao_import.refresh_from_db()
    assert taobao_import.money_days == ["2026-03-02", "2026-03-03"] and taobao_import.money_booked_at is None
    assert queued == [(taobao_import.pk,)] and taobao_entries() == 0  # the retrying job has it
    assert inventory_selectors.taobao_money_waiting()["count"] == 1
    for page in pages(client, team):
        assert f'{WARNING}="1"' in page and "1 个淘宝导入的金额待入账（最早 2026-03-16 10:00）" in page

    assert tasks.book_pending_taobao_money() == 1  # the nightly sweep
    taobao_import.refresh_from_db()
    assert taobao_import.money_booked_at is not None and taobao_import.money_note == "" and len(calls) == 2
    assert taobao_entries() == 4
    for page in pages(client, team):
        assert WARNING not in page
    # The retrying job's late run, and the sweep again, change nothing: the import is booked.
    assert tasks.book_taobao_money(taobao_import.pk) is False and tasks.book_pending_taobao_money() == 0
    assert len(calls) == 2 and taobao_entries() == 4


def test_the_retrying_job_books_it_once_finance_answers(tmp_path, clock, team, monkeypatch, queued,
                                                        django_capture_on_commit_callbacks):
    fails_once(monkeypatch)
    taobao_import = import_file(tmp_path, "orders.xlsx", exports.orders_2022(ORDERS), team["product_lead"],
                      django_capture_on_commit_callbacks)
    assert tasks.book_taobao_money(*queued[0]) is True
    taobao_import.refresh_from_db()
    assert taobao_import.money_booked_at is not None and taobao_entries() == 4


def test_a_refusal_is_final_finance_is_told_and_the_import_is_booked_with_it_noted(
        tmp_path, clock, team, monkeypatch, queued, django_capture_on_commit_callbacks):
    def refuse(dates):
        raise ServiceError("The books of 2026-03 are closed.")

    monkeypatch.setattr(services, "sync_taobao_days", refuse)
    taobao_import = import_file(tmp_path, "orders.xlsx", exports.orders_2022(ORDERS), team["product_lead"],
                      django_capture_on_commit_callbacks)
    taobao_import.refresh_from_db()
    assert taobao_import.money_booked_at is not None and taobao_import.money_note == "The books of 2026-03 are closed."
    assert queued == [] and inventory_selectors.taobao_money_waiting()["count"] == 0
    assert Notification.objects.filter(recipient=team["finance_lead"], event="taobao.refused").exists()


def test_an_import_rolled_back_records_nothing_and_books_nothing(
        tmp_path, clock, team, monkeypatch, queued, django_capture_on_commit_callbacks):
    from inventory import importing

    heard = fails_once(monkeypatch)

    def broken(taobao_import):
        raise RuntimeError("the disk is gone")

    path = tmp_path / "orders.xlsx"
    path.write_bytes(exports.orders_2022(ORDERS))
    by = team["product_lead"]
    with django_capture_on_commit_callbacks(execute=True):
        taobao_import = importing.check(importing.upload(path, filename="orders.xlsx", by=by))
        # Inside the transaction that marks the import done (the check discards a stage of its own too).
        monkeypatch.setattr(staging, "discard", broken)
        with pytest.raises(RuntimeError, match="disk"):
            importing.start(taobao_import, by=by)
    taobao_import.refresh_from_db()
    assert taobao_import.status != TaobaoImport.Status.DONE
    assert taobao_import.money_days == [] and taobao_import.money_booked_at is None
    assert heard == [] and queued == [] and taobao_entries() == 0
    assert inventory_selectors.taobao_money_waiting()["count"] == 0
