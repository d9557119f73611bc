"""What a reporter and the contacts do with a case, and what is refused."""
import datetime

import pytest

from escalation import services
from escalation.models import Case, CaseEvent
from roles.models import Assignment, Post
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from tests.escalation.conftest import SHANGHAI
from tests.escalation.factories import raise_difficulty
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_raising_a_case_sends_it_to_the_first_contact_with_a_working_time_deadline(
    team, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = raise_difficulty(team, "盘点不清")
    assert case.status == Case.Status.WAITING
    assert case.current_post.title == "客服组组长"
    # 240 working minutes of the customer-service rota from Monday 10:00: 10-12 (120), 13:00-15:00 (120).
    assert case.deadline == datetime.datetime(2026, 11, 23, 15, 0, tzinfo=SHANGHAI)
    assert Notification.objects.filter(recipient=team["kefu_lead"], event="case.assigned").exists()
    assert list(case.events.values_list("kind", flat=True)) == ["raised", "routed"]


def test_every_holder_sees_it_and_the_first_to_accept_takes_it(team, clock):
    second = AssignmentFactory(post=Post.objects.get(title="客服组组长")).user
    case = raise_difficulty(team, "盘点不清")
    assert set(case.contacts.all()) == {team["kefu_lead"], second}
    services.accept_case(case, by=second, hop=case.hop)
    with pytest.raises(ServiceError, match="already accepted"):
        services.accept_case(case, by=team["kefu_lead"], hop=case.hop)
    case.refresh_from_db()
    assert case.handler == second and case.status == Case.Status.IN_PROGRESS
    assert list(case.contacts.all()) == [second]


def test_a_decision_on_a_page_that_has_moved_on_is_refused(team, clock):
    case = raise_difficulty(team, "客服忙碌")
    stale_hop = case.hop
    services.pass_on(case, by=team["marketing_lead"], reason="营销组也在做活动", hop=stale_hop)
    with pytest.raises(ServiceError, match="moved on"):
        services.resolve_case(case, by=team["marketing_lead"], resolution="好了", hop=stale_hop)


def test_a_vacant_post_is_skipped_and_the_history_says_so(team, clock):
    Assignment.objects.filter(post__title="客服组组长").delete()
    case = raise_difficulty(team, "盘点不清")
    assert case.current_post.title == "营销策划组组长"
    skipped = case.events.get(kind=CaseEvent.Kind.SKIPPED_VACANT)
    assert skipped.to_post.title == "客服组组长"


def test_with_every_post_vacant_the_case_goes_to_the_admins(team, clock):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    Assignment.objects.filter(post__title__in=["店长"]).delete()
    case = raise_difficulty(team, "售后困难")
    assert case.with_admins and case.current_post is None
    assert list(case.contacts.all()) == [admin]
    services.resolve_case(case, by=admin, resolution="临时处理，已安排新店长")
    assert Case.objects.get(pk=case.pk).status == Case.Status.RESOLVED


def test_free_form_case_goes_to_the_reporters_leader_then_the_manager(team, clock):
    post = Post.objects.get(title="客服A")
    case = services.raise_case(by=team["kefu_a"], post=post, description="快递丢件，顾客很着急")
    assert case.difficulty is None
    assert case.current_post.title == "客服组组长"
    case = services.pass_on(case, by=team["kefu_lead"], reason="需要店长决定赔付")
    assert case.current_post.title == "店长"


def test_asking_the_reporter_stops_the_clock_until_they_answer(team, clock):
    case = raise_difficulty(team, "客服忙碌")  # deadline Monday 15:30
    clock.move_to(datetime.datetime(2026, 11, 23, 11, 0, tzinfo=SHANGHAI))
    case = services.ask_reporter(case, by=team["marketing_lead"], question="现在有多少顾客在排队？")
    assert case.status == Case.Status.NEEDS_INFO and case.deadline is None
    clock.move_to(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))  # the next morning
    assert services.move_on_overdue_cases() == []
    case = services.answer_reporter_question(case, by=team["kefu_lead"], answer="三十多位")
    # 60 minutes were used before the question; 180 remain from Tuesday 09:00: 9-12.
    assert case.deadline == datetime.datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)
    assert case.status == Case.Status.WAITING


def test_resolving_records_the_step_and_the_working_time(team, clock):
    case = raise_difficulty(team, "客服忙碌")
    clock.move_to(datetime.datetime(2026, 11, 23, 14, 0, tzinfo=SHANGHAI))  # 120 + 30 working minutes later
    case = services.resolve_case(case, by=team["marketing_lead"], resolution="营销组两人帮忙接待")
    assert case.status == Case.Status.RESOLVED
    assert case.resolved_step == 0 and case.working_minutes == 150
    assert case.events.get(kind="resolved").working_minutes == 150
    assert not case.contacts.exists()


