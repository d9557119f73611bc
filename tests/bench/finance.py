"""Benchmark of the finance reports on PostgreSQL: one million sale lines over two years and 5,000 products.

Run:

    cd /work/main && .venv/bin/python -m tests.bench.finance [--lines 1000000] [--products 5000] [--repeat 5]

It needs a PostgreSQL server. DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/shopteam_fin_bench; the
database it names is dropped and created afresh and dropped again at the end, so its name must end in "_bench".

The sale lines are written with one INSERT … SELECT over generate_series (the services would take hours), half
first and half later, so every figure is taken at half and at all of the lines: sales and returns of 5,000
products of two suppliers (食草堂 has 90% of them), spread evenly over the two years before today; the ledger holds
the Taobao takings of each day (the sum of that day's sale lines) and each month's payroll, shipping, tools and
promotion. Each report is timed next to the raw SQL aggregate that computes the same totals, in the same run,
the two run in turn (median of --repeat runs each, after one warm-up), so the machine's other work falls on both;
the totals are compared to the cent. The Excel exports' peak memory is taken with tracemalloc at both sizes (aim:
flat in the number of lines: openpyxl's write-only mode, the database aggregates, the ledger read with an
iterator).
"""
import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal

from tests.bench import harness

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shopteam_fin_bench"
TARGET_RATIO = 2.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.finance", description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="sale lines over two years (default 1,000,000)")
    parser.add_argument("--products", type=int, default=5000, help="products (default 5,000)")
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per figure (default 9)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args(argv)


def configure_environment():
    return harness.configure_environment(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))


def paired(report, raw, repeat):
    """(report seconds, its result, raw seconds, its result): both warmed up, then run in turn `repeat` times, so
    whatever else the machine does falls on both alike; medians."""
    seconds, results = harness.interleaved({"report": report, "raw": raw}, rounds=repeat, warmup=1)
    return (statistics.median(seconds["report"]), results["report"], statistics.median(seconds["raw"]),
            results["raw"])


def build_shop(products):
    from finance.services import ensure_seed_data
    from inventory.models import Product, Supplier

    team = harness.build_team()
    ensure_seed_data()
    main, _ = Supplier.objects.get_or_create(name="食草堂")
    other, _ = Supplier.objects.get_or_create(name="山野茶坊")
    Product.objects.bulk_create(
        [Product(sku=f"SKU-{n:05d}", name=f"草本茶{n}号", supplier=other if n % 10 == 9 else main,
                 cost=Decimal(5 + n % 45) + Decimal(n % 100) / 100, price=Decimal(15 + n % 120) + Decimal("0.90"),
                 allow_negative=True)
         for n in range(products)],
        batch_size=2000,
    )
    return team, main


def add_sale_lines(first, count, *, products, start, days):
    """Sale lines `first`..`first+count-1` in one statement: every 20th a return of one unit, the rest a sale of
    1–3 units at the product's price; line g falls at the fractional part of g × the golden ratio along the
    period, so any run of lines spreads evenly over the two years (each half covers both years)."""
    from django.db import connection

    from inventory.models import StockMove

    fields = {f.column: f for f in StockMove._meta.concrete_fields if f.column != "id"}
    known = {
        "product_id": "(SELECT id FROM inventory_product ORDER BY id LIMIT 1) + ((g::bigint * 7919) %% %(products)s)",
        "kind": "CASE WHEN g %% 20 = 0 THEN 'return' ELSE 'sale' END",
        "quantity": "CASE WHEN g %% 20 = 0 THEN 1 ELSE -(1 + g %% 3) END",
        "moved_at": "%(start)s::timestamptz + ((g * 0.6180339887498949) - floor(g * 0.6180339887498949)) "
                    "* interval '%(days)s days'",
        "recorded_at": "now()",
        "amount": "NULL",
    }
    columns, values = [], []
    for column, field in fields.items():
        columns.append(column)
        if column in known:
            values.append(known[column])
        elif field.null:
            values.append("NULL")
        elif field.get_internal_type() in ("CharField", "TextField"):
            values.append("''")
        else:
            raise SystemExit(f"inventory_stockmove.{column} needs a value in the benchmark")
    sql = (f"INSERT INTO inventory_stockmove ({', '.join(columns)}) "
           f"SELECT {', '.join(values)} FROM generate_series(%(first)s, %(last)s) AS g")
    params = {"products": products, "start": start, "days": days, "first": first, "last": first + count - 1}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # The money as sold: quantity × price (a return pays it back).
        cursor.execute(
            "UPDATE inventory_stockmove m SET amount = -m.quantity * p.price FROM inventory_product p "
            "WHERE p.id = m.product_id AND m.amount IS NULL")
        cursor.execute("UPDATE inventory_product p SET on_hand = s.total FROM (SELECT product_id, SUM(quantity) "
                       "AS total FROM inventory_stockmove GROUP BY product_id) s WHERE s.product_id = p.id")


