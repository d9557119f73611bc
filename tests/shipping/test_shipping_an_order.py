"""Packing and shipping one order: every line checked, the carrier and waybill entered, "shipped" recorded once;
bad input refused with a clear message and nothing changed."""
import pytest
from django.utils import timezone

from escalation.models import Case
from inventory import taobao
from inventory.models import TaobaoImport
from roles.models import Post
from shipping import selectors, services
from shipping.models import PackingProblem, Parcel
from shopteam.errors import ServiceError
from tests.factories import AssignmentFactory
from tests.inventory.factories import TaobaoOrderFactory, order_status

from .conftest import all_lines, paid_order

pytestmark = pytest.mark.django_db


def test_a_packer_ships_an_order_with_every_line_checked(packer):
    order = paid_order(lines=2)
    assert list(selectors.open_orders()) == [order]
    parcel = services.ship_order(order, by=packer, carrier="中通快递", waybill=" 7300 0712 ",
                                 checked_lines=all_lines(order))
    assert parcel.shipped_by == packer and parcel.shipped_at is not None
    assert parcel.waybill == "73000712" and parcel.carrier == "中通快递"
    assert list(selectors.open_orders()) == []
    assert parcel.history.first().history_change_reason == "Shipped"


def test_the_desk_lists_paid_orders_oldest_first_and_not_the_others(packer):
    now = timezone.now()
    newer = paid_order(paid_at=now - timezone.timedelta(hours=1))
    older = paid_order(paid_at=now - timezone.timedelta(days=2))
    TaobaoOrderFactory(**order_status("等待买家付款"))
    TaobaoOrderFactory(**order_status("卖家已发货，等待买家确认"))
    TaobaoOrderFactory(**order_status("交易成功"))
    assert list(selectors.open_orders()) == [older, newer]


def test_a_line_not_checked_is_refused_and_nothing_is_shipped(packer):
    order = paid_order(lines=2)
    with pytest.raises(ServiceError, match="Check every line against the goods first: 1 not checked"):
        services.ship_order(order, by=packer, carrier="中通快递", waybill="A1", checked_lines=all_lines(order)[:1])
    assert not Parcel.objects.filter(shipped_at__isnull=False).exists()


def test_a_second_shipped_for_the_same_order_is_refused(packer, team):
    order = paid_order()
    services.ship_order(order, by=packer, carrier="中通快递", waybill="A1", checked_lines=all_lines(order))
    with pytest.raises(ServiceError, match="not waiting to be shipped"):
        services.ship_order(order, by=team["product_lead"], carrier="圆通速递", waybill="B2",
                            checked_lines=all_lines(order))
    parcel = Parcel.objects.get(order=order)
    assert (parcel.shipped_by, parcel.waybill) == (packer, "A1")


def test_a_waybill_already_on_another_order_is_refused(packer):
    first, second = paid_order(), paid_order()
    imported = TaobaoOrderFactory(**order_status("卖家已发货，等待买家确认"), waybill="IMPORTED9")
    services.ship_order(first, by=packer, carrier="中通快递", waybill="A1", checked_lines=all_lines(first))
    for waybill, other in (("A1", first), ("IMPORTED9", imported)):
        with pytest.raises(ServiceError, match=f"Waybill {waybill} is already on order {other.order_id}"):
            services.ship_order(second, by=packer, carrier="中通快递", waybill=waybill,
                                checked_lines=all_lines(second))
    assert selectors.is_open(second)


def test_a_missing_waybill_or_carrier_is_refused(packer):
    order = paid_order()
    with pytest.raises(ServiceError, match="waybill number"):
        services.ship_order(order, by=packer, carrier="中通快递", waybill="  ", checked_lines=all_lines(order))
    with pytest.raises(ServiceError, match="carrier"):
        services.ship_order(order, by=packer, carrier="", waybill="A1", checked_lines=all_lines(order))


def test_customer_service_cannot_ship(team):
    order = paid_order()
    with pytest.raises(ServiceError, match="Only the product group and the shop manager"):
        services.ship_order(order, by=team["kefu_a"], carrier="中通快递", waybill="A1", checked_lines=all_lines(order))


def test_a_later_export_saying_shipped_takes_the_order_off_the_desk(packer):
    order = paid_order()
    order.status, order.status_rank = "卖家已发货，等待买家确认", taobao.SHIPPED
    order.save()
    assert list(selectors.open_orders()) == []


