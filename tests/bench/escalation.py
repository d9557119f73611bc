"""Benchmark of the escalation pages on PostgreSQL: time and queries per page, per role, at 1,000 and 50,000 cases.

Run:

    cd /work/main && .venv/bin/python -m tests.bench.escalation [--sizes 1000,50000] [--requests 20]

(`--cases N` is short for `--sizes 1000,N`; SHOPTEAM_BENCH_SIZES sets the default sizes.) It needs a PostgreSQL
server. DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/shopteam_bench; the database it names is
dropped and created afresh for the run and dropped again at the end, so its name must end in "_bench" (a safety
catch: no other database is ever touched). SQLite is refused.

The cases are written in bulk, each with the rows raise_case would have left: the reporter's view permission,
the view permission of everyone it was sent to (guardian's direct foreign-key rows), the "raised" and "sent
to" events a group leader's list looks for, and contacts for the open ones. 客服A, an ordinary member, raised
200 of the first round's cases and none later, so what she can see stays the same as the shop's history grows.

Pages are served in-process by the Django test Client with DEBUG off (as in production; query capture uses
CaptureQueriesContext), signed in as the shop manager (who sees every case), as 客服A (an ordinary member: her
object permissions) and as the customer-service leader (his group's cases too). Each page gets 3 warm-up
requests, then N rounds that time every page once, in turn, so the machine's other work falls on a page and its
floor alike (median and p95 of the rounds), and one more request whose queries are counted (tests/bench/harness.py).
The
target: every list within 3x the same person's trivial signed-in page; the same number of queries at any
number of cases; and a trivial page (its navigation badges included) that costs the same at any number of
cases. A page may grow with what its reader can see (the manager sees every case; the customer-service leader's
group is in more than half of them, and his list counts them all for its pages), never with what they cannot:
客服A's pages must not move. The run prints the plans that show why: the cases badge, and 客服A's case list
read through the index of her permission rows.
"""
import argparse
import os
import time
from datetime import timedelta

from tests.bench import harness
from tests.bench.harness import WARMUP

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shopteam_bench"
DEFAULT_SIZES = "1000,50000"
TARGET_RATIO = 3.0
FLOOR_DRIFT = 1.5  # the trivial page is "constant" if it is within this factor at every size (timing noise)
SLOWEST_SHOWN = 6
EXPLAINED = 2
MANAGER, MEMBER, LEADER = "manager", "kefu_a", "kefu_lead"
MEMBER_POST = "客服A"
MEMBER_CASES = 200
TRIVIAL = "trivial (password_change_done)"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.escalation", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=os.environ.get("SHOPTEAM_BENCH_SIZES", DEFAULT_SIZES),
        help=f"total cases at each round, comma-separated, growing (default {DEFAULT_SIZES}; env "
             "SHOPTEAM_BENCH_SIZES)",
    )
    parser.add_argument("--cases", type=int, help="shorthand for --sizes 1000,CASES")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    args = parser.parse_args(argv)
    if args.cases:
        args.sizes = f"{min(1000, args.cases)},{args.cases}"
    sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()})
    if not sizes or sizes[0] < MEMBER_CASES * 5:
        parser.error(f"the first size must be at least {MEMBER_CASES * 5} (客服A raises {MEMBER_CASES} cases in it)")
    args.sizes = sizes
    return args


def configure_environment():
    return harness.configure_environment(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))


def build_shop():
    """The schema, the playbook, the demo team and the working calendar: everything but the cases."""
    return harness.build_team(calendar=True)


def add_cases(count, *, team, seed, member_cases=0):
    """`count` more cases over the last year, as bulk_cases leaves them (contacts and handlers included), with
    the rows the services would have written (give_rows_raise_case_gives); `member_cases` of them raised by
    客服A from her post."""
    from django.db import connection
    from django.utils import timezone

    from escalation.models import Case
    from tests.escalation.factories import bulk_cases

    with harness.Stopwatch(f"{count:,} cases and their events"):
        cases = bulk_cases(count, team=team, start=timezone.now() - timedelta(days=365), seed=seed)
    with harness.Stopwatch("their permissions and the events a leader's list looks for"):
        give_rows_raise_case_gives(cases, team=team, member_cases=member_cases)
    # VACUUM too, not only ANALYZE: bulk_cases rewrites every row to spread created_at, leaving the table half
    # dead tuples and the visibility map empty, which autovacuum would have cleared in a live shop.
    with harness.Stopwatch("VACUUM ANALYZE"), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return Case.objects.count()