def write_ledger(start, end, *, extra):
    """The books: each day's Taobao takings (the day's sale lines) and refunds, each month's costs, and `extra`
    small entries by hand spread over the period (so the ledger's Excel is measured at two sizes); replaced on
    every call."""
    from django.db import connection

    from finance.models import Category

    codes = {c.code: c.pk for c in Category.objects.all()}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM finance_ledgerentry")
        day_sql = "(m.moved_at AT TIME ZONE 'Asia/Shanghai')::date"
        for kind, code, direction, condition in (("sales", "taobao-sales", "in", "m.kind = 'sale'"),
                                                 ("refunds", "taobao-refunds", "out", "m.kind = 'return'")):
            cursor.execute(
                "INSERT INTO finance_ledgerentry (date, category_id, direction, amount, counterparty, reference, "
                "note, source, recorded_by_id, recorded_at, reverses_id, is_reversed, key) "
                f"SELECT {day_sql}, %s, %s, ABS(SUM(m.amount)), '淘宝', {day_sql}::text, '', 'taobao', NULL, now(), "
                f"NULL, false, 'taobao:{kind}:' || {day_sql}::text FROM inventory_stockmove m WHERE {condition} "
                f"GROUP BY {day_sql}", [codes[code], direction])
        for code, amount in (("payroll", "16800.00"), ("shipping", "1320.50"), ("promotion-ztc", "800.00"),
                             ("promotion-taobaoke", "1500.00"), ("tools", "667.47")):
            cursor.execute(
                "INSERT INTO finance_ledgerentry (date, category_id, direction, amount, counterparty, reference, "
                "note, source, recorded_by_id, recorded_at, reverses_id, is_reversed, key) "
                "SELECT d::date + 9, %s, 'out', %s, '', '', '', 'manual', NULL, now(), NULL, false, '' "
                "FROM generate_series(%s::date, %s::date, interval '1 month') AS d",
                [codes[code], Decimal(amount), start.replace(day=1), end])
        cursor.execute(
            "INSERT INTO finance_ledgerentry (date, category_id, direction, amount, counterparty, reference, "
            "note, source, recorded_by_id, recorded_at, reverses_id, is_reversed, key) "
            "SELECT %s::date + (g %% %s), %s, 'out', 1 + (g %% 997) / 100.0, '快递', 'YT' || g, '', 'manual', NULL, "
            "now(), NULL, false, '' FROM generate_series(1, %s) AS g",
            [start, (end - start).days, codes["other-expense"], extra])
        cursor.execute("VACUUM ANALYZE")


