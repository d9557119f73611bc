"""Benchmark of the shipping desk's pages on PostgreSQL at 2,000 open orders, against the trivial page.

Run:

    cd /work/main && .venv/bin/python -m tests.bench.shipping [--sizes 200,2000] [--requests 20]

SHOPTEAM_SHIPPING_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/shopteam_shipping_bench) names
the database; it is dropped and created afresh for the run and dropped at the end, so its name must end in
"_bench" (tests/bench/harness.py's safety catch). SQLite is refused.

The shop is the playbook's with the demo team and 60 products on 12 shelves. At each size it holds that many paid
orders waiting to ship (1–3 lines each, written in bulk as an import leaves them), a tenth as many already shipped
on the desk and problem parcels against a third of those, and one storeroom incident per ten orders. The product
leader's pages are served in-process by the Django test Client with DEBUG off, every page once a round, in turn
(tests/bench/harness.py), each compared with his trivial signed-in page (password_change_done, navigation badges
included): the desk (its first 50 orders with their lines, the flags, the latest shipped), the pick list (every
open line summed by shelf and product), one order's pack page, the problem parcels and the incidents. Aim: within
3x of the trivial page at 2,000 open orders, with the same number of queries at every size.
"""
import argparse
import datetime
import os
import random

from tests.bench import harness

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shopteam_shipping_bench"
TARGET_RATIO = 3.0
TRIVIAL = "trivial (password_change_done)"
PRODUCTS = 60


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.shipping", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,2000", help="open orders at each round (default 200,2000)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()})
    return args


def add_orders(count, *, start, team):
    """`count` more paid orders waiting to ship, a tenth as many shipped on the desk with problem parcels on a
    third of those, and a storeroom incident per ten orders."""
    from django.utils import timezone

    from inventory import taobao
    from inventory.models import Product, TaobaoOrder, TaobaoOrderLine
    from shipping.models import Parcel, ProblemParcel, StoreroomIncident

    rng = random.Random(start)
    products = list(Product.objects.order_by("pk"))
    now = timezone.now()
    lead = team["product_lead"]

    def order(n, status, rank):
        paid = now - datetime.timedelta(minutes=3 * n + 5)
        return TaobaoOrder(order_id=f"36{n:017d}", status=status, status_rank=rank, sold=True, paid_amount="78.00",
                           total="78.00", placed_at=paid, paid_at=paid, from_order_report=True,
                           buyer_nick=f"tb{n}", receiver_name="张三", receiver_phone="13800000000",
                           address="浙江省 杭州市 西湖区 文三路 100 号")

    waiting = TaobaoOrder.objects.bulk_create(
        [order(start + n, "买家已付款，等待卖家发货", taobao.PAID) for n in range(count)], batch_size=2000)
    shipped = TaobaoOrder.objects.bulk_create(
        [order(10**8 + start + n, "卖家已发货，等待买家确认", taobao.SHIPPED) for n in range(count // 10)])
    lines = []
    for placed in waiting + shipped:
        for k, product in enumerate(rng.sample(products, rng.randrange(1, 4))):
            lines.append(TaobaoOrderLine(order=placed, product=product, line_key=f"{placed.order_id}-{k}",
                                         sku=product.sku, title=product.name, quantity=rng.randrange(1, 3),
                                         status=placed.status, paid_at=placed.paid_at))
    TaobaoOrderLine.objects.bulk_create(lines, batch_size=5000)
    Parcel.objects.bulk_create([Parcel(order=o, picked_by=lead, picked_at=now, shipped_by=lead, shipped_at=now,
                                       carrier="中通快递", waybill=f"ZT{o.pk}") for o in shipped])
    ProblemParcel.objects.bulk_create([ProblemParcel(order=o, kind="lost", what_done="已登记查件", recorded_by=lead)
                                       for o in shipped[::3]])
    StoreroomIncident.objects.bulk_create([StoreroomIncident(happened_on=now.date(), kind="damage",
                                                             what_happened="纸箱受潮", recorded_by=lead)
                                           for _ in range(count // 10)])
    return waiting[0].order_id


def build_shop():
    from inventory.models import Product
    from inventory.services import default_supplier

    team = harness.build_team()
    supplier = default_supplier()
    Product.objects.bulk_create([
        Product(sku=f"SCT-{n:04d}", name=f"食草堂 商品{n:04d}", supplier=supplier, shelf=f"{'ABCD'[n % 4]}-{n % 3}",
                cost="12.50", price="39.00") for n in range(PRODUCTS)])
    return team


def main(argv=None):
    args = parse_args(argv)
    config = harness.configure_environment(
        os.environ.get("SHOPTEAM_SHIPPING_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL), CELERY_BROKER_URL="memory://")
    with harness.bench_database(config):
        from django.test import Client
        from django.urls import reverse

        print("Building:", flush=True)
        team = build_shop()
        client = Client()
        client.force_login(team["product_lead"])
        rounds, have = [], 0
        for size in args.sizes:
            with harness.Stopwatch(f"{size - have:,} more open orders ({size:,} in all)"):
                first = add_orders(size - have, start=have, team=team)
            have = size
            pages = [
                (TRIVIAL, reverse("password_change_done")),
                ("desk", reverse("shipping:desk")),
                ("pick list", reverse("shipping:pick_list")),
                ("pack page", reverse("shipping:order", args=[first])),
                ("problem parcels", reverse("shipping:problem_parcels")),
                ("storeroom incidents", reverse("shipping:incidents")),
            ]
            keyed = [(("lead", label), client, url, False) for label, url in pages]
            results = harness.measure_pages(keyed, requests=args.requests)
            for key in results:
                results[key]["open orders"] = size
            rounds.append(results)
            print(f"\nAt {size:,} open orders (median ms, queries, ratio to the trivial page):")
            for (who, label), row in results.items():
                ratio = harness.floor_ratio(results, (who, label), TRIVIAL)
                print(f"  {label:32} {row['median']:8.1f} ms  {len(row['queries']):3} queries  {ratio:5.2f}x  "
                      f"{row['kb']:6.1f} kB")
        harness.print_summary(rounds, floor=TRIVIAL, target=TARGET_RATIO, noun="open orders")


if __name__ == "__main__":
    main()
