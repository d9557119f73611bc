"""Recording attendance as document 002 scores it: a leader records for their group, the shop manager for
everyone; bad input is refused and changes nothing; a record is corrected (old values kept) or voided, never
deleted."""
import datetime

import pytest

from attendance import rules, services
from attendance.models import Correction, Kind, Record
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from tests.attendance.conftest import TODAY
from tests.attendance.factories import kind, record
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db
YESTERDAY = TODAY - datetime.timedelta(days=1)


def refused(match, **kwargs):
    before = (Record.objects.count(), Correction.objects.count(), Notification.objects.count())
    with pytest.raises(ServiceError, match=match):
        services.record_attendance(**kwargs)
    assert (Record.objects.count(), Correction.objects.count(), Notification.objects.count()) == before


def test_the_customer_service_leader_records_a_late_arrival_worth_minus_two(team, clock):
    made = record(team["kefu_lead"], team["kefu_a"], YESTERDAY, "late", note="早班迟到 15 分钟")
    assert (made.person, made.day, made.kind.code, made.points) == (team["kefu_a"], YESTERDAY, "late", -2)
    assert made.recorded_by == team["kefu_lead"] and made.history.count() == 1
    told = Notification.objects.get(recipient=team["kefu_a"], event="attendance.recorded")
    assert "迟到" in told.title and "-2" in told.title and told.url == made.get_absolute_url()


def test_an_approved_leave_costs_one_point_and_a_late_and_an_early_leave_the_same_day_both_count(team, clock):
    assert record(team["kefu_lead"], team["kefu_a"], YESTERDAY, "leave").points == -1
    record(team["kefu_lead"], team["kefu_a"], TODAY, "late")
    record(team["kefu_lead"], team["kefu_a"], TODAY, "early")
    assert Record.objects.filter(person=team["kefu_a"], day=TODAY).count() == 2


def test_the_shop_manager_records_for_anyone_even_a_leader(team, clock):
    for username in ("kefu_lead", "photo_a", "marketing_lead"):
        assert record(team["manager"], team[username], YESTERDAY, "late").points == -2


def test_a_day_in_the_future_is_refused(team, clock):
    refused("in the future", by=team["kefu_lead"], person=team["kefu_a"], day=TODAY + datetime.timedelta(days=1),
            kind=kind("leave"))


@pytest.mark.parametrize(("leader", "person"), [("kefu_lead", "photo_a"), ("visual_lead", "kefu_a"),
                                                 ("kefu_a", "kefu_lead"), ("finance_lead", "kefu_a")])
def test_a_person_not_in_the_leaders_group_is_refused(team, clock, leader, person):
    refused("not in a group you lead", by=team[leader], person=team[person], day=YESTERDAY, kind=kind("late"))


def test_nobody_records_their_own_attendance(team, clock):
    refused("recorded by your leader", by=team["kefu_lead"], person=team["kefu_lead"], day=YESTERDAY,
            kind=kind("late"))
    refused("recorded by your leader", by=team["manager"], person=team["manager"], day=YESTERDAY, kind=kind("late"))


def test_the_same_kind_twice_for_the_same_person_and_day_is_refused(team, clock):
    record(team["kefu_lead"], team["kefu_a"], YESTERDAY, "late")
    refused("already has Late arrival on 2026-12-06 \\(recorded by 李客服\\)", by=team["manager"],
            person=team["kefu_a"], day=YESTERDAY, kind=kind("late"))


def test_every_problem_is_named_at_once(team, clock):
    with pytest.raises(ServiceError) as error:
        services.record_attendance(by=team["kefu_lead"], person=team["kefu_a"], day=None, kind=None, note="长" * 201)
    assert len(error.value.messages) == 3
    assert not Record.objects.exists()


def test_a_kind_out_of_use_is_refused_and_a_changed_point_value_applies_to_new_records_only(team, clock):
    old = record(team["kefu_lead"], team["kefu_a"], YESTERDAY, "late")
    Kind.objects.filter(code="late").update(points=-3)
    assert record(team["kefu_lead"], team["kefu_a"], TODAY, "late").points == -3
    old.refresh_from_db()
    assert old.points == -2
    Kind.objects.filter(code="early").update(active=False)
    refused("no longer in use", by=team["kefu_lead"], person=team["kefu_a"], day=TODAY, kind=kind("early"))


# -- corrections and voids -----------------------------------------------------------------------------------


