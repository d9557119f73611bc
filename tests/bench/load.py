"""Load bench: the shop as it runs in production, used by signed-in people of every role at once, then checked.

Run:

    cd /work/main && .venv/bin/python -m tests.bench.load [--users 20] [--seconds 120] [--web-workers 2]

It needs PostgreSQL and Redis. The database is DATABASE_URL's server with the name `<DATABASE_URL's name>_load_bench`
(`--database-url` to choose; the name must end in "_bench"), dropped and made afresh, and dropped at the end; Redis
is CELERY_BROKER_URL's (a redis:// URL), used for the broker and the cache alike.

It migrates, runs setup_shopteam and collectstatic as the install does, builds the playbook's team (every role) with
a few stocked products, then starts the services as the units in deploy/systemd start them, with production settings
(DEBUG off, Redis cache and sessions, mail written to files): gunicorn with its workers on 127.0.0.1, one Celery
worker and one beat. N simulated people (threads, each its own browser session, spread over the team so every role
is there) sign in and do their daily mix until the time is up: everyone reads the dashboard or their home page, the
cases, their tasks and notifications; the customer-service leader raises cases (售后困难, his post's difficulty), the
product leader opens products and records receipts, the finance leader reads the ledger, the manager reads the
dashboard and every case. Each person waits 0.2–1 s between requests. It prints, per page, the requests, the errors
(a 4xx/5xx, a timeout, or a sign-in page instead of the page), p50 and p95 in milliseconds; then waits for the
worker to drain and checks:

- stock equals its ledger: every product's on-hand is the sum of its moves;
- every case has its chain: a contact chain, a current post or the admins, and its "raised" event;
- every notification has its outbox row: one e-mail delivery per notification of a person with an address;
- no job ran twice: no task id appears in two "succeeded" lines of the worker's log (its JSON lines);
- the worker drained: no e-mail delivery left pending.

It exits 1 if a request failed or an invariant does not hold. Figures are in README ("Load bench").
"""
import argparse
import collections
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.bench import harness
from tests.threads import wait_until

PASSWORD = "load-bench-password-1"
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def deploy():
    """The deploy test's helpers (the units' commands, the production environment, a browser), imported once the
    environment points at the bench database: that module reads the settings."""
    from tests.shopteam import test_deploy

    return test_deploy


def bench_url(given):
    if given:
        return given
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shopteam")
    return re.sub(r"/([^/?]+)(\?.*)?$", lambda m: f"/{m.group(1)}_load_bench", base)


def prepare(env, work):
    """The install's steps in a process as the units run, then the team and stock written here."""
    for step in (["migrate", "--noinput", "-v0"], ["setup_shopteam"], ["collectstatic", "--noinput", "-v0"]):
        done = subprocess.run([str(BIN / "django-admin"), *step, "--settings=shopteam.settings"], cwd=work, env=env,
                              capture_output=True, text=True, timeout=600)
        if done.returncode:
            sys.exit(f"{step} failed:\n{done.stderr[-3000:]}")
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from roles.models import Difficulty
    from tests.factories import TeamBuilder
    from tests.inventory.factories import stocked

    team = TeamBuilder().build()
    for user in get_user_model().objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    products = [stocked(50, sku=f"LOAD-{n}", name=f"压测商品{n}", by=team["product_lead"]).pk for n in range(5)]
    difficulty = Difficulty.objects.get(name="售后困难")
    return team, {"products": products, "difficulty": difficulty.pk, "post": difficulty.post_id}


