"""Benchmark of the after-sales desk's lists on PostgreSQL, at 200 and 2,000 open orders.

Run:

    cd /work/main && .venv/bin/python -m tests.bench.aftersales [--sizes 200,2000] [--requests 20]

SHOPTEAM_AFTERSALES_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/shopteam_aftersales_bench)
names a database that is dropped and created afresh for the run and dropped at the end, so its name must end in
"_bench". SQLite is refused.

The shop is the playbook's demo team. Orders are written in bulk as an import leaves them: of every ten, four were
received 8–30 days ago (the follow-up list), one was placed today and is unpaid (the 催付 list), the rest paid or
shipped; one order in twenty has a complaint (two thirds open), one in thirty a negative review with a contact, one
in fifty a return, and a fifth of the received ones a follow-up already made. Each desk page is served in-process by
the Django test Client with DEBUG off, signed in as 客服A and as the shop manager, every page once a round in turn
(tests/bench/harness.py), against the same person's trivial signed-in page (password_change_done); the aim is
within 3x of it at 2,000 orders, with the same number of queries at every size.
"""
import argparse
import datetime
import os
import random
from decimal import Decimal

from tests.bench import harness
from tests.bench.harness import WARMUP

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shopteam_aftersales_bench"
DEFAULT_SIZES = "200,2000"
TARGET_RATIO = 3.0
MEMBER, MANAGER = "kefu_a", "manager"
TRIVIAL = "trivial (password_change_done)"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.aftersales", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"open orders at each round (default {DEFAULT_SIZES})")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()})
    return args


def add_orders(count, *, start, team, seed):
    """`count` more orders numbered from `start`, with the desk's records on some of them (see the module)."""
    from django.db import connection
    from django.utils import timezone

    from aftersales.models import Complaint, Event, FollowUp, ReturnRequest, Review
    from inventory import taobao
    from inventory.models import TaobaoOrder

    rng = random.Random(seed)
    now = timezone.now()
    agent = team[MEMBER]
    with harness.Stopwatch(f"{count:,} orders and their after-sales records"):
        orders = []
        for n in range(start, start + count):
            kind = n % 10
            placed = now - datetime.timedelta(days=rng.randint(10, 35))
            fields = {"status": "交易成功", "status_rank": taobao.FINAL, "sold": True}
            received = None
            if kind < 4:
                received = now - datetime.timedelta(days=rng.randint(8, 29), hours=rng.randint(0, 23))
                placed = received - datetime.timedelta(days=5)
            elif kind == 4:
                placed = now - datetime.timedelta(minutes=rng.randint(1, 30))
                fields = {"status": "等待买家付款", "status_rank": taobao.UNPAID, "sold": False}
            else:
                fields = {"status": "买家已付款，等待卖家发货", "status_rank": taobao.PAID, "sold": True}
            orders.append(TaobaoOrder(
                order_id=f"36{n:017d}", **fields, paid_amount=None if kind == 4 else Decimal("78.00"),
                total=Decimal("78.00"), placed_at=placed, paid_at=None if kind == 4 else placed, received_at=received,
                buyer_nick=f"买家{n % 500}", receiver_name=f"张{n}", receiver_phone=f"138{n:08d}",
                address="浙江省 杭州市 西湖区 文三路 100 号", from_order_report=True))
        orders = TaobaoOrder.objects.bulk_create(orders)
        complaints = [Complaint(order=o, wants="要求补发", recorded_by=agent,
                                status=Complaint.Status.CLOSED if i % 3 == 0 else Complaint.Status.OPEN,
                                handled_by=agent if i % 3 == 0 else None, closed_at=now if i % 3 == 0 else None)
                      for i, o in enumerate(orders[::20])]
        Complaint.objects.bulk_create(complaints)
        reviews = Review.objects.bulk_create(Review(order=o, left_on=now.date(), text="差评", recorded_by=agent)
                                             for o in orders[3::30])
        Event.objects.bulk_create(Event(kind=Event.Kind.CONTACT, by=agent, note="联系", review=r) for r in reviews)
        ReturnRequest.objects.bulk_create(ReturnRequest(order=o, reason="坏了", recorded_by=agent)
                                          for o in orders[7::50])
        FollowUp.objects.bulk_create(FollowUp(order=o, kind=FollowUp.Kind.RECEIVED, answer="satisfied", by=agent)
                                     for o in orders[1::50])
    with harness.Stopwatch("VACUUM ANALYZE"), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return start + count


def pages():
    from django.urls import reverse

    rows = []
    for who in (MEMBER, MANAGER):
        rows += [
            (who, TRIVIAL, reverse("password_change_done")),
            (who, "desk", reverse("aftersales:desk")),
            (who, "complaints (open)", reverse("aftersales:complaints")),
            (who, "reviews (open)", reverse("aftersales:reviews")),
            (who, "follow-up list", reverse("aftersales:follow_ups")),
            (who, "催付 list", reverse("aftersales:follow_ups") + "?list=unpaid"),
            (who, "returns", reverse("aftersales:returns")),
            (who, "a buyer's page", reverse("aftersales:buyer") + "?q=买家7"),
        ]
    return rows


def measure_round(clients, total, *, requests):
    print(f"\nMeasuring with {total:,} orders ({WARMUP} warm-up + {requests} timed requests per page, in turn)",
          flush=True)
    measured = [((who, name), clients[who], url, False) for who, name, url in pages()]
    results = harness.measure_pages(measured, requests=requests, warmup=WARMUP)
    for (who, name), *_rest in measured:
        row = results[(who, name)] = {**results[(who, name)], "orders": total}
        print(f"  {who:<9} {name}: median {row['median']:.1f} ms, {len(row['queries'])} queries", flush=True)
    return results


def main(argv=None):
    args = parse_args(argv)
    config = harness.configure_environment(
        os.environ.get("SHOPTEAM_AFTERSALES_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL), CELERY_BROKER_URL="memory://")
    with harness.bench_database(config):
        from django.test import Client

        print("Building:", flush=True)
        team = harness.build_team()
        clients = {}
        for who in (MEMBER, MANAGER):
            clients[who] = Client()
            clients[who].force_login(team[who])
        rounds, total = [], 0
        for seed, size in enumerate(args.sizes, start=11):
            total = add_orders(size - total, start=total, team=team, seed=seed)
            rounds.append(measure_round(clients, total, requests=args.requests))
        harness.print_summary(rounds, floor=TRIVIAL, target=TARGET_RATIO, noun="orders")
        large = rounds[-1]
        print(f"\nSlowest SQL of the follow-up list at {total:,} orders:")
        harness.print_slowest(large[(MEMBER, "follow-up list")]["queries"], count=3, width=220)


if __name__ == "__main__":
    main()
