"""The supplier cycle's pages per role: the product leader sees the report and marks it sent; finance settles and
records the invoice; the shop manager sees it all, and the dashboard shows this month's cycle per supplier."""
import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finance import services
from finance.models import SupplierCycle
from tests.finance.conftest import at
from tests.finance.factories import built_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(team, working_hours):
    made, _tea = built_cycle(team)
    return made


@pytest.fixture(autouse=True)
def _march(cycle):
    with time_machine.travel(at("2026-03-12 10:00"), tick=False):
        yield


def pages(cycle):
    return [reverse("finance:cycle_list"), cycle.get_absolute_url(), cycle.get_absolute_url() + "?export=xlsx"]


def test_an_anonymous_visitor_is_sent_to_sign_in(client, cycle):
    for url in pages(cycle):
        assert client.get(url)["Location"].startswith(reverse("login") + "?next=")
    response = client.post(reverse("finance:cycle_action", args=[cycle.pk, "send"]), {"on": "2026-03-12", "how": "x"})
    assert response["Location"].startswith(reverse("login"))
    assert not SupplierCycle.objects.get().is_sent


@pytest.mark.parametrize(("username", "status"), [("product_lead", 200), ("finance_lead", 200), ("manager", 200),
                                                  ("marketing_lead", 403), ("kefu_a", 403), ("photo_a", 403)])
def test_who_sees_the_supplier_report(client, team, cycle, username, status):
    client.force_login(team[username])
    for url in pages(cycle):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(("username", "sent", "settled", "invoiced"), [
    ("product_lead", True, False, False), ("finance_lead", True, True, True), ("manager", True, True, True),
    ("marketing_lead", False, False, False)])
def test_each_step_per_role(client, team, cycle, username, sent, settled, invoiced):
    client.force_login(team[username])
    act = lambda action, data: client.post(reverse("finance:cycle_action", args=[cycle.pk, action]), data)  # noqa: E731
    statuses = [
        act("send", {"on": "2026-03-12", "how": "邮件"}).status_code,
        act("settle", {"amount": "30.00", "date": "2026-03-12"}).status_code,
        act("invoice", {"number": "No.1", "date": "2026-03-12", "amount": "90.00"}).status_code,
    ]
    assert statuses == [302 if username != "marketing_lead" else 403] * 3
    cycle.refresh_from_db()
    assert (cycle.is_sent, cycle.is_settled, cycle.is_invoiced) == (sent, settled, invoiced)


def test_the_product_leader_does_not_see_the_ledger_link(client, team, cycle):
    services.record_settlement(cycle, by=team["finance_lead"], amount="30.00", date=datetime.date(2026, 3, 12))
    cycle.refresh_from_db()
    entry_url = cycle.settlement_entry.get_absolute_url()
    client.force_login(team["product_lead"])
    assert entry_url not in client.get(cycle.get_absolute_url()).content.decode()
    assert client.get(entry_url).status_code == 403
    client.force_login(team["finance_lead"])
    assert entry_url in client.get(cycle.get_absolute_url()).content.decode()


def test_a_refused_step_shows_every_message(client, team, cycle):
    client.force_login(team["finance_lead"])
    response = client.post(reverse("finance:cycle_action", args=[cycle.pk, "settle"]),
                           {"amount": "25.00", "date": "2026-03-12"}, follow=True)
    assert "说明原因" in response.content.decode()
    assert not SupplierCycle.objects.get().is_settled


def test_the_dashboard_shows_this_months_cycle_per_supplier_and_the_months_money(client, team, cycle):
    client.force_login(team["manager"])
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-panel="supplier_cycle"' in page and cycle.get_absolute_url() in page and "食草堂" in page
    client.force_login(team["finance_lead"])
    assert client.get(reverse("dashboard")).status_code == 403


def test_the_cycle_page_costs_the_same_queries_for_1_and_30_products(client, team, cycle):
    client.force_login(team["finance_lead"])
    client.get(cycle.get_absolute_url())  # once unmeasured: the per-process ContentType cache fills on first use
    counts = []
    for size in (1, 30):
        rows = [{"product_id": n, "sku": f"SCT-{n:03d}", "name": "茶", "sold": 1, "returned": 0, "net": 1,
                 "cost_amount": "1.00", "price_amount": "2.00"} for n in range(size)]
        SupplierCycle.objects.filter(pk=cycle.pk).update(rows=rows)
        with CaptureQueriesContext(connection) as queries:
            client.get(cycle.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_cycle_just_built_says_what_is_not_done_in_words(client, team, cycle):
    client.force_login(team["manager"])
    page = client.get(cycle.get_absolute_url()).content.decode()
    steps = re.search(r"data-cycle-steps>(.*?)\n</span>", page, re.S).group(1)
    assert "未发送" in steps and "未结算" in steps and "未开票" in steps
    assert "已发送" not in steps and "已结算" not in steps and "已开票" not in steps
