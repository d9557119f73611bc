"""Benchmark of the task pages and the recurrence job on PostgreSQL: 20,000 tasks over a year for 50 people.

Run:

    cd /work/main && .venv/bin/python -m tests.bench.tasks [--sizes 2000,20000] [--requests 20] [--duties 1000]

It needs a PostgreSQL server. SHOPTEAM_TASKS_BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/shopteam_tasks_bench) names a database that is dropped and created afresh for
the run and dropped again at the end, so its name must end in "_bench". SQLite is refused.

The shop is the playbook's, the demo team and 42 more people (50 in all) spread over the posts, and the working
calendar. Tasks are written in bulk over the last year, owned in turn by the people and by the posts (a post's
tasks belong to whoever holds it), in every status and priority, with subtask counts. Pages are served
in-process by the Django test Client with DEBUG off, signed in as the shop manager (sees every task), an
ordinary member (客服A: her own and her group's) and a group leader (the customer-service leader), every page once a
round, in turn (tests/bench/harness.py); each page is compared with the same person's trivial signed-in page
(password_change_done, navigation badges included), the target being within 3x of it, and the same number of
queries at every size.

Then the recurrence job: `--duties` recurring duties (a mix of every working day, weekly, monthly, quarterly
and yearly, over every post) have a year of periods filed at once by create_duty_tasks_between (the path that
computes each period in its department's calendar and inserts with ON CONFLICT DO NOTHING), timed against one
bulk_create of exactly the same rows into the same empty table; and one run of the 15-minute job
(create_recurring_tasks) over the same duties, with its query count.
"""
import argparse
import os
import time
from datetime import date, timedelta

from tests.bench import harness
from tests.bench.harness import WARMUP

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shopteam_tasks_bench"
DEFAULT_SIZES = "2000,20000"
TARGET_RATIO = 3.0
PEOPLE = 50
MANAGER, MEMBER, LEADER = "manager", "kefu_a", "kefu_lead"
TRIVIAL = "trivial (password_change_done)"
YEAR = 2026


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.tasks", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"tasks at each round (default {DEFAULT_SIZES})")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--duties", type=int, default=1000, help="recurring duties for the job (default 1000)")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()})
    return args


