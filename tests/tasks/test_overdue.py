"""Overdue work escalates: past its post's grace (working time) a task is escalated into a case Shopteam raises
(no reporter) that goes to the post's leader and then the shop manager; by one click, or by itself when the post
says so; once. The shop manager's dashboard shows overdue work, on-time work and missed duty periods."""
import datetime

import pytest
from django.urls import reverse

from escalation import services as escalation_services
from escalation.models import Case
from escalation.selectors import cases_about
from roles.models import Duty, Post
from shopteam.errors import ServiceError
from tasks import services
from tasks.models import DutyPeriodMissed, Task, TaskEvent
from tests.escalation.test_deadlines import run_at_once
from tests.factories import UserFactory
from tests.tasks.conftest import at
from tests.tasks.factories import file_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_task(team, clock):
    """Due Monday at 12:00 for the post 客服A (customer-service rota: 13:00-18:00 after lunch)."""
    return file_task(post=Post.objects.get(title="客服A"), title="回复差评", source=Task.Source.DUTY,
                     due=at("2026-11-23 12:00"))


def test_a_task_can_be_escalated_once_overdue_by_its_grace_in_working_time(team, agent_task, clock):
    # 240 working minutes after 12:00 on the rota (lunch 12:00-13:00 does not count): 17:00.
    clock.move_to(at("2026-11-23 16:59"))
    state = services.escalation_state(agent_task)
    assert (state["escalatable"], state["available_at"]) == (False, at("2026-11-23 17:00"))
    with pytest.raises(ServiceError, match="grace of 240 working minutes"):
        services.escalate_task(agent_task, by=team["kefu_lead"])
    clock.move_to(at("2026-11-23 17:00"))
    case = services.escalate_task(agent_task, by=team["kefu_lead"])
    assert (case.reporter, case.source, case.post.title) == (None, "tasks.overdue", "客服A")
    assert case.current_post.title == "客服组组长" and case.subject == agent_task
    assert "回复差评" in case.title and "240" in case.description and "李客服" in case.description
    assert list(cases_about(agent_task)) == [case]
    event = agent_task.events.get()
    assert (event.kind, event.actor, event.new) == (TaskEvent.Kind.ESCALATED, team["kefu_lead"], f"#{case.pk}")
    with pytest.raises(ServiceError, match="already been escalated"):
        services.escalate_task(agent_task, by=team["kefu_a"])
    assert Case.objects.count() == 1


def test_the_case_goes_up_the_chain_to_the_shop_manager(team, agent_task, clock):
    clock.move_to(at("2026-11-23 17:00"))
    case = services.escalate_task(agent_task, by=team["kefu_a"])
    clock.move_to(at("2026-11-24 17:00"))  # the leader's step deadline (240 working minutes) has passed
    escalation_services.move_on_overdue_cases()
    case.refresh_from_db()
    assert case.current_post.title == "店长" and case.reached_manager


def test_a_post_that_escalates_by_itself(team, clock):
    post = Post.objects.get(title="财务组组长")
    post.escalate_overdue_tasks = True
    post.overdue_grace_minutes = 90
    post.save()
    task = file_task(post=post, title="与食草堂结算", source=Task.Source.DUTY, due=at("2026-11-23 11:00"))
    quiet = file_task(post=Post.objects.get(title="客服A"), title="回访", due=at("2026-11-23 11:00"))
    clock.move_to(at("2026-11-23 13:59"))  # office hours: 60 minutes 11:00-12:00, then 30 from 13:30
    assert services.escalate_overdue_tasks() == []
    clock.move_to(at("2026-11-23 14:00"))
    [case] = services.escalate_overdue_tasks()
    assert case.subject == task and case.current_post.title == "店长"  # a leader's post reports to the manager
    assert services.escalate_overdue_tasks() == []
    assert task.events.get().actor is None
    assert not cases_about(quiet).exists()  # 客服A does not escalate by itself


def test_a_persons_task_escalates_for_their_main_post(team, clock):
    task = file_task(team["kefu_lead"], owner=team["kefu_a"], title="核对退货", due=at("2026-11-23 12:00"))
    clock.move_to(at("2026-11-24 12:00"))
    case = services.escalate_task(task, by=team["kefu_lead"])
    assert case.post.title == "客服A" and case.current_post.title == "客服组组长"


