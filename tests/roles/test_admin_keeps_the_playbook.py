"""Admin edits that would cut the shop manager out or bend the playbook are refused, or warned about."""
import datetime

import pytest
from django.urls import reverse

from roles.models import Assignment, Department, Difficulty, Post
from roles.selectors import holders
from tests.factories import AssignmentFactory, UserFactory
from tests.roles.test_admin import change, errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, playbook):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    client.cookies["django_language"] = "en"  # the refusals are matched in English
    return client


def test_the_shop_managers_post_cannot_stop_leading_the_office(admin_client):
    manager = Post.objects.get(title="店长")
    response = change(admin_client, manager, is_leader="")
    assert response.status_code == 200
    assert errors(response) == [
        "Shop manager is the shop manager's post: it must stay the leader of the shop manager's office, or cases "
        "would have nowhere to end."
    ]
    manager.refresh_from_db()
    assert manager.is_leader


def test_the_shop_managers_post_cannot_move_to_another_department(admin_client):
    manager = Post.objects.get(title="店长")
    finance = Department.objects.get(code="finance")
    response = change(admin_client, manager, department=str(finance.pk))
    assert response.status_code == 200
    assert errors(response) == [
        "Shop manager is the shop manager's post: it must stay the leader of the shop manager's office, or cases "
        "would have nowhere to end.",
        "This department already has a leader post.",  # finance has its own leader
    ]
    manager.refresh_from_db()
    assert manager.department.is_manager_office


def test_the_shop_managers_office_cannot_be_unticked(admin_client):
    office = Department.objects.get(is_manager_office=True)
    response = change(admin_client, office, is_manager_office="")
    assert response.status_code == 200
    assert errors(response) == [
        "The shop manager's office cannot be unticked: whatever stays unsolved must have somewhere to go."
    ]
    office.refresh_from_db()
    assert office.is_manager_office


def test_the_shop_managers_post_cannot_be_deleted(admin_client):
    manager = Post.objects.get(title="店长")
    response = admin_client.get(reverse("admin:roles_post_delete", args=[manager.pk]))
    assert response.status_code == 403
    assert Post.objects.filter(pk=manager.pk).exists()


def test_a_post_that_reports_to_another_departments_post_is_refused(admin_client):
    agent = Post.objects.get(title="客服A")
    finance_leader = Post.objects.get(title="财务组组长")
    response = change(admin_client, agent, reports_to=str(finance_leader.pk))
    assert response.status_code == 200
    assert errors(response) == [
        "Finance leader belongs to Finance group, another department: a post reports to a post of its own "
        "department or to the shop manager."
    ]
    agent.refresh_from_db()
    assert agent.reports_to.title == "客服组组长"


def test_a_post_moved_to_another_department_while_it_reports_to_its_old_leader_is_refused(admin_client):
    agent = Post.objects.get(title="客服A")
    finance = Department.objects.get(code="finance")
    response = change(admin_client, agent, department=str(finance.pk))
    assert response.status_code == 200
    assert errors(response) == [
        "Customer-service leader belongs to Customer-service group, another department: a post reports to a "
        "post of its own department or to the shop manager."
    ]
    agent.refresh_from_db()
    assert agent.department.code == "customer-service"


def test_a_step_with_no_working_minutes_is_refused(admin_client):
    difficulty = Difficulty.objects.get(name="客服忙碌")
    response = change(admin_client, difficulty, **{"steps-0-deadline_minutes": "0"})
    assert response.status_code == 200
    assert errors(response) == ["A contact needs at least one working minute before the case moves on."]
    assert difficulty.steps.order_by("order").first().deadline_minutes == 240


def test_a_second_holder_of_the_shop_managers_post_is_warned_about(admin_client):
    manager = Post.objects.get(title="店长")
    AssignmentFactory(post=manager)
    second = UserFactory(username="deputy")
    url = reverse("admin:roles_assignment_add")
    response = admin_client.post(
        url, {"user": str(second.pk), "post": str(manager.pk), "start": "2026-01-01", "end": ""},
        follow=True,
    )
    assert Assignment.objects.filter(user=second, post=manager).exists()
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert ("warning", "Shop manager is held by 2 people today, more than its planned head count of 1.") in shown


def test_the_end_date_is_the_last_day_held(playbook):
    post = Post.objects.get(title="客服A")
    assignment = AssignmentFactory(post=post, end="2026-11-24")
    assert assignment.user in holders(post, on=datetime.date(2026, 11, 24))
    assert assignment.user not in holders(post, on=datetime.date(2026, 11, 25))
    help_text = str(Assignment._meta.get_field("end").help_text)
    assert "last day" in help_text
