"""Pick lists, problem parcels, storeroom incidents and the monthly counts pay and assessment read."""
import datetime

import pytest
import time_machine
from django.utils import timezone

from shipping import selectors, services
from shipping.models import ProblemParcel, StoreroomIncident
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from tests.inventory.factories import ProductFactory, TaobaoOrderFactory, TaobaoOrderLineFactory, order_status

from .conftest import all_lines, paid_order

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def test_the_pick_list_sums_every_open_line_by_shelf_and_product(packer):
    tea = ProductFactory(sku="SCT-B", shelf="B-1")
    rose = ProductFactory(sku="SCT-A", shelf="A-1")
    first, second = TaobaoOrderFactory(), TaobaoOrderFactory()
    TaobaoOrderLineFactory(order=first, product=tea, quantity=2)
    TaobaoOrderLineFactory(order=second, product=tea, quantity=1)
    TaobaoOrderLineFactory(order=second, product=rose, quantity=3)
    TaobaoOrderLineFactory(order=TaobaoOrderFactory(**order_status("交易成功")), product=rose, quantity=9)
    rows, ids = selectors.pick_list()
    assert [(r["product__shelf"], r["product__sku"], r["quantity"], r["orders"]) for r in rows] == [
        ("A-1", "SCT-A", 3, 1), ("B-1", "SCT-B", 3, 2)]
    assert sorted(ids) == sorted([first.pk, second.pk])


def test_recording_a_pick_list_marks_its_orders_picked_once(packer, team):
    first, second = paid_order(), paid_order()
    _rows, ids = selectors.pick_list()
    pick = services.record_pick_list(by=packer, order_ids=ids)
    assert {p.order for p in pick.parcels.all()} == {first, second}
    assert selectors.pick_list() == ([], [])
    with pytest.raises(ServiceError, match="picked or shipped already"):
        services.record_pick_list(by=team["product_lead"], order_ids=ids)


def test_monthly_counts_give_each_person_picked_shipped_and_problems(packer, team):
    lead = team["product_lead"]
    with time_machine.travel(datetime.datetime(2026, 11, 10, 10, tzinfo=SHANGHAI)):
        orders = [paid_order() for _ in range(3)]
        services.record_pick_list(by=packer, order_ids=[o.pk for o in orders])
        for index, order in enumerate(orders[:2]):
            services.ship_order(order, by=packer, carrier="中通快递", waybill=f"W{index}",
                                checked_lines=all_lines(order))
        services.ship_order(orders[2], by=lead, carrier="中通快递", waybill="W9", checked_lines=all_lines(orders[2]))
        services.record_problem_parcel(orders[0], by=lead, kind="lost", what_done="查件")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI)):
        services.record_problem_parcel(orders[1], by=lead, kind="refused", what_done="退回")
    november = selectors.monthly_counts(datetime.date(2026, 11, 1))
    assert november == {packer.pk: {"picked": 3, "shipped": 2, "problems": 1},
                        lead.pk: {"picked": 0, "shipped": 1, "problems": 0}}
    assert selectors.monthly_counts(datetime.date(2026, 12, 1)) == {
        packer.pk: {"picked": 0, "shipped": 0, "problems": 1}}
    assert selectors.monthly_counts(datetime.date(2026, 10, 1)) == {}


def test_a_month_with_a_storeroom_incident_is_known(team):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)):
        services.record_incident(by=team["product_lead"], kind="damage", happened_on=datetime.date(2026, 11, 3),
                                 what_happened="漏雨受潮")
    assert selectors.month_had_storeroom_incident(datetime.date(2026, 11, 1))
    assert not selectors.month_had_storeroom_incident(datetime.date(2026, 10, 1))
    assert not selectors.month_had_storeroom_incident(datetime.date(2026, 12, 1))


def test_only_the_product_leader_and_the_shop_manager_record_incidents(packer, team):
    for person in (packer, team["kefu_a"]):
        with pytest.raises(ServiceError, match="Only the product group's leader and the shop manager"):
            services.record_incident(by=person, kind="loss", happened_on=timezone.localdate(), what_happened="x")
    incident = services.record_incident(by=team["manager"], kind="loss", happened_on=timezone.localdate(),
                                        what_happened="丢了一箱")
    with pytest.raises(ServiceError, match="in the future"):
        services.record_incident(by=team["manager"], kind="loss",
                                 happened_on=timezone.localdate() + datetime.timedelta(days=1), what_happened="x")
    with pytest.raises(ServiceError, match="Only whoever recorded it and their leader"):
        services.correct_incident(incident, by=team["product_lead"], kind="damage", happened_on=incident.happened_on,
                                  what_happened="坏了", reason="记错")
    services.correct_incident(incident, by=team["manager"], kind="damage", happened_on=incident.happened_on,
                              what_happened="坏了一箱", reason="记错")
    assert list(incident.history.values_list("kind", flat=True)) == ["damage", "loss"]
    assert StoreroomIncident.objects.count() == 1


def test_a_problem_parcel_is_followed_until_closed_and_customer_service_is_told(packer, team):
    order = paid_order()
    services.ship_order(order, by=packer, carrier="中通快递", waybill="W1", checked_lines=all_lines(order))
    problem = services.record_problem_parcel(order, by=packer, kind="lost", what_done="已登记查件")
    assert Notification.objects.filter(recipient=team["kefu_a"], event="shipping.problem_parcel").exists()
    services.follow_up_problem_parcel(problem, by=team["product_lead"], what_done="快递确认丢件，补发")
    services.close_problem_parcel(problem, by=packer, what_done="补发已签收")
    with pytest.raises(ServiceError, match="closed"):
        services.close_problem_parcel(problem, by=packer, what_done="again")
    steps = list(problem.history.values_list("what_done", flat=True))
    assert steps == ["补发已签收", "快递确认丢件，补发", "已登记查件"]
    assert selectors.count_open_problem_parcels() == 0


def test_a_problem_parcel_needs_a_shipped_order(packer):
    with pytest.raises(ServiceError, match="has been shipped"):
        services.record_problem_parcel(paid_order(), by=packer, kind="lost", what_done="x")
    assert not ProblemParcel.objects.exists()
