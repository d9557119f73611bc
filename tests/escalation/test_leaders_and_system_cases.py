"""Group leaders see their group's cases; cases Shopteam raises itself about an object, with no reporter."""
import pytest
from django.urls import reverse

from escalation import selectors, services
from escalation.models import Case, CaseEvent
from roles.models import Assignment, Difficulty, Post
from shopteam.errors import ServiceError
from tests.escalation.factories import raise_difficulty

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("escalation:case_detail", args=[case.pk])


def test_a_leader_sees_the_cases_raised_by_the_groups_posts(client, team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_a"])
    client.force_login(team["kefu_lead"])
    assert client.get(detail(case)).status_code == 200
    assert case in selectors.case_list(team["kefu_lead"], filters={})


def test_a_leader_sees_the_cases_sent_to_the_groups_posts(client, team, clock):
    case = raise_difficulty(team, "盘点不清")  # raised by product, sent to the customer-service leader
    services.pass_on(case, by=team["kefu_lead"], reason="客服也很忙", hop=case.hop)
    Assignment.objects.filter(user=team["kefu_lead"]).delete()
    new_leader = Assignment.objects.create(user=team["kefu_a"], post=Post.objects.get(title="客服组组长")).user
    client.force_login(new_leader)
    assert client.get(detail(case)).status_code == 200


def test_a_member_does_not_see_a_colleagues_case(client, team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"])
    client.force_login(team["kefu_a"])
    assert client.get(detail(case)).status_code == 404
    assert case not in selectors.case_list(team["kefu_a"], filters={})


def test_a_leader_may_comment_on_a_group_case(team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_a"])
    event = services.comment_on_case(case, by=team["kefu_lead"], note="我来跟进")
    assert event.kind == CaseEvent.Kind.COMMENTED


def test_the_system_raises_a_case_about_an_object_with_no_reporter(client, team, clock):
    subject = Post.objects.get(title="产品组组长")  # any object: a stocktake, a task, a supplier report
    difficulty = Difficulty.objects.get(name="盘点不清")
    case = services.raise_case(source="inventory.stocktake", difficulty=difficulty, subject=subject,
                               description="第3货架点不清", key="stocktake-7")
    assert case.reporter is None and case.source == "inventory.stocktake"
    assert case.post == difficulty.post and case.current_post.title == "客服组组长"
    assert case.subject == subject and list(selectors.cases_about(subject)) == [case]
    again = services.raise_case(source="inventory.stocktake", difficulty=difficulty, subject=subject,
                                description="第3货架点不清", key="stocktake-7")
    assert again.pk == case.pk and Case.objects.count() == 1

    client.force_login(team["kefu_lead"])
    page = client.get(detail(case)).content.decode()
    assert "inventory.stocktake" in page and subject.get_absolute_url() in page


def test_a_system_case_has_nobody_to_ask_and_the_manager_reopens_it(team, clock):
    case = services.raise_case(source="tasks.overdue", post=Post.objects.get(title="客服A"),
                               description="任务逾期三天")
    assert case.current_post.title == "客服组组长"  # free-form: the post's leader, then the manager
    with pytest.raises(ServiceError, match="no reporter to ask"):
        services.ask_reporter(case, by=team["kefu_lead"], question="?", hop=case.hop)
    services.resolve_case(case, by=team["kefu_lead"], resolution="已补完", hop=case.hop)
    with pytest.raises(ServiceError, match="Only the reporter"):
        services.reopen_case(case, by=team["kefu_lead"], reason="又逾期")
    services.reopen_case(case, by=team["manager"], reason="又逾期")
    assert Case.objects.get(pk=case.pk).is_open


def test_raise_case_takes_a_person_or_a_source_not_both(team, clock):
    difficulty = Difficulty.objects.get(name="盘点不清")
    with pytest.raises(ValueError):
        services.raise_case(by=team["product_lead"], source="x", difficulty=difficulty, description="d")
    with pytest.raises(ValueError):
        services.raise_case(difficulty=difficulty, description="d")
