"""The desk's pages: who may open each, the pack-and-ship form, refusals shown on the page, and query counts that
stay flat as the lists grow."""
import pytest
from django.urls import reverse
from django.utils import timezone

from shipping import services
from shipping.models import PackingProblem, Parcel, ProblemParcel, StoreroomIncident

from .conftest import all_lines, paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(packer, team):
    order = paid_order()
    shipped = paid_order()
    services.ship_order(shipped, by=packer, carrier="中通快递", waybill="W1", checked_lines=all_lines(shipped))
    problem = services.record_problem_parcel(shipped, by=packer, kind="lost", what_done="查件")
    incident = services.record_incident(by=team["product_lead"], kind="loss", happened_on=timezone.localdate(),
                                        what_happened="丢件")
    return {"order": order, "problem": problem, "incident": incident}


def pages(records):
    order, problem, incident = records["order"], records["problem"], records["incident"]
    return {
        "desk": reverse("shipping:desk"),
        "pick_list": reverse("shipping:pick_list"),
        "order": reverse("shipping:order", args=[order.order_id]),
        "problem_parcels": reverse("shipping:problem_parcels"),
        "problem_parcel": reverse("shipping:problem_parcel", args=[problem.pk]),
        "incidents": reverse("shipping:incidents"),
        "incident": reverse("shipping:incident", args=[incident.pk]),
    }


DESK = {"desk", "pick_list", "order"}
PROBLEMS = {"problem_parcels", "problem_parcel"}
INCIDENTS = {"incidents", "incident"}
# who → the pages they may open (every other page is 403 for them)
ALLOWED = {
    "packer": DESK | PROBLEMS,
    "product_lead": DESK | PROBLEMS | INCIDENTS,
    "manager": DESK | PROBLEMS | INCIDENTS,
    "kefu_a": PROBLEMS,
    "kefu_lead": PROBLEMS,
    "visual_lead": set(),
    "finance_lead": set(),
}


def test_anonymous_visitors_are_sent_to_sign_in(client, records):
    for url in pages(records).values():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_each_page_opens_for_its_roles_and_is_forbidden_to_the_others(client, records, team, packer, who):
    client.force_login(packer if who == "packer" else team[who])
    for name, url in pages(records).items():
        expected = 200 if name in ALLOWED[who] else 403
        assert client.get(url).status_code == expected, (who, name)


def test_a_packer_ships_an_order_from_its_page(client, packer, records):
    order = records["order"]
    client.force_login(packer)
    page = client.get(reverse("shipping:order", args=[order.order_id]))
    assert b"data-scan" in page.content and order.lines.first().sku.encode() in page.content
    response = client.post(reverse("shipping:ship", args=[order.order_id]),
                           {"carrier": "中通快递", "waybill": "W2", "line": all_lines(order)})
    assert response.status_code == 302 and response["Location"] == reverse("shipping:desk")
    assert Parcel.objects.get(order=order).shipped_by == packer


def test_a_refused_shipment_shows_why_on_the_page_and_keeps_the_ticks(client, packer, records):
    order = records["order"]
    client.force_login(packer)
    response = client.post(reverse("shipping:ship", args=[order.order_id]),
                           {"carrier": "中通快递", "waybill": "W1", "line": all_lines(order)},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Waybill W1 is already on order" in response.content.decode()
    assert b"checked" in response.content
    assert not Parcel.objects.filter(order=order, shipped_at__isnull=False).exists()


def test_an_order_number_never_imported_is_refused_on_the_desk(client, packer, records):
    client.force_login(packer)
    response = client.get(reverse("shipping:desk"), {"order": "3599999999999999999"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Order 3599999999999999999 was never imported" in response.content.decode()
    chinese = client.get(reverse("shipping:desk"), {"order": "3599999999999999999"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "订单 3599999999999999999 从未导入" in chinese.content.decode()
    found = client.get(reverse("shipping:desk"), {"order": records["order"].order_id})
    assert found["Location"] == reverse("shipping:order", args=[records["order"].order_id])
    assert client.get(reverse("shipping:order", args=["3599999999999999999"])).status_code == 404


def test_a_damaged_item_is_recorded_from_the_order_page(client, packer, records):
    order = records["order"]
    client.force_login(packer)
    response = client.post(reverse("shipping:packing_problem", args=[order.order_id]),
                           {"kind": "damaged", "note": "破了"})
    assert response.status_code == 302
    problem = PackingProblem.objects.get(order=order)
    assert problem.case is not None
    page = client.get(reverse("shipping:order", args=[order.order_id])).content.decode()
    assert reverse("shipping:correct_packing_problem", args=[problem.pk]) in page
    response = client.post(reverse("shipping:correct_packing_problem", args=[problem.pk]),
                           {f"p{problem.pk}-kind": "wrong", f"p{problem.pk}-note": "发错了",
                            f"p{problem.pk}-reason": "看错"})
    assert response["Location"] == reverse("shipping:order", args=[order.order_id])
    assert PackingProblem.objects.get(pk=problem.pk).kind == "wrong"


def test_customer_service_sees_problem_parcels_but_cannot_change_them(client, team, records):
    client.force_login(team["kefu_a"])
    problem = records["problem"]
    page = client.get(reverse("shipping:problem_parcel", args=[problem.pk]))
    assert "查件" in page.content.decode() and b"follow_up" not in page.content
    assert reverse("shipping:pick_list") not in page.content.decode()  # no tabs to pages she cannot open
    response = client.post(reverse("shipping:problem_parcel_action", args=[problem.pk, "close"]), {"what_done": "x"})
    assert response.status_code == 403
    assert ProblemParcel.objects.get(pk=problem.pk).closed_at is None


def test_the_product_leader_records_an_incident_on_its_page(client, team, records):
    client.force_login(team["product_lead"])
    response = client.post(reverse("shipping:incidents"), {"kind": "damage", "happened_on": timezone.localdate(),
                                                           "what_happened": "纸箱压坏"})
    assert response.status_code == 302
    assert StoreroomIncident.objects.count() == 2


def grow(count, packer):
    for _ in range(count):
        order = paid_order(lines=2)
        shipped = paid_order(lines=2)
        services.ship_order(shipped, by=packer, carrier="中通快递", waybill=f"G{shipped.pk}",
                            checked_lines=all_lines(shipped))
        services.record_problem_parcel(shipped, by=packer, kind="lost", what_done="查件")
        services.record_incident(by=packer.__class__.objects.get(username="manager"), kind="loss",
                                 happened_on=timezone.localdate(), what_happened="丢件")
        del order


@pytest.mark.parametrize("name", ["desk", "pick_list", "problem_parcels", "incidents"])
def test_the_lists_make_as_many_queries_for_many_rows_as_for_few(client, team, packer, records, name,
                                                                 django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(team["manager"])
    url = pages(records)[name]
    grow(2, packer)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(15, packer)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_the_dashboard_shows_orders_waiting_and_the_desk_badge_counts_them(client, team, packer, records):
    client.force_login(team["manager"])
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "paid orders waiting to ship" in page and 'data-open-orders>1<' in page
    client.force_login(packer)
    home = client.get(reverse("shipping:desk"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("shipping:desk") in home
    client.force_login(team["kefu_a"])
    assert reverse("shipping:problem_parcels") in client.get(reverse("roles:org_chart")).content.decode()
