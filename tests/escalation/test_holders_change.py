"""Open cases follow who holds their post: a new holder gets the case, the old one loses it; a second holder
can act like the first; a post left vacant passes the case on."""
import datetime

import pytest
from django.urls import reverse

from escalation import services
from escalation.models import Case, CaseEvent
from roles.models import Assignment, Post
from roles.services import record_holders_changed
from shopteam.notifications.models import Notification
from tests.escalation.factories import raise_difficulty
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def hand_over(post_title, *, to, on=None, django_capture_on_commit_callbacks):
    """End today's holder's assignment (yesterday was their last day) and give the post to `to`, the way
    an admin does, then let the org chart tell the apps."""
    post = Post.objects.get(title=post_title)
    today = on or datetime.date.today()
    Assignment.objects.filter(post=post, end__isnull=True).update(end=today - datetime.timedelta(days=1))
    AssignmentFactory(user=to, post=post, start=today)
    with django_capture_on_commit_callbacks(execute=True):
        record_holders_changed(posts=[post])


def test_a_new_holder_gets_the_open_case_and_the_old_one_loses_it(
    client, team, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = raise_difficulty(team, "盘点不清")  # to the customer-service leader
    newcomer = UserFactory(username="new_kefu_lead", first_name="陈客服")
    hand_over("客服组组长", to=newcomer, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    case.refresh_from_db()
    assert list(case.contacts.all()) == [newcomer]
    event = case.events.get(kind=CaseEvent.Kind.HOLDERS_CHANGED)
    assert "陈客服" in event.to_people
    assert Notification.objects.filter(recipient=newcomer, event="case.assigned", url=case.get_absolute_url()).exists()
    old = team["kefu_lead"]
    assert Notification.objects.filter(recipient=old, event="case.left_you").exists()
    assert not Notification.objects.filter(recipient=old, event="case.assigned", read_at__isnull=True).exists()

    client.force_login(newcomer)
    page = client.get(reverse("escalation:case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert reverse("escalation:case_action", args=[case.pk, "accept"]) in page.content.decode()
    services.accept_case(case, by=newcomer, hop=case.hop)
    with pytest.raises(services.ServiceError):
        services.resolve_case(case, by=old, resolution="我还在", hop=None)


def test_an_accepted_case_whose_handler_left_goes_back_to_waiting_for_the_new_holder(
    team, clock, django_capture_on_commit_callbacks
):
    case = raise_difficulty(team, "盘点不清")
    services.accept_case(case, by=team["kefu_lead"], hop=case.hop)
    newcomer = UserFactory()
    hand_over("客服组组长", to=newcomer, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.status == Case.Status.WAITING and case.handler is None
    assert list(case.contacts.all()) == [newcomer]


def test_a_handler_who_still_holds_the_post_keeps_the_case(team, clock, django_capture_on_commit_callbacks):
    case = raise_difficulty(team, "盘点不清")
    services.accept_case(case, by=team["kefu_lead"], hop=case.hop)
    AssignmentFactory(post=Post.objects.get(title="客服组组长"))
    with django_capture_on_commit_callbacks(execute=True):
        record_holders_changed()
    case.refresh_from_db()
    assert case.handler == team["kefu_lead"] and case.status == Case.Status.IN_PROGRESS


def test_a_second_holder_of_the_post_can_act_like_the_first(team, clock, django_capture_on_commit_callbacks):
    case = raise_difficulty(team, "盘点不清")
    second = AssignmentFactory(post=Post.objects.get(title="客服组组长")).user
    with django_capture_on_commit_callbacks(execute=True):
        record_holders_changed()
    case.refresh_from_db()
    assert set(case.contacts.all()) == {team["kefu_lead"], second}
    services.resolve_case(case, by=second, resolution="两个人一起处理", hop=case.hop)
    assert Case.objects.get(pk=case.pk).status == Case.Status.RESOLVED


def test_a_post_left_vacant_passes_its_open_case_on(team, clock, django_capture_on_commit_callbacks):
    case = raise_difficulty(team, "盘点不清")
    Assignment.objects.filter(post__title="客服组组长").update(end=datetime.date(2026, 11, 22))
    with django_capture_on_commit_callbacks(execute=True):
        record_holders_changed()
    case.refresh_from_db()
    assert case.current_post.title == "营销策划组组长"
    assert case.events.filter(kind=CaseEvent.Kind.POST_VACATED).exists()


def test_following_the_holders_twice_changes_nothing_more(team, clock, django_capture_on_commit_callbacks):
    case = raise_difficulty(team, "盘点不清")
    newcomer = UserFactory()
    hand_over("客服组组长", to=newcomer, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    events = case.events.count()
    assert services.follow_post_holders() == []
    assert case.events.count() == events


def test_an_admin_handing_a_post_over_in_the_admin_moves_its_open_cases(
    client, team, clock, django_capture_on_commit_callbacks
):
    case = raise_difficulty(team, "盘点不清")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    newcomer = UserFactory(username="kefu_new")
    post = Post.objects.get(title="客服组组长")
    old = Assignment.objects.get(post=post, user=team["kefu_lead"])
    url = reverse("admin:roles_assignment_change", args=[old.pk])
    with django_capture_on_commit_callbacks(execute=True):
        ended = client.post(url, {"user": str(team["kefu_lead"].pk), "post": str(post.pk),
                                  "start": str(old.start), "end": "2026-11-22"})
        added = client.post(reverse("admin:roles_assignment_add"),
                            {"user": str(newcomer.pk), "post": str(post.pk), "start": "2026-11-23", "end": ""})
    assert ended.status_code == added.status_code == 302
    case.refresh_from_db()
    assert list(case.contacts.all()) == [newcomer]