def configure_environment():
    return harness.configure_environment(os.environ.get("SHOPTEAM_TASKS_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))


def build_shop():
    """The schema, the playbook, the demo team plus 42 people over the posts (50), the working calendar."""
    from roles.models import Post
    from roles.services import sync_department_groups
    from tests.factories import AssignmentFactory, UserFactory

    team = harness.build_team(calendar=True)
    with harness.Stopwatch(f"{PEOPLE - len(team)} more people over the posts ({PEOPLE} in all)"):
        posts = list(Post.objects.select_related("department").exclude(department__is_manager_office=True))
        for index in range(PEOPLE - len(team)):
            AssignmentFactory(user=UserFactory(username=f"staff{index}"), post=posts[index % len(posts)])
        sync_department_groups()
    return team


def add_tasks(count, *, seed):
    """`count` more tasks over the last year, owned in turn by every person (under their main post's department)
    and every post."""
    from django.db import connection
    from django.utils import timezone

    from roles.models import Post
    from tasks.models import Task
    from tasks.selectors import people_at_work
    from tests.tasks.factories import bulk_tasks

    people = [(person, post.department) for person, post in people_at_work()]
    posts = list(Post.objects.select_related("department"))
    with harness.Stopwatch(f"{count:,} tasks"):
        bulk_tasks(count, people=people, posts=posts, start=timezone.now() - timedelta(days=365), seed=seed,
                   subtasks=3)
    with harness.Stopwatch("VACUUM ANALYZE"), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return Task.objects.count()


def pages():
    from django.urls import reverse

    trivial = reverse("password_change_done")
    rows = []
    for who in (MANAGER, MEMBER, LEADER):
        rows += [
            (who, TRIVIAL, trivial),
            (who, "my tasks", reverse("tasks:mine")),
            (who, "board", reverse("tasks:board")),
            (who, "board: overdue, high", reverse("tasks:board") + "?due=overdue&priority=high"),
            (who, "list, page 1 (by due)", reverse("tasks:list")),
            (who, "list, page 3 (by priority)", reverse("tasks:list") + "?sort=priority&page=3"),
        ]
    rows.append((MANAGER, "dashboard (tasks panel among all)", reverse("dashboard")))
    return rows


def measure_round(clients, total, *, requests):
    from tasks.selectors import visible_tasks

    print(f"\nMeasuring with {total:,} tasks ({WARMUP} warm-up + {requests} timed requests per page, the pages in "
          "turn)", flush=True)
    visible = {who: visible_tasks(client.user).count() for who, client in clients.items()}
    print("  tasks each person can see: " + ", ".join(f"{who} {n:,}" for who, n in visible.items()))
    measured = [((who, name), clients[who], url, False) for who, name, url in pages()]
    results = harness.measure_pages(measured, requests=requests, warmup=WARMUP)
    for (who, name), *_rest in measured:
        row = results[(who, name)] = {**results[(who, name)], "tasks": total, "visible": visible[who]}
        print(f"  {who:<9} {name}: median {row['median']:.1f} ms, {len(row['queries'])} queries", flush=True)
    return results


def print_summary(rounds):
    harness.print_summary(rounds, floor=TRIVIAL, target=TARGET_RATIO, noun="tasks")
    large = rounds[-1]
    key = (MANAGER, "board")
    print(f"\nSlowest SQL of the {MANAGER}'s board at {large[key]['tasks']:,} tasks:")
    harness.print_slowest(large[key]["queries"], count=4, width=220)


def recurring_duties(count):
    """`count` recurring duties over every post: 15% every working day, 35% weekly, 30% monthly, 10% quarterly,
    10% yearly, with due days, times and lead times varied."""
    import datetime

    from roles.models import Duty, Post

    posts = list(Post.objects.all())
    duties = []
    for index in range(count):
        share = index % 20
        fields = {"recurrence": "daily"} if share < 3 else (
            {"recurrence": "weekly", "recurrence_weekday": index % 7, "lead_days": index % 3} if share < 10 else
            {"recurrence": "monthly", "recurrence_day": 1 + index % 31, "lead_days": index % 5} if share < 16 else
            {"recurrence": "quarterly", "recurrence_month": 1 + index % 3, "recurrence_day": 1 + index % 28,
             "lead_days": 7} if share < 18 else
            {"recurrence": "yearly", "recurrence_month": 1 + index % 12, "recurrence_day": 1 + index % 28,
             "lead_days": 14})
        if index % 4 == 0:
            fields["due_time"] = datetime.time(16, 0)
        duties.append(Duty(post=posts[index % len(posts)], text=f"重复职责 {index}", task_title=f"周期任务 {index}",
                           order=100 + index, **fields))
    return Duty.objects.bulk_create(duties, batch_size=1000)


def bench_recurrence(count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from roles.models import Duty
    from tasks import recurrence, services
    from tasks.models import Task

    print(f"\nThe recurrence job over {count:,} recurring duties:", flush=True)
    recurring_duties(count)
    duties = list(services.recurring_duties())
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    Task.objects.filter(duty__isnull=False).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tasks_task")

    started = time.perf_counter()
    asked = services.create_duty_tasks_between(start=first, end=last, duties=duties)
    job_seconds = time.perf_counter() - started
    filed = Task.objects.filter(duty__isnull=False).count()
    print(f"  a year of periods filed by create_duty_tasks_between: {asked:,} rows ({filed:,} in the table) in "
          f"{job_seconds:.2f} s", flush=True)

    started = time.perf_counter()
    again = services.create_duty_tasks_between(start=first, end=last, duties=duties)
    rerun_seconds = time.perf_counter() - started
    assert Task.objects.filter(duty__isnull=False).count() == filed, "a second run filed rows twice"
    print(f"  the same year again (every row already there, nothing inserted): {again:,} rows in "
          f"{rerun_seconds:.2f} s", flush=True)

    calendars = services._Calendars()
    now = timezone.now()
    rows = [services._duty_task(duty, period, now) for duty in duties
            for period in recurrence.periods_between(duty, first, last, calendars(duty.post.department))]
    Task.objects.filter(duty__isnull=False).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tasks_task")
    started = time.perf_counter()
    Task.objects.bulk_create(rows, batch_size=2000)
    bulk_seconds = time.perf_counter() - started
    print(f"  one bulk_create of the same {len(rows):,} rows: {bulk_seconds:.2f} s", flush=True)
    ratio = job_seconds / bulk_seconds
    print(f"  ratio job / bulk_create: {ratio:.2f}x  {harness.verdict(ratio, 3)}")

    Task.objects.filter(duty__isnull=False).delete()
    duties = Duty.objects.exclude(recurrence="").count()
    for label in (f"one run of the 15-minute job today ({duties:,} duties)", "and again at once"):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = services.create_recurring_tasks()
            run_seconds = time.perf_counter() - started
        print(f"  {label}: {result['created']:,} filed in {run_seconds * 1000:.0f} ms, "
              f"{len(captured.captured_queries)} queries")


def main(argv=None):
    args = parse_args(argv)
    config = configure_environment()
    with harness.bench_database(config):
        print("Building:", flush=True)
        team = build_shop()
        clients = harness.signed_in(team, MANAGER, MEMBER, LEADER)
        rounds, total = [], 0
        for seed, size in enumerate(args.sizes, start=11):
            total = add_tasks(size - total, seed=seed)
            rounds.append(measure_round(clients, total, requests=args.requests))
        print_summary(rounds)
        bench_recurrence(args.duties)


if __name__ == "__main__":
    main()