def test_reporter_reopens_with_a_reason_and_it_returns_to_the_solver(team, clock):
    case = raise_difficulty(team, "客服忙碌")
    case = services.resolve_case(case, by=team["marketing_lead"], resolution="已帮忙")
    with pytest.raises(ServiceError, match="why"):
        services.reopen_case(case, by=team["kefu_lead"], reason="  ")
    with pytest.raises(ServiceError, match="reporter"):
        services.reopen_case(case, by=team["marketing_lead"], reason="不行")
    case = services.reopen_case(case, by=team["kefu_lead"], reason="顾客还在排队")
    assert case.status == Case.Status.WAITING
    assert case.current_post.title == "营销策划组组长"
    assert case.resolution == ""
    assert case.events.filter(kind="resolved").exists()  # nothing about a case is ever deleted


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda case, team: services.pass_on(case, by=team["photo_a"], reason="不是我的"), "Only the people"),
        (lambda case, team: services.pass_on(case, by=team["marketing_lead"], reason=""), "why"),
        (lambda case, team: services.resolve_case(case, by=team["marketing_lead"], resolution=""), "solved"),
        (lambda case, team: services.accept_case(case, by=team["kefu_a"]), "Only the people"),
        (lambda case, team: services.ask_reporter(case, by=team["marketing_lead"], question=" "), "need"),
        (lambda case, team: services.answer_reporter_question(case, by=team["kefu_lead"], answer="x"), "Nobody"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(team, clock, action, message):
    case = raise_difficulty(team, "客服忙碌")
    before = (case.hop, case.status, case.events.count())
    with pytest.raises(ServiceError, match=message):
        action(case, team)
    case.refresh_from_db()
    assert (case.hop, case.status, case.events.count()) == before


def test_a_case_needs_a_description_and_a_post_the_reporter_holds(team, clock):
    post = Post.objects.get(title="客服组组长")
    with pytest.raises(ServiceError, match="what happened"):
        services.raise_case(by=team["kefu_lead"], post=post, description="   ")
    with pytest.raises(ServiceError, match="post you hold"):
        services.raise_case(by=team["kefu_a"], post=post, description="试试")
    assert not Case.objects.exists()


def test_a_group_member_raises_the_groups_difficulty(team, clock):
    from roles.models import Difficulty

    case = services.raise_case(
        by=team["kefu_a"], post=Post.objects.get(title="客服A"),
        difficulty=Difficulty.objects.get(name="客服忙碌"), description="咨询排队三十人",
    )
    assert case.current_post.title == "营销策划组组长"
    with pytest.raises(ServiceError, match="another group"):
        services.raise_case(
            by=team["kefu_a"], post=Post.objects.get(title="客服A"),
            difficulty=Difficulty.objects.get(name="拍照量大"), description="照片太多",
        )


def test_a_robot_that_is_down_does_not_block_the_case(team, clock, django_capture_on_commit_callbacks):
    from unittest.mock import patch

    from shopteam.notifications.models import Delivery, WebhookChannel
    from shopteam.notifications.tasks import deliver

    # Nothing listens on port 9 of this machine: every post to the robot is refused.
    WebhookChannel.objects.create(name="客服群", kind=WebhookChannel.Kind.WECOM, url="http://127.0.0.1:9/send?key=k")
    with (
        patch.object(deliver, "delay", side_effect=lambda pk: deliver.apply(args=[pk])),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = raise_difficulty(team, "客服忙碌")
    case.refresh_from_db()
    assert case.current_post.title == "营销策划组组长" and case.status == Case.Status.WAITING
    assert Notification.objects.filter(recipient=team["marketing_lead"], url=case.get_absolute_url()).exists()
    robot = Delivery.objects.get(kind=Delivery.Kind.WECOM)
    assert robot.status == Delivery.Status.FAILED and robot.attempts == deliver.max_retries + 1


def test_resolving_a_case_tells_other_apps_in_its_transaction(team, clock):
    from escalation.signals import case_resolved

    heard = []

    def receiver(sender, case, by, **kwargs):
        heard.append((case.pk, case.status, by))

    case_resolved.connect(receiver)
    try:
        case = raise_difficulty(team, "客服忙碌")
        services.resolve_case(case, by=team["marketing_lead"], resolution="加了两个客服", hop=case.hop)
    finally:
        case_resolved.disconnect(receiver)
    assert heard == [(case.pk, Case.Status.RESOLVED, team["marketing_lead"])]