def raw_supplier_totals(supplier, start, end):
    """The same per-product totals as inventory.selectors.supplier_sales, in one plain SQL statement (the
    benchmark writes no reversals, so sale and return moves are all there is)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, SUM(CASE WHEN m.kind = 'sale' THEN -m.quantity ELSE 0 END), "
            "SUM(CASE WHEN m.kind = 'return' THEN m.quantity ELSE 0 END), SUM(m.amount), "
            "(SUM(CASE WHEN m.kind = 'sale' THEN -m.quantity ELSE 0 END) "
            " - SUM(CASE WHEN m.kind = 'return' THEN m.quantity ELSE 0 END)) * p.cost "
            "FROM inventory_stockmove m JOIN inventory_product p ON p.id = m.product_id "
            "WHERE p.supplier_id = %s AND m.moved_at >= %s AND m.moved_at < %s AND m.kind IN ('sale', 'return') "
            "GROUP BY p.id, p.sku, p.cost ORDER BY p.sku",
            [supplier.pk, _moment(start), _moment(end)])
        rows = cursor.fetchall()
    return {"products": len(rows), "cost": sum((r[4] for r in rows), Decimal(0)),
            "price": sum((r[3] for r in rows), Decimal(0))}


def raw_report_totals(period):
    """The figures of a management report in plain SQL: the ledger by category group for the period and the one
    before, the day's net sales, and the gross margin of every product."""
    from django.db import connection

    from inventory.models import Supplier

    previous = period.previous()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, SUM(CASE WHEN e.direction = 'in' THEN e.amount ELSE -e.amount END) "
            "FROM finance_ledgerentry e JOIN finance_category c ON c.id = e.category_id "
            "WHERE e.date >= %s AND e.date < %s GROUP BY c.id", [previous.start, previous.end])
        cursor.fetchall()
        cursor.execute(
            "SELECT c.kind, SUM(CASE WHEN e.direction = 'in' THEN e.amount ELSE -e.amount END) "
            "FROM finance_ledgerentry e JOIN finance_category c ON c.id = e.category_id "
            "WHERE e.date >= %s AND e.date < %s GROUP BY c.kind", [period.start, period.end])
        kinds = dict(cursor.fetchall())
        cursor.execute(
            "SELECT e.date, SUM(CASE WHEN e.direction = 'in' THEN e.amount ELSE -e.amount END) "
            "FROM finance_ledgerentry e JOIN finance_category c ON c.id = e.category_id "
            "WHERE e.date >= %s AND e.date < %s AND c.\"group\" IN ('sales', 'refunds') GROUP BY e.date",
            [period.start, period.end])
        cursor.fetchall()
    margin = Decimal(0)
    for supplier in Supplier.objects.all():
        totals = raw_supplier_totals(supplier, period.start, period.end)
        margin += totals["price"] - totals["cost"]
    return {"income": kinds.get("income", Decimal(0)), "expense": -kinds.get("expense", Decimal(0)),
            "margin": margin}