def test_shipped_here_but_still_waiting_in_a_later_export_is_flagged(packer):
    order = paid_order()
    services.ship_order(order, by=packer, carrier="中通快递", waybill="A1", checked_lines=all_lines(order))
    assert list(selectors.flagged_parcels()) == []
    later = TaobaoImport.objects.create(filename="ExportOrderList-later.csv", status=TaobaoImport.Status.DONE)
    order.last_import = later
    order.save()
    assert [p.order for p in selectors.flagged_parcels()] == [order]
    order.status, order.status_rank = "卖家已发货，等待买家确认", taobao.SHIPPED
    order.save()
    assert list(selectors.flagged_parcels()) == []


def test_a_later_order_report_that_leaves_the_order_waiting_flags_it(packer):
    order = paid_order()
    services.ship_order(order, by=packer, carrier="中通快递", waybill="A1", checked_lines=all_lines(order))
    TaobaoImport.objects.create(filename="ExportOrderList-lines.csv", kind=TaobaoImport.Kind.LINES,
                                status=TaobaoImport.Status.DONE)
    assert list(selectors.flagged_parcels()) == []
    TaobaoImport.objects.create(filename="ExportOrderList-later.csv", kind=TaobaoImport.Kind.ORDERS,
                                status=TaobaoImport.Status.DONE)
    assert [p.order for p in selectors.flagged_parcels()] == [order]


def test_a_damaged_item_is_not_shipped_and_goes_to_the_product_leader(packer, team):
    order = paid_order()
    problem = services.report_packing_problem(order, by=packer, kind="damaged", note="包装破损")
    assert selectors.is_open(order)
    case = Case.objects.get(pk=problem.case_id)
    assert case.subject_id == str(problem.pk) and case.reporter == packer
    assert case.current_post == Post.objects.get(title="产品组组长")
    assert [entry["post"] for entry in case.chain][-1] == Post.objects.get(title="店长").pk


def test_a_packing_problem_can_raise_the_difficulty_named_in_the_settings(packer, settings):
    settings.SHIPPING_PACKING_DIFFICULTY = "stocktake-incomplete"
    problem = services.report_packing_problem(paid_order(), by=packer, kind="short", note="少一袋")
    assert problem.case.difficulty.code == "stocktake-incomplete"


def test_a_packing_problem_needs_a_kind_and_a_note(packer):
    order = paid_order()
    with pytest.raises(ServiceError, match="Choose what is wrong"):
        services.report_packing_problem(order, by=packer, kind="smelly", note="x")
    with pytest.raises(ServiceError, match="Write what you found"):
        services.report_packing_problem(order, by=packer, kind="short", note=" ")
    assert not PackingProblem.objects.exists() and not Case.objects.exists()


def test_the_shipper_or_their_leader_corrects_the_waybill_and_the_old_one_is_kept(packer, team):
    order = paid_order()
    parcel = services.ship_order(order, by=packer, carrier="中通快递", waybill="A1", checked_lines=all_lines(order))
    colleague = AssignmentFactory(post=Post.objects.get(title="打包员")).user
    with pytest.raises(ServiceError, match="Only whoever recorded it and their leader"):
        services.correct_shipment(parcel, by=colleague, carrier="中通快递", waybill="A2", reason="打错")
    services.correct_shipment(parcel, by=team["product_lead"], carrier="中通快递", waybill="A2", reason="打错了")
    assert list(parcel.history.values_list("waybill", flat=True)) == ["A2", "A1", ""]
    assert parcel.history.first().history_change_reason == "打错了"


def test_a_packing_problem_is_corrected_by_its_finder_or_their_leader_and_the_old_one_is_kept(packer, team):
    problem = services.report_packing_problem(paid_order(), by=packer, kind="damaged", note="破了")
    colleague = AssignmentFactory(post=Post.objects.get(title="打包员")).user
    with pytest.raises(ServiceError, match="Only whoever recorded it and their leader"):
        services.correct_packing_problem(problem, by=colleague, kind="short", note="少一袋", reason="看错")
    services.correct_packing_problem(problem, by=team["product_lead"], kind="short", note="少一袋", reason="看错")
    assert list(problem.history.values_list("kind", flat=True)) == ["short", "damaged", "damaged"]
