"""The playbook loads completely, every difficulty with its exact chain, and reloading is a no-op."""
import io

import pytest
from django.core.management import call_command

from roles.models import Department, Difficulty, Duty, Post, Step

pytestmark = pytest.mark.django_db

CHAINS = {
    "客服忙碌": ("客服组组长", ["营销策划组", "店长"]),
    "售后困难": ("客服组组长", ["店长"]),
    "记录统计繁忙": ("财务组组长", ["数据分析组", "店长"]),
    "盘点不清": ("产品组组长", ["客服组", "营销策划组", "店长"]),
    "拍照量大": ("视觉组组长", ["客服组", "营销策划组", "店长"]),
    "登录产品": ("视觉组组长", ["客服组", "营销策划组", "店长"]),
    "财务支出": ("营销策划组组长", ["财务组", "店长"]),
    "广告素材": ("营销策划组组长", ["视觉组", "店长"]),
    "收集困难": ("数据分析组组长", ["店长"]),
}


def counts():
    return [m.objects.count() for m in (Department, Post, Duty, Difficulty, Step)]


def test_load_playbook_creates_every_department_post_duty_and_difficulty():
    call_command("load_playbook")
    assert counts() == [7, 9, 56, 9, 19]
    assert set(Department.objects.values_list("name", flat=True)) == {
        "店长", "客服组", "财务组", "产品组", "视觉组", "营销策划组", "数据分析组"
    }
    assert Department.objects.get(is_manager_office=True).name == "店长"
    # Every group leader has main duties; the finance leader's third is the 11th-15th supplier cycle.
    finance = Post.objects.get(title="财务组组长")
    assert "11日至15日" in finance.duties.filter(kind="main").order_by("order")[2].text
    assert Post.objects.get(title="客服组组长").duties.filter(kind="supporting").count() == 3
    assert Post.objects.get(title="客服A").reports_to.title == "客服组组长"


@pytest.mark.parametrize("name", CHAINS)
def test_each_difficulty_has_the_playbook_chain_ending_with_the_shop_manager(name):
    call_command("load_playbook")
    post_title, chain = CHAINS[name]
    difficulty = Difficulty.objects.get(name=name)
    assert difficulty.post.title == post_title
    assert difficulty.condition and difficulty.name_en and difficulty.condition_en
    assert [s.department.name for s in difficulty.steps.order_by("order")] == chain
    last = difficulty.steps.order_by("order").last()
    assert Post.objects.get(department=last.department, is_leader=True).title == "店长"


def test_reloading_the_playbook_changes_nothing():
    call_command("load_playbook")
    before = counts()
    Duty.objects.filter(post__title="店长").update(text="店长自己改过的职责")
    call_command("load_playbook")
    assert counts() == before
    # An admin's edit is kept, not overwritten by the default data.
    assert Duty.objects.filter(text="店长自己改过的职责").count() == 2


def test_departments_have_matching_auth_groups(playbook):
    for department in Department.objects.select_related("group"):
        assert department.group.name == department.name
    department = Department.objects.get(code="finance")
    department.name = "财务部"
    department.save()
    department.group.refresh_from_db()
    assert department.group.name == "财务部"


def test_people_join_the_groups_of_the_posts_they_hold(team):
    marketing_lead = team["marketing_lead"]
    assert set(marketing_lead.groups.values_list("name", flat=True)) == {"营销策划组", "数据分析组"}
    assert set(team["kefu_a"].groups.values_list("name", flat=True)) == {"客服组"}


def test_load_demo_is_refused_outside_demo_mode(settings):
    from django.core.management.base import CommandError

    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("load_demo")


def test_load_demo_makes_the_team_once(settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    call_command("load_demo")
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.count() == 9
    marketing = get_user_model().objects.get(username="marketing_lead")
    assert marketing.assignments.count() == 2


def test_load_demo_adds_each_apps_demo_data_after_the_team(settings, monkeypatch):
    from django.apps import apps
    from django.contrib.auth import get_user_model

    settings.DEMO_MODE = True
    seen = []
    monkeypatch.setattr(apps.get_app_config("finance"), "load_demo",
                        lambda: seen.append(get_user_model().objects.count()) or "3 entries", raising=False)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert seen == [9]
    assert "Demo data for finance: 3 entries." in out.getvalue()
