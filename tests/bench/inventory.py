"""Benchmark of the stock app on PostgreSQL: the Taobao import, the low-stock scan and the product list.

Run:

    cd /work/main && .venv/bin/python -m tests.bench.inventory [--lines 100000] [--orders 28000] [--rounds 5]
        [--products 20000] [--requests 20] [--only import|scan|list]

SHOPTEAM_INV_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/shopteam_inv_bench) names the database;
it is dropped and created afresh for the run and dropped at the end, so its name must end in "_bench"
(tests/bench/harness.py's safety catch). SQLite is refused.

What it measures, and the aims (from the issue):
- in each of `--rounds` rounds, in turn: the check (the preview) and import of a new 宝贝报表 of `--lines` lines (a
  2022-layout GB18030 CSV, 1–3 lines per order, 1,000 SKUs, every status), then writing the same orders, lines and
  sales into tables like the shop's (the floor), then the check and import of a new 订单报表 of `--orders` orders
  (the ~2022 71-column layout as a GB18030 CSV: buyer names, addresses, amounts, every status), then writing the
  same orders (the floor); medians over the rounds, so the machine's other work falls on an import and its floor
  alike (aim: each import within 3× of its floor). COPY of each file into a bare table, and the same files again
  (everything already right), are shown beside them; and the Python heap's peak (tracemalloc) while checking and
  importing 宝贝报表 of a tenth and of half the size, which should not grow with the file (aim: flat).
- the low-stock scan over `--products` products, a tenth of them at or below their reorder point: the scan's
  query, and the job's steady run (nothing new to open), against the one raw SQL query that finds the same
  products (aim: within 2×); the first run, which opens every alert, files every task and notification and
  drafts the restock, is timed on its own.
- the stock list at `--products` products against the trivial signed-in page, as the product leader (aim:
  within 3×), with its query count.
"""
import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from tests import exports
from tests.bench import harness

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shopteam_inv_bench"
HOT_SKUS = 1000
SCAN_ROUNDS = 7
STATUSES = [("交易成功", 70), ("卖家已发货，等待买家确认", 12), ("买家已付款，等待卖家发货", 8), ("交易关闭", 6),
            ("等待买家付款", 4)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
PLACES = [("浙江省", "杭州市", "西湖区"), ("广东省", "深圳市", "南山区"), ("湖北省", "武汉市", "硚口区"),
          ("上海", "上海市", "浦东新区"), ("北京", "北京市", "朝阳区"), ("四川省", "成都市", "武侯区")]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.inventory", description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000, help="order lines in the import file (100,000)")
    parser.add_argument("--orders", type=int, default=28_000, help="orders in the 订单报表 (28,000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each import and its floor, in turn (5)")
    parser.add_argument("--products", type=int, default=20_000, help="products for the scan and the list (20,000)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (20)")
    parser.add_argument("--only", choices=["import", "scan", "list"], help="run one part of the bench only")
    return parser.parse_args(argv)


def configure_environment(var_dir):
    return harness.configure_environment(
        os.environ.get("SHOPTEAM_INV_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        SHOPTEAM_VAR_DIR=var_dir,
        CELERY_BROKER_URL="memory://",  # notifications are queued, never sent, in a bench
    )


def build_shop(products):
    """The playbook, the demo team, and `products` products: the first HOT_SKUS with plenty of stock for the
    import, a tenth of the rest at or below their reorder point; each product's stock is an opening move."""
    from inventory.models import Product, StockMove
    from inventory.services import default_supplier

    team = harness.build_team()
    with harness.Stopwatch(f"{products:,} products with their opening moves"):
        supplier = default_supplier()
        rng = random.Random(11)
        batch = []
        for n in range(products):
            hot = n < HOT_SKUS
            low = not hot and n % 10 == 0
            point = rng.randrange(3, 20)
            batch.append(Product(
                sku=f"SCT-{n:06d}", name=f"食草堂 商品{n:06d}", supplier=supplier, category=f"类{n % 12}",
                shelf=f"{'ABCDEF'[n % 6]}-{n % 40}", cost="12.50", price="39.00", reorder_point=point,
                reorder_quantity=point * 4, on_hand=1_000_000 if hot else (rng.randrange(0, point + 1) if low
                                                                             else point + rng.randrange(1, 200)),
            ))
        made = Product.objects.bulk_create(batch, batch_size=5000)
        StockMove.objects.bulk_create(
            [StockMove(product=p, kind=StockMove.Kind.ADJUSTMENT, quantity=p.on_hand, reason="期初库存")
             for p in made if p.on_hand],
            batch_size=5000,
        )
    return team


def write_lines_file(path, lines, *, seed, first_order):
    """A 2022-layout 宝贝报表 of `lines` lines (GB18030, as the seller centre writes it)."""
    rng = random.Random(seed)
    statuses = [status for status, weight in STATUSES for _ in range(weight)]

    def rows():
        written, order = 0, first_order
        while written < lines:
            order += 1
            status = rng.choice(statuses)
            paid = "" if status == "等待买家付款" else "2022-03-01 10:00:00"
            for line in range(min(rng.randrange(1, 4), lines - written)):
                quantity = rng.randrange(1, 4)
                refund = rng.random() < 0.03
                yield {
                    "子订单编号": f"{order}{line}", "主订单编号": str(order),
                    "标题": f"食草堂 商品 {rng.randrange(HOT_SKUS)}号", "价格": "39.00", "购买数量": quantity,
                    "外部系统编号": "", "商品属性": "净含量:50g", "套餐信息": "", "备注": "", "订单状态": status,
                    "商家编码": f"SCT-{rng.randrange(HOT_SKUS):06d}", "支付单号": f"2022030122001{order}",
                    "买家应付货款": f"{39 * quantity:.2f}", "买家实际支付金额": f"{39 * quantity:.2f}",
                    "退款状态": "退款成功" if refund else "", "退款金额": f"{39 * quantity:.2f}" if refund else "",
                    "订单创建时间": "2022-03-01 09:59:00", "订单付款时间": paid,
                }
                written += 1

    return exports.write_csv(path, exports.LINES_2022, rows(), encoding="gb18030")


def write_orders_file(path, orders, *, seed, first_order):
    """A 订单报表 of `orders` orders in the ~2022 layout (71 columns), as the CSV the seller centre writes (GB18030):
    buyer names, masked phones, addresses, amounts, every status and its 订单关闭原因."""
    rng = random.Random(seed)
    statuses = [status for status, weight in STATUSES for _ in range(weight)]
    rows = (order_row(rng, first_order + n, rng.choice(statuses), minute=n % 1440) for n in range(orders))
    return exports.write_csv(path, exports.ORDERS_2022, rows, encoding="gb18030")


def order_row(rng, order, status, *, minute):
    """One order of the 订单报表, {column: value}."""
    paid = status not in ("等待买家付款", "交易关闭") or rng.random() < 0.5 and status == "交易关闭"
    kinds, items = rng.randrange(1, 4), rng.randrange(1, 6)
    goods = 39 * items
    postage = rng.choice([0, 0, 0, 6, 10])
    refund = goods if status == "交易关闭" and paid else (39 if rng.random() < 0.03 else 0)
    province, city, district = rng.choice(PLACES)
    surname = rng.choice(SURNAMES)
    return {
        "订单编号": str(order), "买家会员名": f"tb{rng.randrange(10**9):09d}", "买家会员昵称": f"{surname}**",
        "支付单号": f"2022030122001{order}" if paid else "", "支付详情": "",
        "买家应付货款": f"{goods:.2f}", "买家应付邮费": f"{postage:.2f}", "买家支付积分": "0",
        "总金额": f"{goods + postage:.2f}", "返点积分": "0",
        "买家实际支付金额": f"{goods + postage:.2f}" if paid else "0.00", "买家实际支付积分": "0",
        "订单状态": status, "买家留言": rng.choice(["", "", "请尽快发货，谢谢", "不要放快递柜"]),
        "收货人姓名": f"{surname}{rng.choice('伟芳娜敏静丽强磊')}", "收货地址": f"{province} {city} {district} "
        f"文三路{rng.randrange(1, 999)}号{rng.randrange(1, 30)}幢{rng.randrange(101, 2999)}室(310000)",
        "运送方式": "快递", "联系电话": "", "联系手机": f"'138****{rng.randrange(10000):04d}",
        "订单创建时间": f"2022-03-01 {minute // 60:02d}:{minute % 60:02d}:00",
        "订单付款时间": f"2022-03-01 {minute // 60:02d}:{minute % 60:02d}:30" if paid else "",
        "宝贝标题": "，".join(f"食草堂 商品 {rng.randrange(HOT_SKUS)}号" for _ in range(kinds)),
        "宝贝种类": str(kinds), "物流单号": f"No:7300{rng.randrange(10**10):010d}" if paid else "",
        "物流公司": "中通快递" if paid else "", "订单备注": "", "宝贝总数量": str(items), "店铺Id": "113456789",
        "店铺名称": "食草堂旗舰店", "订单关闭原因": ("退款" if paid else "买家未付款") if status == "交易关闭"
        else "订单未关闭", "卖家服务费": "0.00", "买家服务费": "0.00", "发票抬头": "", "是否手机订单": "手机订单",
        "是否代付": "否", "天猫卡券抵扣": "0.00", "集分宝抵扣": "0.00", "是否是O2O交易": "否",
        "退款金额": f"{refund:.2f}", "确认收货时间": "2022-03-08 10:00:00" if status == "交易成功" else "",
        "打款商家金额": f"{goods + postage - refund:.2f}元" if status == "交易成功" else "0.00元",
        "是否信用购": "否", "配送类型": "快递", "主订单编号": str(order),
        "发货时间": "2022-03-02 09:00:00" if paid and status != "买家已付款，等待卖家发货" else "",
    }


def import_file(path, clerk):
    """Check then import; returns (check seconds, import seconds, the import). The import's seconds end when it is
    done (committed); the money booking that follows right after (finance's, `book_taobao_money`) is not in them:
    see `booking_seconds`."""
    from inventory import importing

    started = time.perf_counter()
    taobao_import = importing.check(importing.upload(path, filename=path.name, by=clerk))
    checked = time.perf_counter()
    if taobao_import.status == "same":  # byte for byte a file already imported: recognised at upload, nothing read
        return checked - started, 0.0, taobao_import
    if taobao_import.status != "checked" or taobao_import.problem_count:
        raise RuntimeError(f"{path.name}: {taobao_import.status} {taobao_import.refusal} {taobao_import.problems[:3]}")
    taobao_import = importing.start(taobao_import, by=clerk, inline=True)
    if taobao_import.status != "done":
        raise RuntimeError(f"{path.name}: {taobao_import.status} {taobao_import.refusal}")
    return checked - started, time.perf_counter() - checked - booking_seconds(taobao_import), taobao_import


def booking_seconds(taobao_import):
    """How long booking the import's money days took after it was done (0 for an import with none): finance sums
    each day's orders, all of the shop's on that day, not only the file's."""
    if taobao_import.money_booked_at is None or not taobao_import.money_days:
        return 0.0
    return (taobao_import.money_booked_at - taobao_import.finished_at).total_seconds()


def copy_seconds(path, width=None):
    """PostgreSQL COPY of the same file (`width` columns, the 宝贝报表's by default) into a bare table of text columns
    (the floor for moving these rows)."""
    from django.db import connection

    columns = ", ".join(f"c{n} text" for n in range(width or len(exports.LINES_2022)))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS bench_copy; CREATE UNLOGGED TABLE bench_copy ({columns})")
        started = time.perf_counter()
        with open(path, "rb") as handle:
            cursor.copy_expert("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'GB18030')",
                               handle)
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_copy")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_copy")
    return seconds, rows


def write_floor_seconds(taobao_import, kind="lines"):
    """Writing the import's rows again (a 宝贝报表's orders, lines and sales; a 订单报表's orders), nothing read or
    checked, into tables like the shop's (the same columns, indexes and deferred foreign keys, logged) in one
    statement each and one transaction: the least any import of the file can take to write them."""
    from django.db import connection, transaction

    from inventory.models import StockMove, TaobaoOrder, TaobaoOrderLine

    tables = [(TaobaoOrder, "last_import_id")]
    if kind == "lines":
        tables += [(TaobaoOrderLine, "last_import_id"), (StockMove, "taobao_import_id")]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, _column in tables:
            copy = f"bench_floor_{model._meta.model_name}"
            cursor.execute(f"CREATE TABLE {copy} (LIKE {model._meta.db_table} INCLUDING ALL)")
            for field in model._meta.concrete_fields:
                if field.is_relation:
                    cursor.execute(
                        f"ALTER TABLE {copy} ADD FOREIGN KEY ({quote(field.column)}) REFERENCES "
                        f"{quote(field.related_model._meta.db_table)} DEFERRABLE INITIALLY DEFERRED")
        started = time.perf_counter()
        with transaction.atomic():
            for model, column in tables:
                cursor.execute(f"INSERT INTO bench_floor_{model._meta.model_name} SELECT * FROM "
                               f"{model._meta.db_table} WHERE {column} = %s", [taobao_import.pk])
        seconds = time.perf_counter() - started
        for model, _column in tables:
            cursor.execute(f"DROP TABLE bench_floor_{model._meta.model_name}")
    return seconds


def bench_import(args, team, folder):
    """Each round imports a new 宝贝报表 and then writes its floor, then a new 订单报表 and its floor, so the machine's
    other work falls on an import and its floor alike; the figures are medians over the rounds."""
    from inventory import selectors

    clerk = team["product_lead"]
    print(f"\nImports, {args.rounds} rounds, each: {args.lines:,} 宝贝报表 lines, its floor, {args.orders:,} 订单报表 "
          "orders, its floor:", flush=True)
    with harness.Stopwatch(f"{args.rounds} files of each kind"):
        lines_files = [write_lines_file(folder / f"ExportOrderDetailList-bench-{n}.csv", args.lines, seed=1 + n,
                                        first_order=3_500_000_000_000_000_000 + n * 10**12)
                       for n in range(args.rounds)]
        orders_files = [write_orders_file(folder / f"ExportOrderList-bench-{n}.csv", args.orders, seed=101 + n,
                                          first_order=3_700_000_000_000_000_000 + n * 10**12)
                        for n in range(args.rounds)]
    copy, copied = copy_seconds(lines_files[0])
    orders_copy, orders_copied = copy_seconds(orders_files[0], width=len(exports.ORDERS_2022))
    timings = {name: [] for name in ("check", "run", "floor", "orders_check", "orders_run", "orders_floor",
                                     "orders_booking")}
    for n in range(args.rounds):
        check, run, taobao_import = import_file(lines_files[n], clerk)
        floor = write_floor_seconds(taobao_import)
        orders_check, orders_run, orders_imp = import_file(orders_files[n], clerk)
        orders_floor = write_floor_seconds(orders_imp, kind="orders")
        for name, value in (("check", check), ("run", run), ("floor", floor), ("orders_check", orders_check),
                            ("orders_run", orders_run), ("orders_floor", orders_floor),
                            ("orders_booking", booking_seconds(orders_imp))):
            timings[name].append(value)
        print(f"  round {n + 1}: 宝贝报表 {check:5.2f} + {run:5.2f} s vs floor {floor:5.2f} s = "
              f"{(check + run) / floor:4.2f}×; 订单报表 {orders_check:5.2f} + {orders_run:5.2f} s vs floor "
              f"{orders_floor:5.2f} s = {(orders_check + orders_run) / orders_floor:4.2f}×", flush=True)
    again_check, again_run, again = import_file(lines_files[-1], clerk)
    orders_again_check, orders_again_run, orders_again = import_file(orders_files[-1], clerk)
    figures = {name: statistics.median(values) for name, values in timings.items()}
    ratio = statistics.median([(c + r) / f for c, r, f in zip(timings["check"], timings["run"], timings["floor"],
                                                               strict=True)])
    orders_ratio = statistics.median([(c + r) / f for c, r, f in zip(timings["orders_check"], timings["orders_run"],
                                                                      timings["orders_floor"], strict=True)])
    size_mb, orders_mb = lines_files[0].stat().st_size / 1e6, orders_files[0].stat().st_size / 1e6
    print(f"  宝贝报表: {size_mb:.1f} MB GB18030 CSV, {taobao_import.summary['rows']:,} lines, "
          f"{taobao_import.summary['sales_written']:,} sales written; medians of {args.rounds}:")
    print(f"    COPY into a bare table:   {copy:6.2f} s  {copied / copy:10,.0f} rows/s")
    print(f"    check (the preview):      {figures['check']:6.2f} s  {args.lines / figures['check']:10,.0f} rows/s")
    print(f"    import:                   {figures['run']:6.2f} s  {args.lines / figures['run']:10,.0f} rows/s")
    print(f"    only writing its orders, lines and sales (tables like the shop's): {figures['floor']:6.2f} s")
    print(f"    check + import vs floor:  {ratio:.2f}× (median of the rounds' ratios; aim ≤ 3×)")
    print(f"    the same file again:      {again_check + again_run:6.2f} s  ({_again(again)})")
    print(f"  订单报表: {orders_mb:.1f} MB GB18030 CSV ({len(exports.ORDERS_2022)} columns), "
          f"{orders_imp.summary['rows']:,} orders; medians of {args.rounds}:")
    print(f"    COPY into a bare table:   {orders_copy:6.2f} s  {orders_copied / orders_copy:10,.0f} rows/s")
    print(f"    check (the preview):      {figures['orders_check']:6.2f} s  "
          f"{args.orders / figures['orders_check']:10,.0f} rows/s")
    print(f"    import:                   {figures['orders_run']:6.2f} s  {args.orders / figures['orders_run']:10,.0f}"
          f" rows/s")
    print(f"    only writing its orders (a table like the shop's): {figures['orders_floor']:6.2f} s")
    print(f"    then its money booked by finance, after the import is done: {figures['orders_booking']:6.2f} s "
          f"({len(orders_imp.money_days)} day(s), every order of the shop's on them summed)")
    print(f"    check + import vs floor:  {orders_ratio:.2f}× (median of the rounds' ratios; aim ≤ 3×), "
          f"{(figures['orders_check'] + figures['orders_run']) / orders_copy:.0f}× COPY")
    print(f"    the same file again:      {orders_again_check + orders_again_run:6.2f} s  ({_again(orders_again)})")
    print(f"  drift after the imports:  {len(selectors.stock_drift())} product(s)")
    return {"copy": copy, **figures, "ratio": ratio, "orders_ratio": orders_ratio}


def _again(taobao_import):
    if taobao_import.status == "same":
        return f"recognised at upload as import {taobao_import.same_as_id}"
    summary = taobao_import.summary
    return (f"{summary.get('sales_written', 0)} sales, {summary.get('new_orders', 0)} new orders, "
            f"{summary.get('unchanged', 0):,} lines already right")


def bench_import_memory(args, team, folder):
    clerk = team["product_lead"]
    sizes = [max(1000, args.lines // 10), max(2000, args.lines // 2)]
    print("\nPython heap while checking and importing (tracemalloc peak):", flush=True)
    peaks = []
    for n, lines in enumerate(sizes):
        path = write_lines_file(folder / f"memory-{lines}.csv", lines, seed=20 + n,
                                first_order=3_600_000_000_000_000_000 + n * 10_000_000)
        peak = harness.peak_memory(lambda path=path: import_file(path, clerk))
        peaks.append(peak)
        print(f"  {lines:>8,} lines ({path.stat().st_size / 1e6:5.1f} MB): peak {peak / 1e6:6.1f} MB", flush=True)
    print(f"  {sizes[1] / sizes[0]:.0f}× the lines: {peaks[1] / peaks[0]:.2f}× the peak (aim: flat)")
    return peaks


RAW_SCAN = """
SELECT p.id, p.on_hand, p.reorder_point FROM inventory_product p
WHERE p.on_hand <= p.reorder_point AND p.status <> 'discontinued'
  AND NOT EXISTS (SELECT 1 FROM inventory_lowstockalert a WHERE a.product_id = p.id AND a.closed_at IS NULL)
"""


def bench_scan(args):
    from django.db import connection

    from inventory import alerts, selectors
    from inventory.models import LowStockAlert

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_SCAN)
            return cursor.fetchall()

    print(f"\nLow-stock scan over {args.products:,} products:", flush=True)
    found = len(raw())
    seconds, _ = harness.interleaved({"raw": raw, "query": selectors.low_stock_without_alert}, rounds=SCAN_ROUNDS)
    raw_ms, query_ms = harness.median_ms(seconds["raw"]), harness.median_ms(seconds["query"])
    started = time.perf_counter()
    handled = alerts.scan_low_stock()
    first = time.perf_counter() - started
    after = len(raw())
    seconds, _ = harness.interleaved({"steady": alerts.scan_low_stock, "raw": raw}, rounds=SCAN_ROUNDS)
    steady_ms, raw_after_ms = harness.median_ms(seconds["steady"]), harness.median_ms(seconds["raw"])
    print(f"  products at or below their point: {found:,}")
    print(f"  the one raw SQL query:        {raw_ms:8.1f} ms")
    print(f"  the scan's query (selector):  {query_ms:8.1f} ms  = {query_ms / raw_ms:.2f}× (aim ≤ 2×)")
    print(f"  first run: opened {LowStockAlert.objects.count():,} alerts, told people, filed the tasks and drafted "
          f"the restock in {first:.1f} s ({len(handled):,} handled, {1000 * first / max(1, len(handled)):.1f} ms each)")
    print(f"  steady run (nothing new; {after} left to open): {steady_ms:8.1f} ms vs raw {raw_after_ms:.1f} ms = "
          f"{steady_ms / raw_after_ms:.2f}×")
    return {"raw": raw_ms, "query": query_ms, "steady": steady_ms, "first": first}


def bench_list(args, team):
    from django.urls import reverse

    client = harness.signed_in(team, "product_lead")["product_lead"]
    product_list = reverse("inventory:product_list")
    pages = [("trivial signed-in page", reverse("password_change_done")), ("stock list", product_list),
             ("stock list, page 200", product_list + "?page=200"), ("stock list, low only", product_list + "?low=1"),
             ("stock list, search", product_list + "?q=01234"), ("low-stock alerts", reverse("inventory:alert_list"))]

    print(f"\nStock list at {args.products:,} products, as the product leader (the pages in turn):", flush=True)
    results = harness.measure_pages([(label, client, url, False) for label, url in pages], requests=args.requests)
    rows = [(label, results[label]["median"], len(results[label]["queries"])) for label, _url in pages]
    trivial = rows[0][1]
    for label, median, queries in rows:
        print(f"  {label:24} {median:8.1f} ms  {queries:3} queries  = {median / trivial:.2f}× trivial"
              + ("  (aim ≤ 3×)" if label == "stock list" else ""))
    started = time.perf_counter()
    response = client.get(product_list + "?format=xlsx")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    print(f"  Excel of all {args.products:,} products: {time.perf_counter() - started:.1f} s, "
          f"{len(content) / 1e6:.1f} MB")
    return rows


def main(argv=None):
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="shopteam-inv-bench-"))
    config = configure_environment(folder)
    print(f"Files in {folder}", flush=True)
    try:
        with harness.bench_database(config):
            print("Building:", flush=True)
            team = build_shop(args.products)
            if args.only in (None, "list"):
                bench_list(args, team)
            if args.only in (None, "scan"):
                bench_scan(args)
            if args.only in (None, "import"):
                bench_import(args, team, folder)
                bench_import_memory(args, team, folder)
    finally:
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        folder.rmdir()


if __name__ == "__main__":
    main()
