"""Admins edit the org chart in the Django admin; edits that would break the playbook are refused."""
import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from roles.models import Department, Difficulty, Post, Step
from tests.admin_forms import form_values
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, playbook):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    client.cookies["django_language"] = "en"  # the refusals are matched in English
    return client


def change(admin_client, obj, **edits):
    url = reverse(f"admin:roles_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_values(admin_client.get(url))
    data.update(edits)
    return admin_client.post(url, data)


def errors(response):
    """The messages in the page's error lists (a field's, the form's, an inline row's, the inline's), as the
    admin shows them: a refusal must say why, not only leave things unchanged."""
    page = response.content.decode()
    lists = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, flags=re.S)
    items = (item for block in lists for item in re.findall(r"<li>(.*?)</li>", block, flags=re.S))
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def test_removing_every_step_of_a_difficulty_is_refused(admin_client):
    difficulty = Difficulty.objects.get(name="客服忙碌")
    edits = {f"steps-{i}-DELETE": "on" for i in range(difficulty.steps.count())}
    response = change(admin_client, difficulty, **edits)
    assert response.status_code == 200
    assert errors(response) == ["A difficulty needs at least one step; the last is the shop manager."]
    assert difficulty.steps.count() == 2


def test_a_chain_that_does_not_end_with_the_shop_manager_is_refused(admin_client):
    difficulty = Difficulty.objects.get(name="客服忙碌")
    last = difficulty.steps.count() - 1
    response = change(admin_client, difficulty, **{f"steps-{last}-DELETE": "on"})
    assert response.status_code == 200
    assert errors(response) == ["The last step must be the shop manager: whatever stays unsolved goes there."]
    assert [s.department.name for s in difficulty.steps.all()] == ["营销策划组", "店长"]


def test_a_step_to_a_department_with_no_leader_post_is_refused(admin_client):
    lonely = Department.objects.create(code="warehouse-2", name="二号仓", name_en="Second warehouse")
    difficulty = Difficulty.objects.get(name="客服忙碌")
    first = difficulty.steps.order_by("order").first()
    response = change(admin_client, difficulty, **{"steps-0-department": str(lonely.pk)})
    assert response.status_code == 200
    assert errors(response) == ["Second warehouse has no leader post, so nobody can be contacted there."]
    first.refresh_from_db()
    assert first.department.name == "营销策划组"


def test_a_loop_in_reports_to_is_refused(admin_client):
    manager = Post.objects.get(title="店长")
    agent = Post.objects.get(title="客服A")
    response = change(admin_client, manager, reports_to=str(agent.pk))
    assert response.status_code == 200
    [message] = errors(response)
    with translation.override("en"):
        chosen = str(agent)  # the chosen boss, who already reports up to 店长 — not the edited post
    assert message == f"This would make a loop: {chosen} already reports to this post."
    manager.refresh_from_db()
    assert manager.reports_to is None


def test_a_refusal_is_shown_in_chinese_by_default(client, playbook):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))  # no language chosen: the shop's
    difficulty = Difficulty.objects.get(name="客服忙碌")
    response = change(client, difficulty, **{f"steps-{i}-DELETE": "on" for i in range(2)})
    assert errors(response) == ["一个困难至少要有一个步骤；最后一步是店长。"]
    assert difficulty.steps.count() == 2


def test_a_good_edit_is_saved_and_kept_in_history(admin_client):
    difficulty = Difficulty.objects.get(name="客服忙碌")
    response = change(admin_client, difficulty, **{"steps-0-deadline_minutes": "90"})
    assert response.status_code == 302, errors(response)
    assert Step.objects.get(difficulty=difficulty, order=1).deadline_minutes == 90
    record = Step.history.filter(difficulty_id=difficulty.pk, order=1).latest("history_date")
    assert record.history_user.username == "boss" and record.deadline_minutes == 90
    history = admin_client.get(reverse("admin:roles_difficulty_history", args=[difficulty.pk]))
    assert history.status_code == 200


def test_department_with_posts_inline_and_search(admin_client):
    department = Department.objects.get(code="customer-service")
    page = admin_client.get(reverse("admin:roles_department_change", args=[department.pk])).content.decode()
    assert "客服组组长" in page and "客服A" in page
    found = admin_client.get(reverse("admin:roles_post_changelist"), {"q": "客服"}).content.decode()
    assert "客服组组长" in found and "财务组组长" not in found


def test_staff_without_admin_rights_cannot_edit_the_org_chart(client, playbook):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:roles_post_changelist"))
    assert response.status_code == 403
