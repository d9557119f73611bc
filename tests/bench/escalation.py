"""Benchmark of the escalation pages on PostgreSQL: time and queries per page at 1,000 and at 50,000 cases.

Run:

    cd /work/main && .venv/bin/python -m tests.bench.escalation [--cases 50000] [--requests 20]

It needs a PostgreSQL server. DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/shopteam_bench; the
database it names is dropped and created afresh for the run and dropped again at the end, so its name must
end in "_bench" (a safety catch: no other database is ever touched). SQLite is refused.

Pages are served in-process by the Django test Client, signed in as the shop manager, with DEBUG off (as in
production; query capture uses CaptureQueriesContext). Each page gets 3 warm-up requests, then N timed
requests (median and p95), and one more request whose queries are counted. The target: the dashboard and the
case list within 3x a trivial signed-in page, and the same number of queries at any number of cases.
"""
import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from urllib.parse import urlparse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shopteam_bench"
SMALL_ROUND = 1000
WARMUP = 3
TARGET_RATIO = 3.0
SLOWEST_SHOWN = 6
EXPLAINED = 2


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.escalation", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50000, help="cases in the large round (default 50000)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    return parser.parse_args(argv)


def configure_environment():
    """Settings come from the environment: point them at the bench database before Django reads them."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopteam.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["AXES_ENABLED"] = "false"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import environ

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(
            f"This benchmark runs on PostgreSQL only; DATABASE_URL points at {config['ENGINE']}. "
            f"Unset it to use {DEFAULT_DATABASE_URL}."
        )
    if not str(config["NAME"]).endswith("_bench"):
        sys.exit(
            f"Refusing to drop and recreate database {config['NAME']!r}: the benchmark's database name must "
            "end in '_bench'."
        )
    return config


def server_connection(config):
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    return connection


def recreate_database(config):
    # Not `with connection:` — psycopg2 opens a transaction block there, and DROP DATABASE refuses one.
    connection = server_connection(config)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    finally:
        connection.close()


def drop_database(config):
    from django.db import connections

    connections.close_all()
    connection = server_connection(config)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
    finally:
        connection.close()


class Stopwatch:
    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        if exc[0] is None:
            print(f"  {self.label}: {self.seconds:.1f} s", flush=True)


def build_shop():
    """The schema, the playbook, the demo team and the working calendar: everything but the cases."""
    from django.core.management import call_command

    from roles.services import load_playbook
    from shopteam.workcalendar.services import seed_from_chinesecalendar
    from tests.factories import TeamBuilder

    with Stopwatch("migrations"):
        call_command("migrate", verbosity=0, interactive=False)
    with Stopwatch("playbook, demo team, working calendar"):
        load_playbook()
        team = TeamBuilder().build()
        seed_from_chinesecalendar()
    return team


def add_cases(count, *, team, seed):
    """`count` more cases over the last year, as bulk_cases leaves them (contacts and handlers included)."""
    from django.db import connection
    from django.utils import timezone

    from escalation.models import Case
    from tests.escalation.factories import bulk_cases

    with Stopwatch(f"{count:,} cases and their events"):
        bulk_cases(count, team=team, start=timezone.now() - timedelta(days=365), seed=seed)
    # VACUUM too, not only ANALYZE: bulk_cases rewrites every row to spread created_at, leaving the table half
    # dead tuples and the visibility map empty, which autovacuum would have cleared in a live shop.
    with Stopwatch("VACUUM ANALYZE"), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return Case.objects.count()


def pages(detail_case):
    from django.urls import reverse

    case_list = reverse("escalation:case_list")
    dashboard = reverse("escalation:dashboard")
    # (name, url, empty the cache before each request: the dashboard recomputing its statistics, as it does
    # after any change to a case)
    return [
        ("trivial (password_change_done)", reverse("password_change_done"), False),
        ("dashboard (statistics cached)", dashboard, False),
        ("dashboard (statistics recomputed)", dashboard, True),
        ("case list: all, page 1", case_list, False),
        ("case list: ?box=mine", case_list + "?box=mine", False),
        ("case list: ?overdue=1", case_list + "?overdue=1", False),
        ("case detail", reverse("escalation:case_detail", args=[detail_case.pk]), False),
    ]


def fetch(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
    return response


def measure(client, url, *, requests, cold=False):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        fetch(client, url)
    timings = []
    for _ in range(requests):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = fetch(client, url)
        timings.append((time.perf_counter() - started) * 1000)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        fetch(client, url)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return {
        "median": statistics.median(timings),
        "p95": p95,
        "queries": list(captured.captured_queries),
        "kb": len(response.content) / 1024,
    }


def measure_round(client, cases, detail_case, *, requests):
    print(f"\nMeasuring with {cases:,} cases ({WARMUP} warm-up + {requests} timed requests per page)", flush=True)
    results = {}
    for name, url, cold in pages(detail_case):
        results[name] = {"url": url, "cases": cases, **measure(client, url, requests=requests, cold=cold)}
        print(f"  {name}: median {results[name]['median']:.1f} ms", flush=True)
    return results


def print_table(rounds):
    header = f"{'view':<32} {'cases':>7} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>6} {'ratio':>6}  verdict"
    print("\n" + header)
    print("-" * len(header))
    for results in rounds:
        baseline = next(iter(results.values()))["median"]
        for name, row in results.items():
            ratio = row["median"] / baseline
            if name.startswith("trivial"):
                verdict = "baseline"
            else:
                verdict = "within 3x" if ratio <= TARGET_RATIO else f"NOT within 3x ({ratio:.1f}x)"
            print(
                f"{name:<32} {row['cases']:>7,} {row['median']:>10.1f} {row['p95']:>8.1f} "
                f"{len(row['queries']):>8} {row['kb']:>6.0f} {ratio:>5.1f}x  {verdict}"
            )
        print("-" * len(header))


def print_query_counts(rounds):
    if len(rounds) < 2:
        return
    small, large = rounds[0], rounds[-1]
    print(f"\nQueries per request, {next(iter(small.values()))['cases']:,} vs {next(iter(large.values()))['cases']:,} "
          "cases:")
    for name in small:
        before, after = len(small[name]["queries"]), len(large[name]["queries"])
        verdict = "independent of the number of cases" if before == after else "GROWS with the number of cases"
        print(f"  {name:<32} {before:>3} -> {after:<3} {verdict}")


def print_slowest(results, name):
    from django.db import connection

    queries = sorted(results[name]["queries"], key=lambda q: float(q["time"]), reverse=True)
    total = sum(float(q["time"]) for q in queries) * 1000
    print(f"\nSlowest SQL of one {name} request ({len(queries)} queries, {total:.1f} ms in SQL of "
          f"{results[name]['median']:.1f} ms median):")
    for query in queries[:SLOWEST_SHOWN]:
        sql = " ".join(query["sql"].split())
        print(f"  {float(query['time']) * 1000:7.1f} ms  {sql[:300]}{' ...' if len(sql) > 300 else ''}")
    for rank, query in enumerate(queries[:EXPLAINED], start=1):
        print(f"\nEXPLAIN ANALYZE of slowest query #{rank}:")
        print("  " + " ".join(query["sql"].split()))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            for (line,) in cursor.fetchall():
                print("    " + line)


def main(argv=None):
    args = parse_args(argv)
    config = configure_environment()
    host = urlparse(os.environ["DATABASE_URL"]).hostname
    print(f"Bench database {config['NAME']!r} on {host}: dropped and created afresh", flush=True)
    recreate_database(config)
    try:
        import django

        django.setup()
        from django.test import Client
        from django.test.utils import override_settings

        from escalation.models import Case

        # No collectstatic manifest in a bench run, and the test hasher keeps the team quick to build.
        with override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            print("Building:", flush=True)
            started = time.perf_counter()
            team = build_shop()
            rounds = []
            client = Client()
            client.force_login(team["manager"])
            first = min(SMALL_ROUND, args.cases)
            total = add_cases(first, team=team, seed=7)
            # A case that went through a few steps, so its page has a history; the same one in both rounds.
            detail_case = Case.objects.filter(step__gte=2).order_by("pk").first() or Case.objects.first()
            print(f"Built in {time.perf_counter() - started:.1f} s", flush=True)
            rounds.append(measure_round(client, total, detail_case, requests=args.requests))
            if args.cases > first:
                print("\nBuilding:", flush=True)
                started = time.perf_counter()
                total = add_cases(args.cases - first, team=team, seed=8)
                print(f"Built in {time.perf_counter() - started:.1f} s", flush=True)
                rounds.append(measure_round(client, total, detail_case, requests=args.requests))
            print_table(rounds)
            print_query_counts(rounds)
            print_slowest(rounds[-1], "dashboard (statistics recomputed)")
    finally:
        drop_database(config)
        print(f"\nBench database {config['NAME']!r} dropped.", flush=True)


if __name__ == "__main__":
    main()