def _moment(day):
    import zoneinfo

    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def measure(args, *, lines, supplier, month, year, today):
    from finance import reports
    from finance.selectors import ledger
    from finance.views import _ledger_excel
    from inventory.models import StockMove
    from shopteam import excel

    figures = {"lines": StockMove.objects.count()}
    print(f"\n{figures['lines']:,} sale lines, {lines['products']:,} products", flush=True)

    seconds, rows, raw_seconds, raw = paired(lambda: reports.supplier_rows(None, supplier, month.start),
                                             lambda: raw_supplier_totals(supplier, month.start, month.end),
                                             args.repeat)
    cost = sum((Decimal(r["cost_amount"]) for r in rows), Decimal(0))
    price = sum((Decimal(r["price_amount"]) for r in rows), Decimal(0))
    assert (len(rows), cost, price) == (raw["products"], raw["cost"], raw["price"]), (len(rows), cost, price, raw)
    figures["supplier"] = (seconds, raw_seconds, len(rows))
    print(f"  supplier report {month.code} ({len(rows):,} products, cost {cost:,.2f}): {seconds * 1000:.0f} ms; "
          f"raw SQL {raw_seconds * 1000:.0f} ms; ratio {seconds / raw_seconds:.2f}×", flush=True)

    for period in (month, year):
        seconds, report, raw_seconds, raw = paired(lambda period=period: reports.management_report(period),
                                                   lambda period=period: raw_report_totals(period), args.repeat)
        assert report["totals"]["income"] == raw["income"], (report["totals"]["income"], raw["income"])
        assert report["totals"]["expense"] == raw["expense"], (report["totals"]["expense"], raw["expense"])
        assert report["margin_totals"]["margin"] == raw["margin"], (report["margin_totals"]["margin"], raw["margin"])
        figures[period.kind] = (seconds, raw_seconds, len(report["margin"]))
        print(f"  {period.kind} report {period.code} (income {raw['income']:,.2f}, margin {raw['margin']:,.2f}, "
              f"{len(report['margin']):,} products): {seconds * 1000:.0f} ms; raw SQL {raw_seconds * 1000:.0f} ms; "
              f"ratio {seconds / raw_seconds:.2f}×", flush=True)

    report = reports.management_report(year)
    figures["memory_report"] = harness.peak_memory(lambda: excel.to_bytes(reports.excel(report)))
    rows = reports.supplier_rows(None, supplier, year.start)
    figures["memory_supplier"] = harness.peak_memory(
        lambda: excel.to_bytes(reports.supplier_excel([(supplier, year.start, rows)])))
    entries = ledger({})
    figures["ledger_entries"] = entries.count()
    figures["memory_ledger"] = harness.peak_memory(lambda: sum(len(chunk) for chunk in _ledger_excel(entries, {})))
    print(f"  Excel peak memory: yearly report {figures['memory_report'] / 1e6:.1f} MB, supplier report "
          f"{figures['memory_supplier'] / 1e6:.1f} MB, ledger ({figures['ledger_entries']:,} entries) "
          f"{figures['memory_ledger'] / 1e6:.1f} MB", flush=True)
    return figures


def main(argv=None):
    args = parse_args(argv)
    config = configure_environment()
    with harness.bench_database(config, keep=args.keep):
        from django.utils import timezone

        from finance import reports

        started = time.perf_counter()
        team, supplier = build_shop(args.products)
        today = timezone.localdate()
        start = (today.replace(day=1) - datetime.timedelta(days=730)).replace(day=1)
        days = (today.replace(day=1) - start).days
        half = args.lines // 2
        lines = {"products": args.products}
        last_month = reports.Period.month(today.replace(day=1) - datetime.timedelta(days=1))
        last_year = reports.Period.year(today.year - 1)
        print(f"Shop built in {time.perf_counter() - started:.1f} s; sale lines from {start} over {days} days",
              flush=True)
        rounds = []
        for (first, count), extra in zip(((1, half), (half + 1, args.lines - half)), (20_000, 200_000), strict=True):
            began = time.perf_counter()
            add_sale_lines(first, count, products=args.products, start=_moment(start), days=days)
            write_ledger(start, today, extra=extra)
            print(f"  wrote {count:,} sale lines and the ledger in {time.perf_counter() - began:.1f} s", flush=True)
            rounds.append(measure(args, lines=lines, supplier=supplier, month=last_month, year=last_year,
                                  today=today))
        print("\nSummary (median time; ratio to the raw SQL aggregate of the same totals; aim within "
              f"{TARGET_RATIO:.0f}×):")
        for key, label in (("supplier", "supplier report (month)"), ("month", "management report, month"),
                           ("year", "management report, year")):
            cells = [f"{r[key][0] * 1000:7.0f} ms {r[key][0] / r[key][1]:5.2f}×" for r in rounds]
            print(f"  {label:28} " + " | ".join(cells) + f"   (at {rounds[0]['lines']:,} | {rounds[1]['lines']:,})")
        for key, label in (("memory_report", "Excel, yearly report"), ("memory_supplier", "Excel, supplier report"),
                           ("memory_ledger", "Excel, ledger")):
            growth = rounds[1][key] / rounds[0][key]
            rows, what = ("ledger_entries", "entries") if key == "memory_ledger" else ("lines", "sale lines")
            print(f"  {label:28} " + " | ".join(f"{r[key] / 1e6:7.1f} MB" for r in rounds)
                  + f"   growth {growth:.2f}× for {rounds[1][rows] / rounds[0][rows]:.1f}× the {what}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
