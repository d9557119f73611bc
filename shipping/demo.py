"""Demo work on the shipping desk over the past week, made through the services from the orders the inventory demo
imports, by the product group's leader (孙产品, who holds the desk): two days' pick lists and shipments (three of
the oldest paid orders), a problem parcel recorded six days ago and closed the next day, another lost three days
after it left, a storeroom incident four days ago, and today a damaged item found while packing (its case goes up
the chain now). The four newest paid orders stay open for today's desk.

Demo only: the services stamp a record with the moment they make it; `backdate` then moves the record's times and
its history rows to the working hour of its day, so the week's work falls on its days (and its month in
`selectors.monthly_counts`). Safe to run again: each step is skipped once its record exists."""
import datetime

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils import timezone

from inventory.models import TaobaoOrder

from . import selectors, services
from .models import PackingProblem, Parcel, ProblemParcel, StoreroomIncident

PREFIX = "35153131473293580"
# (days ago, hour picked, hour shipped, [(order suffix, carrier, waybill)])
SHIP_DAYS = [(2, (9, 20), (10, 40), [(7, "中通快递", "73000712345601"), (8, "圆通速递", "YT8800912345602")]),
             (1, (9, 10), (10, 15), [(5, "韵达快递", "43120012345603")])]
DAMAGED = 6
# (order suffix, kind, what was done, recorded (days ago, hour, minute), closed (days ago, hour, minute) or None)
PROBLEM_PARCELS = [(16, ProblemParcel.Kind.RETURNED, "买家拒收后退回，已验货入库。", (6, 14, 30), (5, 11, 0)),
                   (12, ProblemParcel.Kind.LOST, "快递三天无物流更新，已联系中通客服登记查件。", (1, 15, 20), None)]
INCIDENT_DAYS_AGO = 4


def moment(days_ago, hour, minute=0):
    """That working hour, `days_ago` days before today (Shanghai time)."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour, minute), timezone.get_current_timezone())


def backdate(record: Model, at: datetime.datetime, *fields: str, since: datetime.datetime) -> None:
    """Demo only: move `fields` of a record a service has just made or changed, and its history rows written since
    `since` (the start of this load), to `at`."""
    type(record)._default_manager.filter(pk=record.pk).update(**{field: at for field in fields})
    record.history.filter(history_date__gte=since).update(history_date=at)  # type: ignore[attr-defined]


def _order(suffix):
    return selectors.order_for_packing(f"{PREFIX}{suffix:02d}")


def load():
    packer = get_user_model().objects.filter(username="product_lead").first()
    if packer is None or not TaobaoOrder.objects.filter(order_id__startswith=PREFIX).exists():
        return "no product leader or no imported demo orders: nothing added"
    since = timezone.now()
    done = []
    for days_ago, picked, shipped, orders in SHIP_DAYS:
        found = [(order, carrier, waybill) for order, carrier, waybill in
                 ((_order(suffix), carrier, waybill) for suffix, carrier, waybill in orders) if order is not None]
        to_pick = [order.pk for order, *_ in found if selectors.is_open(order)
                   and not Parcel.objects.filter(order=order, picked_at__isnull=False).exists()]
        if to_pick:
            day = timezone.localdate() - datetime.timedelta(days=days_ago)
            pick = services.record_pick_list(by=packer, order_ids=to_pick, day=day)
            backdate(pick, moment(days_ago, *picked), "picked_at", since=since)
            for parcel in pick.parcels.all():
                backdate(parcel, moment(days_ago, *picked), "picked_at", since=since)
            done.append(f"a pick list on {day}")
        for index, (order, carrier, waybill) in enumerate(found):
            order = _order(int(order.order_id[-2:]))
            if selectors.is_open(order) and not Parcel.objects.filter(waybill=waybill).exists():
                services.ship_order(order, by=packer, carrier=carrier, waybill=waybill,
                                    checked_lines=[line.pk for line in order.lines.all()])
                hour, minute = shipped
                backdate(Parcel.objects.get(order=order), moment(days_ago, hour, minute + 12 * index), "shipped_at",
                         since=since)
                done.append(f"order {order.order_id} shipped")
    damaged = _order(DAMAGED)
    if damaged is not None and not PackingProblem.objects.filter(order=damaged).exists() and selectors.is_open(damaged):
        services.report_packing_problem(damaged, by=packer, kind=PackingProblem.Kind.DAMAGED,
                                        note="金银花包装袋破损，茶叶洒出，需换一袋再发。")
        done.append("a damaged item")
    for suffix, kind, what, recorded, closed in PROBLEM_PARCELS:
        order = _order(suffix)
        if order is None or ProblemParcel.objects.filter(order=order).exists():
            continue
        problem = services.record_problem_parcel(order, by=packer, kind=kind, what_done=what)
        backdate(problem, moment(*recorded), "recorded_at", since=since)
        if closed:
            services.close_problem_parcel(problem, by=packer, what_done=what + "已给买家退款，问题件关闭。")
            backdate(problem, moment(*closed), "closed_at", since=since)
        done.append(f"a problem parcel on {order.order_id}")
    if not StoreroomIncident.objects.exists():
        incident = services.record_incident(
            by=packer, kind=StoreroomIncident.Kind.DAMAGE,
            happened_on=timezone.localdate() - datetime.timedelta(days=INCIDENT_DAYS_AGO),
            what_happened="货架 B-2 漏雨，两袋陈皮受潮，已报损。")
        backdate(incident, moment(INCIDENT_DAYS_AGO, 16, 45), "recorded_at", since=since)
        done.append("a storeroom incident")
    return ", ".join(done) if done else ""