def give_rows_raise_case_gives(cases, *, team, member_cases):
    """What raise_case and routing write besides the case (escalation/services.py: _raise_case, _route,
    _hand_to): the reporter's view permission; for every step the case reached, a "sent to" event naming the
    step's post and a view permission for its holder; and the "raised" event. The first `member_cases`
    cases of the customer-service group are 客服A's (reported from her post), so she sees exactly those."""
    from django.contrib.auth.models import Permission

    from escalation.models import Case, CaseEvent, CaseUserObjectPermission
    from roles.models import Post

    posts = {post.pk: post for post in Post.objects.all()}
    member, member_post = team[MEMBER], next(p for p in posts.values() if p.title == MEMBER_POST)
    theirs = [c for c in cases if c.post_id and posts[c.post_id].department_id == member_post.department_id]
    for case in theirs[:member_cases]:
        case.reporter, case.post = member, member_post
    Case.objects.bulk_update(theirs[:member_cases], ["reporter", "post"], batch_size=2000)

    view = Permission.objects.get(codename="view_case", content_type__app_label="escalation")
    permissions, events = [], []
    for case in cases:
        allowed = {case.reporter_id}
        events.append(CaseEvent(case=case, kind=CaseEvent.Kind.RAISED, actor=case.reporter, from_post=case.post,
                                note=case.description))
        for index, entry in enumerate(case.chain[: case.step + 1]):
            post = posts[entry["post"]]
            holder = team.holder(post.title)
            allowed.add(holder.pk)
            events.append(CaseEvent(case=case, kind=CaseEvent.Kind.ROUTED, to_post=post, step=index,
                                    to_people=holder.first_name))
        permissions += [
            CaseUserObjectPermission(user_id=user_id, permission=view, content_object=case) for user_id in allowed
        ]
    CaseUserObjectPermission.objects.bulk_create(permissions, batch_size=5000)
    CaseEvent.objects.bulk_create(events, batch_size=5000)


def pages(detail_cases):
    """(who, page, url, empty the cache before each request) in the order measured; each person's trivial
    page first, the floor their other pages are compared with. The dashboard is measured both with its
    statistics cached and recomputing them, as it does after any change to a case."""
    from django.urls import reverse

    case_list = reverse("escalation:case_list")
    dashboard = reverse("dashboard")
    trivial = reverse("password_change_done")

    def detail(who):
        return reverse("escalation:case_detail", args=[detail_cases[who].pk])

    return [
        (MANAGER, TRIVIAL, trivial, False),
        (MANAGER, "dashboard (statistics cached)", dashboard, False),
        (MANAGER, "dashboard (statistics recomputed)", dashboard, True),
        (MANAGER, "case list: all, page 1", case_list, False),
        (MANAGER, "case list: ?box=mine", case_list + "?box=mine", False),
        (MANAGER, "case list: ?overdue=1", case_list + "?overdue=1", False),
        (MANAGER, "case detail", detail(MANAGER), False),
        (MEMBER, TRIVIAL, trivial, False),
        (MEMBER, "case list: all, page 1", case_list, False),
        (MEMBER, "case list: ?box=mine", case_list + "?box=mine", False),
        (MEMBER, "case detail", detail(MEMBER), False),
        (LEADER, TRIVIAL, trivial, False),
        (LEADER, "case list: all, page 1", case_list, False),
        (LEADER, "case list: ?box=mine", case_list + "?box=mine", False),
        (LEADER, "case detail", detail(LEADER), False),
    ]


def choose_detail_cases(team):
    """One case per person, the same in every round: for the manager one that went through a few steps (its
    page has a history), for 客服A one she raised, for her leader one the product group sent to him (盘点不清's
    first contact is the customer-service leader)."""
    from escalation.models import Case

    manager_case = Case.objects.filter(step__gte=2).order_by("pk").first() or Case.objects.order_by("pk").first()
    member_case = Case.objects.filter(reporter=team[MEMBER]).order_by("pk").first()
    leader_case = Case.objects.filter(difficulty__name="盘点不清").order_by("pk").first()
    return {MANAGER: manager_case, MEMBER: member_case, LEADER: leader_case}


def measure_round(clients, team, cases, detail_cases, *, requests):
    from escalation import selectors

    print(f"\nMeasuring with {cases:,} cases ({WARMUP} warm-up + {requests} timed requests per page, the pages in "
          "turn)", flush=True)
    visible = {who: selectors.visible_cases(team[who]).count() for who in clients}
    print("  cases each person can see: " + ", ".join(f"{who} {n:,}" for who, n in visible.items()))
    pages_measured = [((who, name), clients[who], url, cold) for who, name, url, cold in pages(detail_cases)]
    results = harness.measure_pages(pages_measured, requests=requests, warmup=WARMUP)
    for (who, name), _client, url, _cold in pages_measured:
        row = results[(who, name)] = {"url": url, "cases": cases, "rows": visible[who], **results[(who, name)]}
        print(f"  {who:<9} {name}: median {row['median']:.1f} ms", flush=True)
    return results


def ratio(results, key):
    return harness.floor_ratio(results, key, TRIVIAL)


def print_table(rounds):
    header = (f"{'who':<9} {'view':<34} {'cases':>7} {'visible':>7} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
              f"{'KB':>5} {'ratio':>6}  verdict")
    print("\n" + header)
    print("-" * len(header))
    for results in rounds:
        for key, row in results.items():
            who, name = key
            verdict = f"{who}'s floor" if name == TRIVIAL else harness.verdict(ratio(results, key), TARGET_RATIO)
            visible = f"{row['rows']:,}"
            print(
                f"{who:<9} {name:<34} {row['cases']:>7,} {visible:>7} {row['median']:>10.1f} {row['p95']:>8.1f} "
                f"{len(row['queries']):>8} {row['kb']:>5.0f} {ratio(results, key):>5.1f}x  {verdict}"
            )
        print("-" * len(header))


