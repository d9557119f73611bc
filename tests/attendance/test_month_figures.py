"""The figures the next issue (pay and assessment) reads: points_for(user, month) and month_summary(month), checked
against sums written out by hand, and costing the same queries for 5 people as for 60."""
import datetime

import pytest

from attendance import selectors, services
from tests.attendance.conftest import TODAY
from tests.attendance.factories import group_members, record
from tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db
DEC, NOV = datetime.date(2026, 12, 1), datetime.date(2026, 11, 1)


@pytest.fixture
def november_and_december(team, clock):
    lead, agent = team["kefu_lead"], team["kefu_a"]
    record(lead, agent, datetime.date(2026, 11, 30), "late")
    record(lead, agent, datetime.date(2026, 12, 1), "late")
    record(lead, agent, datetime.date(2026, 12, 1), "early")
    record(lead, agent, datetime.date(2026, 12, 3), "leave")
    voided = record(lead, agent, datetime.date(2026, 12, 4), "late")
    services.void_record(voided, by=lead, reason="记错")
    record(team["manager"], lead, datetime.date(2026, 12, 2), "leave")


def test_points_for_a_month_add_up_the_live_records_only(team, november_and_december):
    assert selectors.points_for(team["kefu_a"], DEC) == -2 - 2 - 1
    assert selectors.points_for(team["kefu_a"], datetime.date(2026, 12, 31)) == -5  # any day names its month
    assert selectors.points_for(team["kefu_a"], NOV) == -2
    assert selectors.points_for(team["kefu_lead"], DEC) == -1
    assert selectors.points_for(team["photo_a"], DEC) == 0


def test_the_month_summary_names_everyone_who_held_a_post_with_zeros_for_a_clean_month(team, november_and_december):
    summary = selectors.month_summary(DEC)
    assert summary[team["kefu_a"].pk] == {"late_or_early": 2, "leave": 1, "points": -5}
    assert summary[team["kefu_lead"].pk] == {"late_or_early": 0, "leave": 1, "points": -1}
    assert summary[team["photo_a"].pk] == {"late_or_early": 0, "leave": 0, "points": 0}
    assert set(summary) == {user.pk for user in team.values()}
    assert selectors.month_summary(NOV)[team["kefu_a"].pk] == {"late_or_early": 1, "leave": 0, "points": -2}
    for user_id, figures in summary.items():
        assert figures["points"] == selectors.points_for(team_by_pk(team)[user_id], DEC)


def team_by_pk(team):
    return {user.pk: user for user in team.values()}


def test_someone_who_left_before_the_month_is_not_in_it(team, clock):
    gone = AssignmentFactory(post=team.posts["客服A"], start=datetime.date(2026, 1, 1),
                             end=datetime.date(2026, 10, 31)).user
    assert gone.pk in selectors.month_summary(datetime.date(2026, 10, 1))
    assert gone.pk not in selectors.month_summary(DEC)


@pytest.mark.parametrize("size", [5, 60])
def test_the_summary_and_points_cost_the_same_queries_at_any_size(team, clock, size,
                                                                   django_assert_max_num_queries):
    people = group_members(team.posts["客服A"], size)
    for index, person in enumerate(people):
        record(team["kefu_lead"], person, TODAY - datetime.timedelta(days=index % 6), "late")
        if index % 2:
            record(team["kefu_lead"], person, TODAY - datetime.timedelta(days=index % 5), "leave")
    with django_assert_max_num_queries(2):
        summary = selectors.month_summary(DEC)
    assert sum(f["points"] for f in summary.values()) == -2 * size - (size // 2)
    with django_assert_max_num_queries(1):
        assert selectors.points_for(people[1], DEC) == -3