def test_a_correction_keeps_the_old_values_and_the_reason(team, clock):
    made = record(team["kefu_lead"], team["kefu_a"], YESTERDAY, "late", note="迟到")
    services.correct_record(made, by=team["kefu_lead"], kind=kind("leave"), note="其实请过假",
                            reason="查了请假单")
    made.refresh_from_db()
    assert (made.kind.code, made.points, made.note) == ("leave", -1, "其实请过假")
    correction = made.corrections.get()
    assert (correction.old_kind.code, correction.old_points, correction.old_note, correction.reason) == (
        "late", -2, "迟到", "查了请假单")
    assert correction.by == team["kefu_lead"] and made.history.count() == 2
    assert made.history.first().history_change_reason == "查了请假单"
    assert Notification.objects.filter(recipient=team["kefu_a"], event="attendance.corrected").count() == 1


def test_the_recorders_leader_corrects_and_another_leader_or_the_person_cannot(team, clock):
    made = record(team["kefu_lead"], team["kefu_a"], YESTERDAY, "late")
    assert rules.allowed_actions(made, team["manager"]) == {"correct", "void"}
    for username in ("kefu_a", "visual_lead", "photo_a", "finance_lead"):
        assert rules.allowed_actions(made, team[username]) == frozenset()
        with pytest.raises(ServiceError, match="Only who recorded it"):
            services.correct_record(made, by=team[username], day=TODAY, reason="改")
    services.correct_record(made, by=team["manager"], day=TODAY, reason="日期记错了")
    made.refresh_from_db()
    assert made.day == TODAY and made.corrections.get().old_day == YESTERDAY


def test_a_leaders_record_made_by_the_recorders_leader_in_the_group(team, clock):
    """A leader's record of a member is corrected by that leader; a member's leader leads the recorder too when
    the member recorded nothing (members never record), so the shop manager is the leader above a leader."""
    made = record(team["manager"], team["kefu_lead"], YESTERDAY, "leave")
    assert rules.allowed_actions(made, team["kefu_lead"]) == frozenset()  # their own record
    assert rules.allowed_actions(made, team["manager"]) == {"correct", "void"}


@pytest.mark.parametrize(("changes", "match"), [
    ({"reason": ""}, "Say why"),
    ({"reason": "没改", "day": YESTERDAY}, "Nothing was changed"),
    ({"reason": "改到明天", "day": TODAY + datetime.timedelta(days=1)}, "in the future"),
    ({"reason": "改成早退", "kind": "early"}, "already has Early leave"),
])
def test_a_bad_correction_is_refused_and_changes_nothing(team, clock, changes, match):
    made = record(team["kefu_lead"], team["kefu_a"], YESTERDAY, "late")
    record(team["kefu_lead"], team["kefu_a"], YESTERDAY, "early")
    if "kind" in changes:
        changes = {**changes, "kind": kind(changes["kind"])}
    with pytest.raises(ServiceError, match=match):
        services.correct_record(made, by=team["kefu_lead"], **changes)
    made.refresh_from_db()
    assert (made.day, made.kind.code, made.points) == (YESTERDAY, "late", -2) and not Correction.objects.exists()


def test_a_voided_record_stays_counts_no_more_and_the_day_can_be_recorded_again(team, clock):
    made = record(team["kefu_lead"], team["kefu_a"], YESTERDAY, "late")
    with pytest.raises(ServiceError, match="Say why"):
        services.void_record(made, by=team["kefu_lead"], reason=" ")
    services.void_record(made, by=team["kefu_lead"], reason="记错人了")
    made.refresh_from_db()
    assert made.is_void and made.voided_by == team["kefu_lead"] and made.void_reason == "记错人了"
    with pytest.raises(ServiceError, match="voided"):
        services.void_record(made, by=team["kefu_lead"], reason="再作废")
    with pytest.raises(ServiceError, match="voided"):
        services.correct_record(made, by=team["kefu_lead"], day=TODAY, reason="改")
    assert record(team["kefu_lead"], team["kefu_a"], YESTERDAY, "late").points == -2
    assert Record.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_leaders_recording_the_same_day_at_once_make_one_record(team):
    from attendance.services import ensure_kinds

    ensure_kinds()
    late = kind("late")
    outcomes = run_at_once(*[
        lambda by=by: services.record_attendance(by=by, person=team["kefu_a"], day=YESTERDAY, kind=late)
        for by in (team["kefu_lead"], team["manager"], team["kefu_lead"])])
    assert sum(isinstance(o, Record) for o in outcomes) == 1
    assert all("already has" in str(o) for o in outcomes if not isinstance(o, Record))
    assert Record.objects.count() == 1
