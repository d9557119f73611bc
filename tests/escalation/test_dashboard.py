"""The shop manager's dashboard: the right figures, each linked to its list, in constant queries."""
import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from escalation import selectors, services
from tests.escalation.conftest import SHANGHAI
from tests.escalation.factories import bulk_cases, raise_difficulty

pytestmark = pytest.mark.django_db


def test_waiting_overdue_and_per_department_figures(client, team, clock):
    waiting = raise_difficulty(team, "售后困难")  # straight to the manager
    late = raise_difficulty(team, "盘点不清")
    soon = raise_difficulty(team, "财务支出")
    clock.move_to(datetime.datetime(2026, 11, 23, 14, 45, tzinfo=SHANGHAI))
    late.deadline = datetime.datetime(2026, 11, 23, 14, 0, tzinfo=SHANGHAI)
    late.save(update_fields=["deadline"])
    figures = selectors.dashboard()
    assert [c.pk for c in figures["waiting"]] == [waiting.pk]
    assert [c.pk for c in figures["overdue"]] == [late.pk]
    assert soon.pk in [c.pk for c in figures["due_soon"]]
    per_department = {d.name: n for d, n in selectors.dashboard_statistics()["per_department"]}
    assert per_department["客服组"] == 1 and per_department["产品组"] == 1 and per_department["营销策划组"] == 1

    client.force_login(team["manager"])
    page = client.get(reverse("dashboard")).content.decode()
    assert f"#{waiting.pk} " in page
    assert "?with_manager=1" in page and "?overdue=1" in page and "<svg" in page
    listed = client.get(reverse("escalation:case_list"), {"overdue": "1"}).content.decode()
    assert f"#{late.pk} " in listed and f"#{waiting.pk} " not in listed


def test_time_to_resolve_and_playbook_health(team, clock):
    for minutes_later in (60, 120, 180):
        case = raise_difficulty(team, "客服忙碌")
        with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
                                 + datetime.timedelta(minutes=minutes_later), tick=False):
            services.resolve_case(case, by=team["marketing_lead"], resolution="帮忙接待了")
    for _ in range(3):
        case = raise_difficulty(team, "财务支出")
        case = services.pass_on(case, by=team["finance_lead"], reason="现金不够")
        services.resolve_case(case, by=team["manager"], resolution="店长批了")
    figures = selectors.dashboard_statistics()
    assert figures["resolved_count"] == 6
    # 60, 120 and 120 working minutes (13:00 is in the lunch break), and three cases passed on and
    # resolved in no working time at all.
    assert figures["resolve_median"] == pytest.approx(30)
    assert figures["resolve_mean"] == pytest.approx(50)
    rows = {row["difficulty"].name: row for row in figures["health"]["rows"]}
    busy = rows["客服忙碌"]
    assert busy["cases"] == 3 and busy["steps"][0]["share"] == 1 and busy["manager_share"] == 0
    assert busy["steps"][0]["median_minutes"] == pytest.approx(120)
    assert not busy["failing"]
    spend = rows["财务支出"]
    assert spend["steps"][1]["share"] == 1 and spend["manager_share"] == 1 and spend["failing"]


def test_the_manager_resolves_a_case_from_the_dashboard(client, team, clock):
    case = raise_difficulty(team, "售后困难")
    client.force_login(team["manager"])
    response = client.post(
        reverse("escalation:case_action", args=[case.pk, "resolve"]),
        {"note": "同意退款", "hop": case.hop, "next": "dashboard"},
    )
    assert response["Location"] == reverse("dashboard")
    case.refresh_from_db()
    assert case.status == "resolved" and case.resolution == "同意退款"


def test_admins_are_warned_from_november_when_next_year_is_not_entered(client, team, clock):
    from shopteam.workcalendar.models import CalendarYear
    from tests.factories import UserFactory

    CalendarYear.objects.create(year=2026, complete=True)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-warning="calendar"' in page and "2027" in page
    client.force_login(team["manager"])  # not an admin: nothing to do about it
    assert 'data-warning="calendar"' not in client.get(reverse("dashboard")).content.decode()


def test_dashboard_queries_do_not_grow_with_the_number_of_cases(client, team, clock):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = datetime.datetime(2025, 11, 23, tzinfo=SHANGHAI)
    bulk_cases(10, team=team, start=start)
    client.force_login(team["manager"])
    url = reverse("dashboard")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    bulk_cases(4990, team=team, start=start, seed=8)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url).status_code == 200
    assert len(cached) < len(many)  # the statistics come from the cache
    list_url = reverse("escalation:case_list")
    with CaptureQueriesContext(connection) as list_many:
        assert client.get(list_url).status_code == 200
    assert len(list_many) <= len(few)


def test_cached_statistics_follow_every_change_and_the_clock(client, team, clock, settings):
    client.force_login(team["manager"])
    url = reverse("dashboard")
    client.get(url)  # statistics cached with no case at all
    case = raise_difficulty(team, "售后困难")
    per_department = f'?department={case.department_id}&since=2026-11-01">'
    page = client.get(url).content.decode()
    assert f'data-case="{case.pk}"' in page
    assert per_department + "1</a>" in page  # a new case shows at once
    client.post(reverse("escalation:case_action", args=[case.pk, "resolve"]), {"note": "退款", "hop": case.hop})
    page = client.get(url).content.decode()
    assert "已解决 1 件事项" in page  # so does a resolution
    clock.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))  # a new month, nothing else changed
    page = client.get(url).content.decode()
    assert f'?department={case.department_id}&since=2026-12-01">0</a>' in page


def test_the_weekly_chart_loads_nothing_from_another_host_and_labels_the_top_bar(client, team, clock):
    for _n in range(3):
        raise_difficulty(team, "客服忙碌")
    client.force_login(team["manager"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "pygal-chart" in page and "github.io" not in page and "xlink:href=\"http" not in page
    chart = page[page.index("pygal-chart"):]
    labels = re.findall(r'class="axis y[^"]*".*?</g></g>', chart, re.S)
    assert labels, "no y axis"
    assert re.findall(r"<text[^>]*>(\d+)</text>", labels[0]) == ["0", "1", "2", "3"]


def test_a_dashboard_without_cases_says_so_instead_of_an_empty_chart(client, team):
    client.force_login(team["manager"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "这几周没有提出事项" in page and "pygal-chart" not in page
