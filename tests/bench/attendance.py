"""Benchmark of the attendance pages on PostgreSQL: a leader's full month sheet for a 50-person group.

Run:

    cd /work/main && .venv/bin/python -m tests.bench.attendance [--months 1,12] [--requests 20]

It needs a PostgreSQL server. SHOPTEAM_ATTENDANCE_BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/shopteam_attendance_bench) names a database that is dropped and created afresh for
the run and dropped again at the end, so its name must end in "_bench". SQLite is refused.

The shop is the playbook's, with the customer-service group grown to 50 people besides its leader. Last month is a
full month: every person has a record on most days (a late arrival, an early leave or a leave, two on some days:
about 1,000 records), written in bulk; the second round adds the eleven months before it (about 12,000 records in
all), so the sheet is timed with one month and with a year of history. Pages are served in-process by the Django
test Client with DEBUG off, every page once a round, in turn (tests/bench/harness.py): the leader's month sheet
(50 rows × 31 days), the shop manager's sheet of every group, and a member's own month; each is compared with the
same person's trivial signed-in page (password_change_done, navigation badges included), the target being within 3x
of it, and the same number of queries at every size. The sheet's Excel file (a streamed download, which the page
harness cannot size) is timed after each round beside the same trivial page.
"""
import argparse
import datetime
import os
import random

from tests.bench import harness
from tests.bench.harness import WARMUP

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shopteam_attendance_bench"
TARGET_RATIO = 3.0
GROUP = 50
MANAGER, MEMBER, LEADER = "manager", "kefu_a", "kefu_lead"
TRIVIAL = "trivial (password_change_done)"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.attendance", description=__doc__.splitlines()[0])
    parser.add_argument("--months", default="1,12", help="months of records at each round (default 1,12)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    args = parser.parse_args(argv)
    args.months = sorted({int(n) for n in args.months.split(",") if n.strip()})
    return args


def configure_environment():
    return harness.configure_environment(
        os.environ.get("SHOPTEAM_ATTENDANCE_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))


def last_month():
    from django.utils import timezone

    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def build_shop():
    """The schema, the playbook, the demo team, and 49 more agents (客服A) so the leader's group is 50 people."""
    from roles.models import Post
    from roles.services import sync_department_groups
    from tests.factories import AssignmentFactory, UserFactory

    team = harness.build_team()
    with harness.Stopwatch(f"{GROUP - 1} more customer-service agents ({GROUP} in the leader's group)"):
        agent = Post.objects.get(title="客服A")
        for index in range(GROUP - 1):
            AssignmentFactory(user=UserFactory(username=f"agent{index:02d}"), post=agent,
                              start=datetime.date(2020, 1, 1))
        sync_department_groups()
    return team


def add_months(first, count, *, leader, seed):
    """Records for `count` months ending with `first` (the newest), written in bulk as the service would write
    them: about 60% of a person's days have a record, one in ten of those a second kind."""
    from django.db import connection

    from attendance.models import Kind, Record
    from attendance.selectors import month_bounds
    from roles.selectors import members

    rng = random.Random(seed)
    kinds = list(Kind.objects.all())
    people = [p for p in members("customer-service") if p != leader]
    rows = []
    month = first
    for _ in range(count):
        start, end = month_bounds(month)
        day = start
        while day <= end:
            for person in people:
                if rng.random() < 0.6:
                    chosen = rng.sample(kinds, 2 if rng.random() < 0.1 else 1)
                    rows += [Record(person=person, day=day, kind=k, points=k.points, recorded_by=leader)
                             for k in chosen]
            day += datetime.timedelta(days=1)
        month = (start - datetime.timedelta(days=1)).replace(day=1)
    with harness.Stopwatch(f"{len(rows):,} records over {count} month(s)"):
        Record.objects.bulk_create(rows, batch_size=5000)
    with harness.Stopwatch("VACUUM ANALYZE"), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return Record.objects.count(), month


def pages():
    from django.urls import reverse

    month = f"?month={last_month():%Y-%m}"
    sheet = reverse("attendance:sheet") + month
    return [
        (LEADER, TRIVIAL, reverse("password_change_done")),
        (LEADER, "month sheet (50 people)", sheet),
        (MANAGER, TRIVIAL, reverse("password_change_done")),
        (MANAGER, "month sheet, every group", sheet),
        (MEMBER, TRIVIAL, reverse("password_change_done")),
        (MEMBER, "my month", reverse("attendance:mine") + month),
    ]


def measure_round(clients, total, *, requests):
    print(f"\nMeasuring with {total:,} records ({WARMUP} warm-up + {requests} timed requests per page, the pages in "
          "turn)", flush=True)
    measured = [((who, name), clients[who], url, False) for who, name, url in pages()]
    results = harness.measure_pages(measured, requests=requests, warmup=WARMUP)
    for (who, name), *_rest in measured:
        row = results[(who, name)] = {**results[(who, name)], "records": total}
        print(f"  {who:<9} {name}: median {row['median']:.1f} ms, {len(row['queries'])} queries, "
              f"{row['kb']:.0f} KB", flush=True)
    print(f"  {LEADER:<9} month sheet, Excel: " + excel_timing(clients[LEADER], requests=requests), flush=True)
    return results


def excel_timing(client, *, requests):
    """The Excel download's median next to the trivial page's, in turn, the file read to its end each time."""
    import statistics

    from django.urls import reverse

    def download():
        response = client.get(reverse("attendance:sheet") + f"?month={last_month():%Y-%m}&export=xlsx")
        assert response.status_code == 200, response.status_code
        return len(b"".join(response.streaming_content))

    seconds, results = harness.interleaved({"excel": download,
                                            "trivial": lambda: harness.fetch(client, reverse("password_change_done"))},
                                           rounds=requests, warmup=WARMUP)
    excel, trivial = statistics.median(seconds["excel"]), statistics.median(seconds["trivial"])
    return (f"median {excel * 1000:.1f} ms ({results['excel'] / 1024:.0f} KB), trivial {trivial * 1000:.1f} ms, "
            f"{excel / trivial:.1f}x")


def main(argv=None):
    args = parse_args(argv)
    config = configure_environment()
    with harness.bench_database(config):
        from django.test import Client

        print("Building:", flush=True)
        team = build_shop()
        clients = {}
        for who in (MANAGER, MEMBER, LEADER):
            clients[who] = Client()
            clients[who].force_login(team[who])
        rounds, done, month = [], 0, last_month()
        for seed, months in enumerate(args.months, start=11):
            total, month = add_months(month, months - done, leader=team[LEADER], seed=seed)
            done = months
            rounds.append(measure_round(clients, total, requests=args.requests))
        harness.print_summary(rounds, floor=TRIVIAL, target=TARGET_RATIO, noun="records")


if __name__ == "__main__":
    main()