class Person(threading.Thread):
    """One signed-in person doing their mix until `deadline`; timings go to `record(page, ms, ok)`."""

    def __init__(self, username, port, ids, deadline, record, seed):
        super().__init__(daemon=True)
        self.username, self.ids, self.deadline, self.record = username, ids, deadline, record
        self.browser, self.random = deploy().Browser(port), random.Random(seed)

    def get(self, page, path):
        return self.timed(page, "GET", path)

    def timed(self, page, method, path, form=None, *, redirects=False):
        started = time.perf_counter()
        try:
            status, location, body = self.browser.request(method, path, form)
        except OSError:
            status, location, body = 0, None, ""
        ms = (time.perf_counter() - started) * 1000
        ok = 0 < status < 400 and not (status == 302 and "/accounts/login/" in (location or ""))
        if redirects and status != 302:  # a form shown again: refused
            ok = False
        self.record(page, ms, ok)
        return status, location, body

    def run(self):
        self.browser.request("GET", "/accounts/login/")
        self.timed("sign in", "POST", "/accounts/login/", {"username": self.username, "password": PASSWORD},
                   redirects=True)
        mix = MIXES.get(self.username, MIXES["member"])
        while time.monotonic() < self.deadline:
            self.random.choice(mix)(self)
            time.sleep(self.random.uniform(0.2, 1.0))


def home(p):
    p.get("home", "/")


def dashboard(p):
    p.get("dashboard", "/dashboard/")


def cases(p):
    status, _, body = p.get("case list", "/cases/")
    found = re.findall(r'href="/cases/(\d+)/"', body)
    if found:
        p.get("case detail", f"/cases/{p.random.choice(found)}/")


def tasks(p):
    p.get("my tasks", "/tasks/")


def notifications(p):
    p.get("notifications", "/notifications/")


def raise_a_case(p):
    status, _, page = p.get("raise case (form)", "/cases/new/")
    key = re.search(r'name="key" value="([0-9a-f]+)"', page)
    if key:
        p.timed("raise case", "POST", "/cases/new/", {
            "post": p.ids["post"], "difficulty": p.ids["difficulty"], "key": key.group(1),
            "description": f"压测：买家要求超出规定的赔偿 {p.random.randrange(10**6)}"}, redirects=True)


def stock(p):
    p.get("stock", "/stock/")
    product = p.random.choice(p.ids["products"])
    p.get("product", f"/stock/products/{product}/")


def receive(p):
    product = p.random.choice(p.ids["products"])
    p.get("product", f"/stock/products/{product}/")
    p.timed("record receipt", "POST", f"/stock/products/{product}/moves/",
            {"kind": "receipt", "quantity": str(p.random.randint(1, 5)), "reference": "压测入库"})


def ledger(p):
    p.get("ledger", "/finance/ledger/")


MIXES = {
    "manager": [dashboard, dashboard, cases, cases, tasks, notifications, stock, ledger],
    "kefu_lead": [home, cases, raise_a_case, raise_a_case, tasks, notifications],
    "product_lead": [home, stock, stock, receive, receive, tasks, cases],
    "finance_lead": [home, ledger, ledger, tasks, cases, notifications],
    "member": [home, tasks, tasks, cases, notifications],
}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(timings):
    print(f"\n{'page':<22}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}")
    total = errors = 0
    for page in sorted(timings):
        ms = [value for value, _ in timings[page]]
        failed = sum(1 for _, ok in timings[page] if not ok)
        total, errors = total + len(ms), errors + failed
        print(f"{page:<22}{len(ms):>9}{failed:>8}{statistics.median(ms):>9.0f}{percentile(ms, 0.95):>9.0f}")
    print(f"{'all':<22}{total:>9}{errors:>8}")
    return total, errors


