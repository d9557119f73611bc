"""The dashboard is the site's page, made of the panels apps register; playbook health flags only what a
chain's design did not intend; the navigation badge costs the same at any history size."""
import datetime

import pytest
from django.urls import reverse

from escalation import selectors, services
from roles.models import Difficulty
from shopteam import dashboard
from tests.escalation.conftest import SHANGHAI
from tests.escalation.factories import bulk_cases, raise_difficulty

pytestmark = pytest.mark.django_db


def resolve_at_manager(team, name, times):
    for _ in range(times):
        case = raise_difficulty(team, name)
        while not case.at_last_step:
            case = services.pass_on(case, by=case.contacts.first(), reason="转交", hop=case.hop)
        services.resolve_case(case, by=team["manager"], resolution="店长处理", hop=case.hop)


def test_chains_that_go_straight_to_the_manager_are_not_flagged(team, clock):
    resolve_at_manager(team, "售后困难", 3)  # the playbook sends it to the shop manager directly
    resolve_at_manager(team, "财务支出", 3)  # finance first: reaching the manager every time is a failure
    rows = {row["difficulty"].name: row for row in selectors.playbook_health()["rows"]}
    assert rows["售后困难"]["manager_share"] == 1 and rows["售后困难"]["by_design"]
    assert not rows["售后困难"]["failing"]
    assert rows["财务支出"]["failing"]


def test_the_health_panel_says_which_chains_go_to_the_manager_by_design(client, team, clock):
    client.force_login(team["manager"])
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    collect = Difficulty.objects.get(name="收集困难")
    row = page.split(f'data-difficulty="{collect.code}"')[1].split('role="row"')[0]
    assert "by design" in row


def test_the_dashboard_is_made_of_every_registered_panel(client, team, clock, monkeypatch):
    monkeypatch.setattr(dashboard, "_panels", dict(dashboard._panels))
    dashboard.register_panel(
        "test_panel", title="test", template="workcalendar/_panel_warning.html",
        context=lambda request, now: {"warning": "来自另一个应用的面板"}, order=5,
    )
    client.force_login(team["manager"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "来自另一个应用的面板" in page
    assert 'data-panel="cases"' in page and 'data-panel="case_statistics"' in page


def test_a_panel_is_shown_only_to_whom_it_is_for(client, team, clock, monkeypatch):
    monkeypatch.setattr(dashboard, "_panels", dict(dashboard._panels))
    dashboard.register_panel(
        "admins_only", title="test", template="workcalendar/_panel_warning.html",
        context=lambda request, now: {"warning": "只给管理员"}, visible=lambda user: user.is_superuser,
    )
    client.force_login(team["manager"])
    assert "只给管理员" not in client.get(reverse("dashboard")).content.decode()


def test_the_dashboard_is_the_shop_managers_alone(client, team, clock):
    for username, status in (("manager", 200), ("kefu_lead", 403), ("finance_lead", 403)):
        client.force_login(team[username])
        assert client.get(reverse("dashboard")).status_code == status
    assert client.get(reverse("escalation:dashboard"))["Location"] == reverse("dashboard")


def test_the_cases_badge_is_capped_so_it_costs_the_same_at_any_size(team, clock, django_assert_num_queries):
    start = datetime.datetime(2026, 1, 1, tzinfo=SHANGHAI)
    bulk_cases(2000, team=team, start=start, days=300)
    manager = team["manager"]
    waiting = selectors.count_waiting_for(manager)
    assert waiting == selectors.BADGE_CAP + 1  # "99+": it stops counting there
    with django_assert_num_queries(1):
        selectors.count_waiting_for(manager)


def test_the_badge_shows_99_plus(client, team, clock):
    bulk_cases(2000, team=team, start=datetime.datetime(2026, 1, 1, tzinfo=SHANGHAI), days=300)
    client.force_login(team["manager"])
    page = client.get(reverse("roles:org_chart")).content.decode()
    assert 'data-count="cases">99+<' in page
