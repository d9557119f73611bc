"""What every bench shares: a PostgreSQL database of its own, made afresh and dropped at the end; the settings of a
bench run; a stopwatch; timings taken in rounds that run every page (or report) and its floor once each, in turn,
so the machine's other work falls on both alike; medians, ratios to the floor and the verdict printed beside them.

Settings come from the environment: `configure_environment` points them at the bench database before Django
reads them. The database's name must end in "_bench" (a safety catch: no other database is ever dropped).
"""
import os
import statistics
import sys
import time
from contextlib import contextmanager

WARMUP = 3


def configure_environment(database_url, **environment):
    """The shop's settings for a bench run against `database_url` (PostgreSQL only), with DEBUG off as in
    production; `environment` sets more variables (SHOPTEAM_VAR_DIR, CELERY_BROKER_URL …). Returns the database's
    connection settings."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopteam.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["AXES_ENABLED"] = "false"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.update({name: str(value) for name, value in environment.items()})

    import environ

    config = environ.Env.db_url_config(database_url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"This benchmark runs on PostgreSQL only; its database URL points at {config['ENGINE']}.")
    if not str(config["NAME"]).endswith("_bench"):
        sys.exit(f"Refusing to drop and recreate database {config['NAME']!r}: the benchmark's database name must "
                 "end in '_bench'.")
    return config


def _server_connection(config):
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


def _execute_on_server(config, *statements):
    # Not `with connection:` — psycopg2 opens a transaction block there, and DROP DATABASE refuses one.
    connection = _server_connection(config)
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def recreate_database(config):
    _execute_on_server(config, f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)',
                       f'CREATE DATABASE "{config["NAME"]}"')


def drop_database(config):
    from django.db import connections

    connections.close_all()
    _execute_on_server(config, f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


@contextmanager
def bench_database(config, *, keep=False):
    """The bench database made afresh and Django set up on it, with no collectstatic manifest and the test
    hasher (the team is quick to build); dropped at the end unless `keep`."""
    print(f"Bench database {config['NAME']!r} on {config.get('HOST') or 'localhost'}: dropped and created afresh",
          flush=True)
    recreate_database(config)
    try:
        import django

        django.setup()
        from django.test.utils import override_settings

        with override_settings(
            STORAGES={
                "default": {"BACKEND": "shopteam.stored_files.VarDirStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            yield
    finally:
        if not keep:
            drop_database(config)
            print(f"\nBench database {config['NAME']!r} dropped.", flush=True)


class Stopwatch:
    """`with Stopwatch("what"):` prints how long it took (when it did not fail)."""

    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        if exc[0] is None:
            print(f"  {self.label}: {self.seconds:.1f} s", flush=True)


def build_team(*, calendar=False):
    """The schema, the playbook and its demo team (tests/factories.py), and with `calendar` the working calendar."""
    from django.core.management import call_command

    from roles.services import load_playbook
    from shopteam.workcalendar.services import seed_from_chinesecalendar
    from tests.factories import TeamBuilder

    with Stopwatch("migrations"):
        call_command("migrate", verbosity=0, interactive=False)
    with Stopwatch("playbook and demo team" + (", working calendar" if calendar else "")):
        load_playbook()
        team = TeamBuilder().build()
        if calendar:
            seed_from_chinesecalendar()
    return team


def signed_in(team, *usernames):
    """{username: a test Client signed in as that person of `team`, its `user` set}: the people a bench serves."""
    from django.test import Client

    clients = {}
    for username in usernames:
        clients[username] = Client()
        clients[username].force_login(team[username])
        clients[username].user = team[username]
    return clients


def interleaved(jobs, *, rounds, warmup=0):
    """Each job of `jobs` ({key: function}) run `warmup` times, then `rounds` rounds in which every job runs once,
    in turn. Returns ({key: [seconds of each round]}, {key: what its last run returned})."""
    for _ in range(warmup):
        for job in jobs.values():
            job()
    seconds = {key: [] for key in jobs}
    results = {}
    for _ in range(rounds):
        for key, job in jobs.items():
            started = time.perf_counter()
            results[key] = job()
            seconds[key].append(time.perf_counter() - started)
    return seconds, results


def median_ms(seconds):
    return statistics.median(seconds) * 1000


def p95_ms(seconds):
    timings = sorted(seconds)
    return timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))] * 1000


def verdict(ratio, target):
    """Says "within 3x" of the floor, or by how much a page is not."""
    return f"within {target:g}x" if ratio <= target else f"NOT within {target:g}x ({ratio:.1f}x)"


def peak_memory(function):
    """The Python heap's peak (tracemalloc, bytes) while `function` runs."""
    import tracemalloc

    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def fetch(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
    return response


def measure_pages(pages, *, requests, warmup=WARMUP):
    """Pages served in-process by the test Client: `pages` is [(key, client, url, cold)], a person's trivial page
    (the floor) among them; a cold page has the cache emptied before each request. Every page gets `warmup`
    requests, then `requests` rounds time every page once each, in turn; one more request counts its queries.
    Returns {key: {"median", "p95" (ms), "queries" (those captured), "kb"}}."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def request(client, url, cold):
        def get():
            if cold:
                cache.clear()
            return fetch(client, url)
        return get

    jobs = {key: request(client, url, cold) for key, client, url, cold in pages}
    seconds, _ = interleaved(jobs, rounds=requests, warmup=warmup)
    results = {}
    for key, client, url, cold in pages:
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = fetch(client, url)
        results[key] = {"median": median_ms(seconds[key]), "p95": p95_ms(seconds[key]),
                        "queries": list(captured.captured_queries), "kb": len(response.content) / 1024}
    return results


def floor_ratio(results, key, floor):
    """A page's median over its floor's (the same person's trivial page)."""
    return results[key]["median"] / results[(key[0], floor)]["median"]


def print_summary(rounds, *, floor, target, noun):
    """Each page at the smallest and the largest size: median ms, queries, ratio to the floor; whether its queries
    stay the same; and at the largest size, the verdict."""
    small, large = rounds[0], rounds[-1]
    print(f"\nSummary (median ms · queries · ratio to the same person's trivial page) at "
          f"{small[next(iter(small))][noun]:,} and {large[next(iter(large))][noun]:,} {noun}")
    header = f"{'who':<9} {'page':<34}" + f"{'ms':>10} {'queries':>8} {'ratio':>6}" * 2 + "  queries   verdict"
    print(header)
    print("-" * len(header))
    for key in small:
        cells = ""
        for results in (small, large):
            row = results[key]
            cells += f"{row['median']:>10.1f} {len(row['queries']):>8} {floor_ratio(results, key, floor):>5.1f}x"
        same = "same" if len(small[key]["queries"]) == len(large[key]["queries"]) else "GROW"
        judged = f"{key[0]}'s floor" if key[1] == floor else verdict(floor_ratio(large, key, floor), target)
        print(f"{key[0]:<9} {key[1]:<34}{cells}  {same:<8}  {judged}")


def print_slowest(queries, *, count, width):
    """The slowest of the captured queries, their SQL on one line."""
    for query in sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:count]:
        sql = " ".join(query["sql"].split())
        print(f"  {float(query['time']) * 1000:7.1f} ms  {sql[:width]}{' ...' if len(sql) > width else ''}")


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [line for (line,) in cursor.fetchall()]