def invariants(worker_log):
    from django.db.models import Count, Q, Sum

    from escalation.models import Case
    from inventory.models import Product
    from shopteam.notifications.models import Delivery, Notification

    problems = []
    for product in Product.objects.annotate(ledger=Sum("moves__quantity")):
        if product.on_hand != (product.ledger or 0):
            problems.append(f"stock: {product.sku} has {product.on_hand}, its ledger {product.ledger}")
    for case in Case.objects.annotate(raised=Count("events", filter=Q(events__kind="raised"))):
        if not case.chain or (case.current_post_id is None and not case.with_admins and case.status != "resolved") \
                or case.raised != 1:
            problems.append(f"case {case.pk}: chain {case.chain}, post {case.current_post_id}, raised {case.raised}")
    wanted = collections.Counter(Notification.objects.filter(recipient__email__gt="").values_list(
        "recipient_id", "event", "title"))
    written = collections.Counter(Delivery.objects.filter(kind="email").values_list("recipient_id", "event", "subject"))
    if wanted - written:
        problems.append(f"notifications without their outbox row: {dict(wanted - written)}")
    succeeded = collections.Counter()
    for line in worker_log.read_text().splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "celery.app.trace" and "succeeded" in record["message"]:
                succeeded[re.search(r"\[([0-9a-f-]{36})\]", record["message"]).group(1)] += 1
    twice = [task for task, count in succeeded.items() if count > 1]
    if twice:
        problems.append(f"jobs that ran twice: {twice}")
    counts = {"products": Product.objects.count(), "cases": Case.objects.count(),
              "notifications": Notification.objects.count(), "deliveries": Delivery.objects.count(),
              "deliveries sent": Delivery.objects.filter(status="sent").count(), "jobs run": len(succeeded)}
    return problems, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    args = parser.parse_args()
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        sys.exit("The load bench needs Redis: set CELERY_BROKER_URL=redis://host:6379/N.")
    url = bench_url(args.database_url)
    config = harness.configure_environment(url)
    harness.recreate_database(config)
    tmp = Path(tempfile.mkdtemp(prefix="shopteam-load-"))
    port = deploy().free_port()
    env = deploy().production_env(tmp, url, port)
    env.update(CELERY_BROKER_URL=broker, CACHE_URL=broker.replace("redis://", "rediscache://"),
               SHOPTEAM_WEB_WORKERS=str(args.web_workers), AXES_ENABLED="false", LOG_LEVEL="INFO",
               DJANGO_SETTINGS_MODULE="shopteam.settings", PYTHONPATH=str(ROOT))
    work = tmp / "srv"
    work.mkdir()
    processes, logs = {}, {}
    try:
        with harness.Stopwatch("install steps, team and stock"):
            team, ids = prepare(env, work)
        for name, unit in (("web", "shopteam-web.service"), ("worker", "shopteam-worker.service"),
                           ("beat", "shopteam-beat.service")):
            logs[name] = open(tmp / f"{name}.log", "w")  # noqa: SIM115
            processes[name] = subprocess.Popen(deploy().unit_command(unit), cwd=work, env=env, stdout=logs[name],
                                               stderr=subprocess.STDOUT)
        probe = deploy().Browser(port)
        wait_until(lambda: _answers(probe), "gunicorn", timeout=120, every=1)
        people = list(team)
        timings, lock = collections.defaultdict(list), threading.Lock()

        def record(page, ms, ok):
            with lock:
                timings[page].append((ms, ok))

        print(f"{args.users} people ({', '.join(people)}) for {args.seconds} s on 127.0.0.1:{port}, "
              f"{args.web_workers} web workers, 1 worker (concurrency 2), 1 beat", flush=True)
        deadline = time.monotonic() + args.seconds
        crowd = [Person(people[n % len(people)], port, ids, deadline, record, seed=n) for n in range(args.users)]
        for person in crowd:
            person.start()
        for person in crowd:
            person.join(timeout=args.seconds + 60)
        total, errors = report(timings)

        from shopteam.notifications.models import Delivery

        with harness.Stopwatch("the worker's queue drained"):
            wait_until(lambda: not Delivery.objects.filter(status="pending").exists(), "deliveries sent",
                       timeout=180, every=1)
        for name in ("beat", "worker", "web"):
            processes[name].terminate()
            processes[name].wait(timeout=60)
        problems, counts = invariants(tmp / "worker.log")
        print("\n" + ", ".join(f"{name}: {value}" for name, value in counts.items()))
        for problem in problems:
            print(f"INVARIANT BROKEN: {problem}")
        if not problems:
            print("Invariants hold: stock equals its ledger, every case has its chain, every notification its "
                  "outbox row, no job ran twice.")
        return 1 if problems or errors else 0
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
        for log in logs.values():
            log.close()
        if args.keep:
            print(f"Kept: database {config['NAME']!r}, logs in {tmp}")
        else:
            harness.drop_database(config)
            shutil.rmtree(tmp, ignore_errors=True)


def _answers(browser):
    try:
        return browser.request("GET", "/accounts/login/")[0] == 200
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
