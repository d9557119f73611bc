"""What people are told as a case moves, and that the telling is written with the change or not at all."""
from unittest.mock import patch

import pytest

from escalation import services
from escalation.models import Case
from shopteam.notifications.models import Delivery, Notification
from tests.escalation.conftest import SHANGHAI
from tests.escalation.factories import raise_difficulty

pytestmark = pytest.mark.django_db


def latest(user, event):
    return Notification.objects.filter(recipient=user, event=event).latest("pk")


def test_passing_on_says_who_passed_it_and_why(team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"], description="晚上八点咨询排队三十人")
    services.pass_on(case, by=team["marketing_lead"], reason="营销组在做大促", hop=case.hop)
    assigned = latest(team["manager"], "case.assigned")
    assert "郑营销" in assigned.body and "营销组在做大促" in assigned.body
    assert "晚上八点咨询排队三十人" in assigned.body  # the description travels with it


def test_the_contact_it_left_is_told_and_their_needs_you_is_read(team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"])
    marketing = team["marketing_lead"]
    assert Notification.objects.filter(recipient=marketing, event="case.assigned", read_at__isnull=True).exists()
    clock.move_to(case.deadline)
    services.move_on_overdue_cases()
    assert not Notification.objects.filter(recipient=marketing, event="case.assigned", read_at__isnull=True).exists()
    left = latest(marketing, "case.left_you")
    assert "店长" in left.body and "2026-11-23" in left.body  # where it went, and which deadline passed


def test_the_reporter_hears_when_the_case_moves_on(team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"])
    services.pass_on(case, by=team["marketing_lead"], reason="需要店长决定", hop=case.hop)
    moved = latest(team["kefu_lead"], "case.moved")
    assert "需要店长决定" in moved.body and "店长" in moved.body


def test_reopening_says_who_reopened_it_and_why(team, clock):
    case = raise_difficulty(team, "售后困难", reporter=team["kefu_lead"])
    services.resolve_case(case, by=team["manager"], resolution="退一半", hop=case.hop)
    services.reopen_case(case, by=team["kefu_lead"], reason="顾客不同意")
    assigned = latest(team["manager"], "case.assigned")
    assert "李客服" in assigned.body and "顾客不同意" in assigned.body


def test_emails_carry_the_description_and_the_demo_port(team, clock, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://127.0.0.1:8123"
    with django_capture_on_commit_callbacks(execute=True):
        case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"], description="排队的顾客太多了")
    email = Delivery.objects.filter(kind=Delivery.Kind.EMAIL, recipient=team["marketing_lead"]).get()
    assert "排队的顾客太多了" in email.text
    assert f"http://127.0.0.1:8123/cases/{case.pk}/" in email.text


def test_notifications_are_written_in_the_same_transaction_as_the_change(team, clock):
    """If writing the notification fails, the case change is undone with it: no case moved without its
    people being told, and no 500 after the fact."""
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"])
    with patch.object(Notification.objects, "bulk_create", side_effect=RuntimeError("disk full")), \
            pytest.raises(RuntimeError):
        services.pass_on(case, by=team["marketing_lead"], reason="大促", hop=case.hop)
    case.refresh_from_db()
    assert case.current_post.title == "营销策划组组长" and case.hop == 1


def test_a_deadline_warning_and_its_notification_are_one_change(team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"])
    clock.move_to(case.deadline.astimezone(SHANGHAI).replace(minute=0))
    with patch.object(Notification.objects, "bulk_create", side_effect=RuntimeError("disk full")), \
            pytest.raises(RuntimeError):
        services.warn_before_deadlines()
    assert Case.objects.get(pk=case.pk).warned_hop is None  # the claim was undone: the next run warns
    assert [c.pk for c in services.warn_before_deadlines()] == [case.pk]