def test_a_task_of_someone_without_a_post_cannot_be_escalated(team, clock):
    loner = UserFactory(username="temp")
    task = file_task(team["manager"], owner=loner, title="临时工作", due=at("2026-11-23 12:00"))
    clock.move_to(at("2026-11-25 12:00"))
    assert services.escalation_state(task)["post"] is None
    with pytest.raises(ServiceError, match="holds no post"):
        services.escalate_task(task, by=team["manager"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_workers_escalating_at_once_raise_one_case(team, clock):
    post = Post.objects.get(title="产品组组长")
    post.escalate_overdue_tasks = True
    post.save()
    task = file_task(post=post, title="周盘点", source=Task.Source.DUTY, due=at("2026-11-23 10:30"))
    clock.move_to(at("2026-11-24 12:00"))
    outcomes = run_at_once(*[services.escalate_overdue_tasks] * 3)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sum(len(o) for o in outcomes) == 1
    assert Case.objects.filter(source="tasks.overdue").count() == 1
    assert task.events.filter(kind=TaskEvent.Kind.ESCALATED).count() == 1


def test_the_task_page_shows_when_it_can_be_escalated_and_its_case(client, team, agent_task, clock):
    url = agent_task.get_absolute_url()
    client.force_login(team["kefu_a"])
    page = client.get(url).content.decode()
    assert "data-escalation" in page and reverse("tasks:escalate", args=[agent_task.pk]) not in page
    assert "事项依次交给： 客服组组长 → 店长" in page
    clock.move_to(at("2026-11-23 17:30"))
    page = client.get(url).content.decode()
    assert reverse("tasks:escalate", args=[agent_task.pk]) in page
    response = client.post(reverse("tasks:escalate", args=[agent_task.pk]))
    case = Case.objects.get()
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert case.get_absolute_url() in page and "data-cases" in page
    # And the case links back to the task.
    client.force_login(team["kefu_lead"])
    assert url in client.get(case.get_absolute_url()).content.decode()


@pytest.mark.parametrize(("username", "status"), [("photo_a", 404), ("kefu_b", 403)])
def test_escalating_by_role(client, team, agent_task, clock, username, status):
    from tests.factories import AssignmentFactory, PostFactory

    if username == "kefu_b":  # another customer-service post: sees the group's task, may not act on it
        other_post = PostFactory(title="客服B", department=agent_task.department)
        user = AssignmentFactory(user=UserFactory(username="kefu_b"), post=other_post).user
    else:
        user = team[username]
    clock.move_to(at("2026-11-23 17:30"))
    client.force_login(user)
    response = client.post(reverse("tasks:escalate", args=[agent_task.pk]))
    assert response.status_code == status
    assert not Case.objects.exists()


def test_a_task_filed_from_a_case_is_done_when_the_case_is_resolved(client, team, clock):
    from tests.escalation.factories import raise_difficulty

    case = raise_difficulty(team, "盘点不清")  # goes to the customer-service leader first
    client.force_login(team["kefu_lead"])
    page = client.get(reverse("tasks:create") + f"?case={case.pk}").content.decode()
    assert f'data-case="{case.pk}"' in page
    response = client.post(reverse("tasks:create") + f"?case={case.pk}", {
        "title": "下午帮产品组盘点", "owner": f"user:{team['kefu_a'].pk}", "priority": "high"})
    task = Task.objects.get()
    assert response["Location"] == task.get_absolute_url()
    assert (task.source, task.subject) == (Task.Source.CASE, case)
    escalation_services.accept_case(case, by=team["kefu_lead"])
    escalation_services.resolve_case(case, by=team["kefu_lead"], resolution="客服组下午帮忙盘点完成")
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.done_by == team["kefu_lead"]
    assert f"#{case.pk}" in task.events.get(kind=TaskEvent.Kind.COMPLETED).note


def test_a_case_a_person_cannot_see_files_no_task_about_it(client, team, clock):
    from tests.escalation.factories import raise_difficulty

    case = raise_difficulty(team, "拍照量大")
    client.force_login(team["finance_lead"])
    client.post(reverse("tasks:create") + f"?case={case.pk}", {
        "title": "看看", "owner": f"user:{team['finance_lead'].pk}", "priority": "normal"})
    assert Task.objects.get().source == Task.Source.MANUAL and Task.objects.get().subject is None


# -- the dashboard panel ----------------------------------------------------------------------------------------

def test_the_dashboard_panel_counts_and_links_every_figure(client, team, holidays, clock):
    clock.move_to(at("2026-11-16 10:00"))  # last week
    on_time = file_task(team["kefu_lead"], owner=team["kefu_a"], title="上周按时", due=at("2026-11-18 18:00"))
    late = file_task(team["kefu_lead"], owner=team["kefu_a"], title="上周延误", due=at("2026-11-17 12:00"))
    clock.move_to(at("2026-11-17 11:00"))
    services.move_task(on_time, by=team["kefu_a"], status="done")
    clock.move_to(at("2026-11-19 11:00"))
    services.move_task(late, by=team["kefu_a"], status="done")
    clock.move_to(at("2026-11-23 09:00"))
    file_task(post=Post.objects.get(title="客服A"), title="客服逾期", due=at("2026-11-23 09:30"))
    file_task(team["visual_lead"], owner=team["photo_a"], title="摄影逾期", due=at("2026-11-23 09:30"))
    done_now = file_task(team["visual_lead"], owner=team["photo_a"], title="本周按时", due=at("2026-11-24 18:00"))
    services.move_task(done_now, by=team["photo_a"], status="done")
    duty = Duty.objects.get(post__title="产品组组长", text="盘点并核对库房")
    DutyPeriodMissed.objects.create(duty=duty, period_key="2026-W47", period_start=datetime.date(2026, 11, 16),
                                    due=at("2026-11-20 18:00"))
    clock.move_to(at("2026-11-23 10:00"))

    client.force_login(team["manager"])
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-panel="tasks"' in page
    panel = next(p for p in page.split('data-panel="') if p.startswith("tasks"))
    assert 'data-overdue-person="kefu_a">1<' in panel and 'data-overdue-person="photo_a">1<' in panel
    list_url = reverse("tasks:list")
    assert f"{list_url}?done=last_week&on_time=1" in panel and 'data-figure="missed"' in panel
    # Each figure leads to the tasks it counts.
    def listed(query):
        return {t.title for t in client.get(f"{list_url}?{query}").context["page"].object_list}

    assert listed("due=overdue") == {"客服逾期", "摄影逾期"}
    assert listed(f"due=overdue&person={team['kefu_a'].pk}") == {"客服逾期"}
    assert listed("done=last_week&on_time=1") == {"上周按时"}
    assert listed("done=last_week&late=1") == {"上周延误"}
    assert listed("done=this_week&on_time=1") == {"本周按时"}
    missed = client.get(reverse("tasks:missed") + "?since=2026-11-01").content.decode()
    assert "2026-W47" in missed
    assert "盘点并核对库房" in missed


def test_the_tasks_panel_is_the_shop_managers_only(client, team):
    client.force_login(team["kefu_lead"])
    assert client.get(reverse("dashboard")).status_code == 403