def print_floor(rounds):
    """The trivial page must cost the same at any history size: its navigation badges are capped."""
    print("\nThe floor (trivial page, navigation badges included) across sizes:")
    for who in (MANAGER, MEMBER, LEADER):
        rows = [results[(who, TRIVIAL)] for results in rounds]
        times = " -> ".join(f"{row['median']:.1f} ms ({row['cases']:,})" for row in rows)
        drift = max(row["median"] for row in rows) / min(row["median"] for row in rows)
        queries = {len(row["queries"]) for row in rows}
        verdict = "constant" if drift <= FLOOR_DRIFT and len(queries) == 1 else "MOVES with the number of cases"
        print(f"  {who:<9} {times}; {'/'.join(map(str, sorted(queries)))} queries; x{drift:.2f}  {verdict}")
    last = rounds[-1]
    print(f"  its queries for the {MANAGER} at {last[(MANAGER, TRIVIAL)]['cases']:,} cases:")
    for query in last[(MANAGER, TRIVIAL)]["queries"]:
        print(f"    {float(query['time']) * 1000:6.2f} ms  {' '.join(query['sql'].split())[:200]}")
    for who in (MANAGER, MEMBER, LEADER):
        for query in last[(who, TRIVIAL)]["queries"]:
            if "escalation_case_contacts" in query["sql"]:  # the cases badge: capped, so bounded at any size
                plan = harness.explain(query["sql"])
                print(f"  EXPLAIN ANALYZE of the cases badge for {who}:")
                for line in plan:
                    if not line.lstrip().startswith(("Buffers", "Planning:")):
                        print("    " + line)


def print_slowest(results, key):
    queries = sorted(results[key]["queries"], key=lambda q: float(q["time"]), reverse=True)
    total = sum(float(q["time"]) for q in queries) * 1000
    print(f"\nSlowest SQL of one {key[0]} {key[1]} request ({len(queries)} queries, {total:.1f} ms in SQL of "
          f"{results[key]['median']:.1f} ms median):")
    harness.print_slowest(queries, count=SLOWEST_SHOWN, width=300)
    for rank, query in enumerate(queries[:EXPLAINED], start=1):
        print(f"\nEXPLAIN ANALYZE of slowest query #{rank}:")
        print("  " + " ".join(query["sql"].split()))
        for line in harness.explain(query["sql"]):
            print("    " + line)


def print_member_plan(results):
    """The ordinary member's case list must be found through her permission rows (an index on the direct
    foreign-key table), not by reading every case of the shop."""
    key = (MEMBER, "case list: all, page 1")
    row = results[key]
    permitted = [q["sql"] for q in row["queries"] if "escalation_caseuserobjectpermission" in q["sql"]]
    print(f"\nEXPLAIN (ANALYZE) of {MEMBER}'s case list at {row['cases']:,} cases ({row['rows']:,} visible): "
          f"{len(permitted)} queries read her permissions")
    for sql in permitted:
        plan = harness.explain(sql)
        print("  " + " ".join(sql.split()))
        for line in plan:
            print("    " + line)
        text = "\n".join(plan)
        seq_cases = "Seq Scan on escalation_case " in text + " "
        seq_permissions = "Seq Scan on escalation_caseuserobjectpermission" in text
        index = "escalation_caseuserobjectpermission" in text and "Index" in text and not seq_permissions
        print(f"  -> permissions by index: {'yes' if index else 'NO'}; "
              f"sequential scan of every case: {'YES' if seq_cases else 'no'}")


def main(argv=None):
    args = parse_args(argv)
    config = configure_environment()
    with harness.bench_database(config):
        print("Building:", flush=True)
        started = time.perf_counter()
        team = build_shop()
        clients = harness.signed_in(team, MANAGER, MEMBER, LEADER)
        rounds, total, detail_cases = [], 0, None
        for seed, size in enumerate(args.sizes, start=7):
            if rounds:
                print("\nBuilding:", flush=True)
                started = time.perf_counter()
            total = add_cases(size - total, team=team, seed=seed, member_cases=0 if rounds else MEMBER_CASES)
            detail_cases = detail_cases or choose_detail_cases(team)
            print(f"Built in {time.perf_counter() - started:.1f} s", flush=True)
            rounds.append(measure_round(clients, team, total, detail_cases, requests=args.requests))
        print_table(rounds)
        harness.print_summary(rounds, floor=TRIVIAL, target=TARGET_RATIO, noun="cases")
        print_floor(rounds)
        print_member_plan(rounds[-1])
        print_slowest(rounds[-1], (MANAGER, "dashboard (statistics recomputed)"))


if __name__ == "__main__":
    main()
