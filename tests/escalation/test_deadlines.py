"""Deadlines in working time: a warning before, and the case moving on by itself once it passes."""
import datetime

import pytest

from escalation import services
from escalation.models import Case, CaseEvent
from tests.escalation.conftest import SHANGHAI
from tests.escalation.factories import raise_difficulty
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def test_deadline_is_counted_in_working_time_over_the_weekend(team, clock):
    clock.move_to(at(27, 16, 0))  # Friday 16:00: 120 minutes left today, the rest on Monday
    case = raise_difficulty(team, "客服忙碌")
    assert case.deadline == datetime.datetime(2026, 11, 30, 11, 0, tzinfo=SHANGHAI)


def test_the_contacts_are_warned_once_before_the_deadline(team, clock):
    case = raise_difficulty(team, "客服忙碌")  # deadline 15:30
    clock.move_to(at(23, 14, 0))
    assert services.warn_before_deadlines() == []
    clock.move_to(at(23, 14, 45))
    assert [c.pk for c in services.warn_before_deadlines()] == [case.pk]
    assert services.warn_before_deadlines() == []
    assert case.events.filter(kind=CaseEvent.Kind.WARNED).count() == 1


def test_a_passed_deadline_moves_the_case_on_once_and_names_the_deadline(team, clock):
    case = raise_difficulty(team, "盘点不清")  # customer-service rota: deadline 15:00
    clock.move_to(at(23, 14, 59))
    assert services.move_on_overdue_cases() == []
    clock.move_to(at(23, 15, 0))
    moved = services.move_on_overdue_cases()
    assert [c.pk for c in moved] == [case.pk]
    assert services.move_on_overdue_cases() == []
    case.refresh_from_db()
    assert case.current_post.title == "营销策划组组长"
    breach = case.events.get(kind=CaseEvent.Kind.DEADLINE_PASSED)
    assert "2026-11-23 15:00" in breach.note and "Customer-service leader" in breach.note
    assert breach.actor is None and breach.working_minutes == 240


def test_at_the_shop_manager_a_passed_deadline_is_written_once_and_the_case_stays(team, clock):
    case = raise_difficulty(team, "售后困难")
    clock.move_to(at(24, 9, 30))
    services.move_on_overdue_cases()
    services.move_on_overdue_cases()
    case.refresh_from_db()
    assert case.current_post.title == "店长" and case.is_open
    assert case.events.filter(kind=CaseEvent.Kind.DEADLINE_PASSED).count() == 1


def test_a_new_warning_for_each_step(team, clock):
    case = raise_difficulty(team, "盘点不清")  # customer-service rota: deadline 15:00
    clock.move_to(at(23, 14, 30))
    services.warn_before_deadlines()
    clock.move_to(at(23, 15, 1))
    services.move_on_overdue_cases()
    # At marketing, office hours: next deadline Tuesday 10:01 (179 minutes on Monday, 61 on Tuesday).
    clock.move_to(at(24, 9, 30))
    services.warn_before_deadlines()
    assert case.events.filter(kind=CaseEvent.Kind.WARNED).count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_the_deadline_job_run_concurrently_moves_a_case_one_step(team, clock):
    case = raise_difficulty(team, "盘点不清")
    clock.move_to(at(23, 15, 31))
    outcomes = run_at_once(*[services.move_on_overdue_cases] * 4)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    case.refresh_from_db()
    assert case.current_post.title == "营销策划组组长"
    assert case.events.filter(kind=CaseEvent.Kind.DEADLINE_PASSED).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_handlers_passing_on_at_once_move_the_case_one_step(team, clock):
    from roles.models import Post
    from tests.factories import AssignmentFactory

    second = AssignmentFactory(post=Post.objects.get(title="客服组组长")).user
    case = raise_difficulty(team, "盘点不清")
    hop = case.hop

    def pass_on_as(user):
        return lambda: services.pass_on(Case.objects.get(pk=case.pk), by=user, reason="忙不过来", hop=hop)

    outcomes = run_at_once(pass_on_as(team["kefu_lead"]), pass_on_as(second))
    outcomes = sorted("refused" if isinstance(o, services.ServiceError) else "moved" for o in outcomes)
    assert outcomes == ["moved", "refused"]
    case.refresh_from_db()
    assert case.current_post.title == "营销策划组组长"
    assert case.events.filter(kind=CaseEvent.Kind.PASSED_ON).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_the_warning_job_run_concurrently_warns_once(team, clock):
    case = raise_difficulty(team, "盘点不清")
    clock.move_to(at(23, 14, 30))
    outcomes = run_at_once(*[services.warn_before_deadlines] * 4)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert case.events.filter(kind=CaseEvent.Kind.WARNED).count() == 1


def test_each_warned_contact_is_told_about_their_own_case(team, clock, django_capture_on_commit_callbacks):
    from shopteam.notifications.models import Notification

    stocktake = raise_difficulty(team, "盘点不清")  # to the customer-service leader
    spending = raise_difficulty(team, "财务支出")  # to the finance leader
    clock.move_to(at(23, 14, 40))  # 20 minutes before the rota's 15:00, 50 before the office's 15:30
    with django_capture_on_commit_callbacks(execute=True):
        services.warn_before_deadlines()
    for user, case in ((team["kefu_lead"], stocktake), (team["finance_lead"], spending)):
        warning = Notification.objects.get(recipient=user, event="case.deadline_near")
        assert warning.url == case.get_absolute_url() and f"#{case.pk}" in warning.title
        assert "期限" in warning.title  # written in the shop's language, whoever triggered it
