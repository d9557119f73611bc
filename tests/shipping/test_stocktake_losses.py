"""A posted stocktake whose loss reaches the threshold (ShippingSettings: ¥200 at cost or 5 units by default) waits
on the incidents page until the product leader or the shop manager confirms it as a storeroom incident or says why
it is not one; a confirmed loss makes its month one with a storeroom incident."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import Stocktake
from roles.playbook import DEMO_PEOPLE
from shipping import rules, selectors, services
from shipping.models import ShippingSettings, StocktakeLossDecision, StoreroomIncident
from shopteam.errors import ServiceError

from .factories import posted_stocktake

pytestmark = pytest.mark.django_db
DECIDERS = {"manager", "product_lead"}


@pytest.fixture
def big_loss(team):
    """Three units of ¥80 missing (¥240), one unit found over: over the value threshold."""
    return posted_stocktake(team["product_lead"], [("80.00", 10, 7), ("5.00", 2, 3), ("9.00", 4, 4)])


def test_the_list_holds_posted_stocktakes_whose_loss_reaches_the_threshold(team, big_loss):
    lead = team["product_lead"]
    many_units = posted_stocktake(lead, [("1.00", 20, 14)])  # six units, ¥6
    posted_stocktake(lead, [("30.00", 5, 2)])  # three units, ¥90: under both
    posted_stocktake(lead, [("90.00", 5, 0)], status=Stocktake.Status.COUNTING)
    posted_stocktake(lead, [("90.00", 5, 0)], status=Stocktake.Status.ABANDONED)
    found = {s.pk: (s.lost_units, s.lost_value) for s in selectors.stocktake_losses()}
    assert found == {big_loss.pk: (3, Decimal("240.00")), many_units.pk: (6, Decimal("6.00"))}
    settings_row = ShippingSettings.current()
    assert (settings_row.stocktake_loss_value, settings_row.stocktake_loss_units) == (Decimal("200.00"), 5)
    settings_row.stocktake_loss_value, settings_row.stocktake_loss_units = Decimal("250"), 10
    settings_row.save()
    assert list(selectors.stocktake_losses()) == []


def test_confirming_records_a_linked_incident_on_the_day_posted_and_the_month_has_one(team, big_loss):
    posted = timezone.now() - datetime.timedelta(days=40)
    Stocktake.objects.filter(pk=big_loss.pk).update(closed_at=posted)
    month = timezone.localdate(posted).replace(day=1)
    assert not selectors.month_had_storeroom_incident(month)
    incident = services.confirm_stocktake_loss(big_loss, by=team["product_lead"], what_happened="陈皮被老鼠咬坏")
    assert incident.kind == StoreroomIncident.Kind.STOCKTAKE_LOSS and incident.happened_on == timezone.localdate(posted)
    assert "3" in incident.what_happened and "240.00" in incident.what_happened and "陈皮" in incident.what_happened
    decision = incident.stocktake_decision
    assert (decision.stocktake, decision.decision, decision.decided_by) == (
        big_loss, StocktakeLossDecision.Decision.INCIDENT, team["product_lead"])
    assert decision.history.count() == 1 and incident.history.count() == 1
    assert selectors.month_had_storeroom_incident(month)
    assert list(selectors.stocktake_losses()) == []
    for again in (lambda: services.confirm_stocktake_loss(big_loss, by=team["manager"]),
                  lambda: services.dismiss_stocktake_loss(big_loss, by=team["manager"], reason="盘错了")):
        with pytest.raises(ServiceError, match="decided on already"):
            again()
    assert StoreroomIncident.objects.count() == 1 and StocktakeLossDecision.objects.count() == 1


def test_not_an_incident_keeps_the_reason_and_records_no_incident(team, big_loss):
    with pytest.raises(ServiceError, match="why it is not"):
        services.dismiss_stocktake_loss(big_loss, by=team["manager"], reason="  ")
    assert not StocktakeLossDecision.objects.exists()
    decision = services.dismiss_stocktake_loss(big_loss, by=team["manager"], reason="找到了，放错了货架")
    assert decision.reason == "找到了，放错了货架" and decision.incident is None and decision.lost_units == 3
    assert not StoreroomIncident.objects.exists() and list(selectors.stocktake_losses()) == []
    assert not selectors.month_had_storeroom_incident(timezone.localdate())


def test_a_loss_under_the_threshold_cannot_be_confirmed(team):
    small = posted_stocktake(team["product_lead"], [("30.00", 5, 2)])
    with pytest.raises(ServiceError, match="under the threshold"):
        services.confirm_stocktake_loss(small, by=team["product_lead"])
    assert not StoreroomIncident.objects.exists()


@pytest.mark.parametrize("username", [name for name, *_ in DEMO_PEOPLE])
def test_only_the_product_leader_and_the_shop_manager_decide(team, big_loss, username):
    user = team[username]
    allowed = username in DECIDERS
    assert rules.allowed_actions(big_loss, user) == ({"confirm_loss", "dismiss_loss"} if allowed else set())
    if allowed:
        services.dismiss_stocktake_loss(big_loss, by=user, reason="盘点时漏数了一箱")
    else:
        with pytest.raises(ServiceError, match="product group's leader"):
            services.confirm_stocktake_loss(big_loss, by=user)
        with pytest.raises(ServiceError, match="product group's leader"):
            services.dismiss_stocktake_loss(big_loss, by=user, reason="x")
    assert StocktakeLossDecision.objects.exists() == allowed


def test_a_product_group_member_is_refused(packer, big_loss):
    with pytest.raises(ServiceError):
        services.confirm_stocktake_loss(big_loss, by=packer)


@pytest.mark.parametrize("username", [name for name, *_ in DEMO_PEOPLE])
def test_the_page_and_its_buttons_per_role(client, team, big_loss, username):
    client.force_login(team[username])
    page = client.get(reverse("shipping:incidents"), HTTP_ACCEPT_LANGUAGE="en")
    confirm = reverse("shipping:stocktake_loss_action", args=[big_loss.pk, "confirm_loss"])
    if username not in DECIDERS:
        assert page.status_code == 403
        assert client.post(confirm).status_code == 403
        assert not StoreroomIncident.objects.exists()
        return
    text = page.content.decode()
    assert f'data-stocktake-loss="{big_loss.pk}"' in text and confirm in text and "Not an incident" in text
    answer = client.post(confirm, {"note": "确认报损"})
    incident = StoreroomIncident.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("shipping:incident", args=[incident.pk])
    assert f'data-stocktake-loss="{big_loss.pk}"' not in client.get(reverse("shipping:incidents")).content.decode()


def test_the_page_refuses_a_dismissal_without_a_reason_and_takes_one_with(client, team, big_loss):
    client.force_login(team["product_lead"])
    url = reverse("shipping:stocktake_loss_action", args=[big_loss.pk, "dismiss_loss"])
    assert client.get(url).status_code == 302 and not StocktakeLossDecision.objects.exists()
    answer = client.post(url, {"note": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Say why it is not a storeroom incident." in answer.content.decode()
    assert not StocktakeLossDecision.objects.exists()
    client.post(url, {"note": "复盘后数量正确"})
    assert StocktakeLossDecision.objects.get().reason == "复盘后数量正确"
    assert client.post(reverse("shipping:stocktake_loss_action", args=[big_loss.pk, "other"])).status_code == 404
    assert "复盘后数量正确" in client.get(reverse("shipping:incidents")).content.decode()


def test_the_list_makes_as_many_queries_for_many_losses_as_for_few(client, team, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(team["product_lead"])
    url = reverse("shipping:incidents")
    for _ in range(3):
        stocktake = posted_stocktake(team["product_lead"], [("100.00", 5, 2)])
    services.confirm_stocktake_loss(stocktake, by=team["manager"])
    services.dismiss_stocktake_loss(posted_stocktake(team["product_lead"], [("100.00", 5, 2)]),
                                    by=team["manager"], reason="x")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(8):
        stocktake = posted_stocktake(team["product_lead"], [("100.00", 5, 2)])
    services.confirm_stocktake_loss(stocktake, by=team["manager"])
    services.dismiss_stocktake_loss(posted_stocktake(team["product_lead"], [("100.00", 5, 2)]),
                                    by=team["manager"], reason="y")
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200
