"""Demo work on the shipping desk, made through the services from the orders the inventory demo imports: a pick
list, three of the oldest paid orders shipped, a damaged item found (its case up the chain), two problem parcels
(one closed) and a storeroom incident. The four newest paid orders stay open for the desk. Safe to run again:
each step is skipped once its record exists."""
import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from inventory.models import TaobaoOrder

from . import selectors, services
from .models import PackingProblem, Parcel, PickList, ProblemParcel, StoreroomIncident

PREFIX = "35153131473293580"
SHIP = [(7, "中通快递", "73000712345601"), (8, "圆通速递", "YT8800912345602"), (5, "韵达快递", "43120012345603")]
DAMAGED = 6
PROBLEM_PARCELS = [(12, ProblemParcel.Kind.LOST, "快递三天无物流更新，已联系中通客服登记查件。", False),
                   (16, ProblemParcel.Kind.RETURNED, "买家拒收后退回，已验货入库。", True)]


def _order(suffix):
    return selectors.order_for_packing(f"{PREFIX}{suffix:02d}")


def load():
    packer = get_user_model().objects.filter(username="product_lead").first()
    if packer is None or not TaobaoOrder.objects.filter(order_id__startswith=PREFIX).exists():
        return "no product leader or no imported demo orders: nothing added"
    done = []
    if not PickList.objects.exists():
        rows, ids = selectors.pick_list()
        wanted = {o.pk for o in (_order(s) for s, *_ in SHIP) if o is not None}
        services.record_pick_list(by=packer, order_ids=[pk for pk in ids if pk in wanted])
        done.append("a pick list")
    for suffix, carrier, waybill in SHIP:
        order = _order(suffix)
        if order is not None and selectors.is_open(order) and not Parcel.objects.filter(waybill=waybill).exists():
            services.ship_order(order, by=packer, carrier=carrier, waybill=waybill,
                                checked_lines=[line.pk for line in order.lines.all()])
            done.append(f"order {order.order_id} shipped")
    damaged = _order(DAMAGED)
    if damaged is not None and not PackingProblem.objects.filter(order=damaged).exists() and selectors.is_open(damaged):
        services.report_packing_problem(damaged, by=packer, kind=PackingProblem.Kind.DAMAGED,
                                        note="金银花包装袋破损，茶叶洒出，需换一袋再发。")
        done.append("a damaged item")
    for suffix, kind, what, closed in PROBLEM_PARCELS:
        order = _order(suffix)
        if order is None or ProblemParcel.objects.filter(order=order).exists():
            continue
        problem = services.record_problem_parcel(order, by=packer, kind=kind, what_done=what)
        if closed:
            services.close_problem_parcel(problem, by=packer, what_done=what + "已给买家退款，问题件关闭。")
        done.append(f"a problem parcel on {order.order_id}")
    if not StoreroomIncident.objects.exists():
        services.record_incident(by=packer, kind=StoreroomIncident.Kind.DAMAGE,
                                 happened_on=timezone.localdate() - datetime.timedelta(days=3),
                                 what_happened="货架 B-2 漏雨，两袋陈皮受潮，已报损。")
        done.append("a storeroom incident")
    return ", ".join(done) if done else ""
