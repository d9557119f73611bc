"""The daily stand-up (document 001): a short form each person fills in, a blocker raised as a case in one click,
and the team's page where the shop manager sees who has not written one by 10:00 on a working day."""
import datetime

import pytest
from django.urls import reverse

from escalation.models import Case
from roles.models import Post
from shopteam.errors import ServiceError
from tasks import services
from tasks.models import Standup
from tests.tasks.conftest import at

pytestmark = pytest.mark.django_db


def write(person, **fields):
    return services.write_standup(by=person, **{"yesterday": "", "today": "", "blockers": "", **fields})


def test_a_stand_up_is_written_and_rewritten_with_its_history(team, clock):
    first = write(team["kefu_a"], yesterday="回复了42条咨询", today="跟进未付款订单")
    again = write(team["kefu_a"], yesterday="回复了42条咨询", today="跟进未付款订单和差评")
    assert again.pk == first.pk and again.today == "跟进未付款订单和差评"
    assert [h.today for h in again.history.order_by("history_id")] == ["跟进未付款订单", "跟进未付款订单和差评"]
    assert write(team["kefu_a"], yesterday="回复了42条咨询", today="跟进未付款订单和差评") == again
    assert again.history.count() == 2  # saving the same text again changes nothing


def test_an_empty_stand_up_or_another_day_is_refused(team, clock):
    with pytest.raises(ServiceError, match="Write what got done yesterday"):
        write(team["kefu_a"], blockers="   ")
    with pytest.raises(ServiceError, match="written on its own day"):
        write(team["kefu_a"], today="补写", day=datetime.date(2026, 11, 20))
    assert not Standup.objects.exists()


def test_a_blocker_is_raised_as_a_case_up_the_chain_once(team, clock):
    standup = write(team["kefu_a"], today="处理退货", blockers="快递丢件，顾客要求全额赔偿，超出规定")
    case = services.raise_blocker(standup, by=team["kefu_a"])
    assert case.reporter == team["kefu_a"] and case.post.title == "客服A"
    assert case.current_post.title == "客服组组长"  # 客服A reports to the customer-service leader
    assert case.subject == standup and case.description == standup.blockers
    assert services.raise_blocker(standup, by=team["kefu_a"]) == case
    assert Case.objects.count() == 1
    with pytest.raises(ServiceError, match="Only whoever wrote"):
        services.raise_blocker(standup, by=team["kefu_lead"])


def test_the_stand_up_form_on_the_page(client, team, clock):
    client.force_login(team["photo_a"])
    assert client.get(reverse("tasks:standup")).status_code == 200
    response = client.post(reverse("tasks:standup"), {"yesterday": "拍了12款", "today": "修图", "blockers": "相机坏了"})
    assert response["Location"] == reverse("tasks:standup")
    standup = Standup.objects.get()
    page = client.get(reverse("tasks:standup")).content.decode()
    assert "相机坏了" in page and reverse("tasks:raise_blocker", args=[standup.pk]) in page
    response = client.post(reverse("tasks:raise_blocker", args=[standup.pk]))
    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url() and case.current_post.title == "视觉组组长"
    assert "事项 #" in client.get(reverse("tasks:standup")).content.decode()


@pytest.mark.parametrize(("username", "status"), [
    ("photo_a", 200), ("visual_lead", 200), ("manager", 200), ("kefu_lead", 404), ("kefu_a", 404)])
def test_who_reads_a_stand_up(client, team, clock, username, status):
    standup = write(team["photo_a"], today="修图")
    client.force_login(team[username])
    assert client.get(reverse("tasks:standup_detail", args=[standup.pk])).status_code == status


@pytest.mark.parametrize(("username", "status"), [("kefu_a", 404), ("kefu_lead", 403), ("visual_lead", 404)])
def test_only_the_author_raises_a_blocker(client, team, clock, username, status):
    standup = write(team["kefu_a"], today="处理退货", blockers="丢件")
    if username == "kefu_a":
        standup = write(team["visual_lead"], today="拍照", blockers="缺模特")
    client.force_login(team[username])
    response = client.post(reverse("tasks:raise_blocker", args=[standup.pk]))
    assert response.status_code == (403 if username == "kefu_lead" else status)
    assert not Case.objects.exists()


@pytest.mark.parametrize(("username", "status"), [("manager", 200), ("kefu_lead", 200), ("kefu_a", 403)])
def test_the_teams_stand_up_page_by_role(client, team, clock, username, status):
    client.force_login(team[username])
    assert client.get(reverse("tasks:standup_team")).status_code == status


def test_the_shop_manager_sees_who_has_not_written_by_ten(client, team, holidays, clock):
    clock.move_to(at("2026-11-23 09:30"))
    write(team["kefu_a"], today="接待")
    client.force_login(team["manager"])
    page = client.get(reverse("tasks:standup_team"))
    assert page.context["missing"] == []  # before 10:00 nobody is late
    clock.move_to(at("2026-11-23 10:05"))
    rows = client.get(reverse("tasks:standup_team")).context["rows"]
    missing = {row["person"].username for row in rows if row["missing"]}
    assert len(rows) == 8 and "kefu_a" not in missing and missing == {u for u in team if u != "kefu_a"}
    # A leader reads only their group.
    client.force_login(team["kefu_lead"])
    rows = client.get(reverse("tasks:standup_team")).context["rows"]
    assert {row["person"].username for row in rows} == {"kefu_lead", "kefu_a"}


def test_on_national_day_only_customer_service_is_expected(client, team, holidays, clock):
    clock.move_to(at("2026-10-02 11:00"))
    client.force_login(team["manager"])
    rows = client.get(reverse("tasks:standup_team")).context["rows"]
    assert {row["person"].username for row in rows if row["missing"]} == {"kefu_lead", "kefu_a"}
    assert {row["person"].username for row in rows if not row["works"]} == {u for u in team} - {"kefu_lead", "kefu_a"}
    page = client.get(reverse("tasks:standup_team") + "?date=2026-10-01").content.decode()
    assert "2026-10-01" in page


def test_my_tasks_reminds_me_of_todays_stand_up_until_i_write_it(client, team, holidays, clock):
    client.force_login(team["finance_lead"])
    assert "data-standup-prompt" in client.get(reverse("tasks:mine")).content.decode()
    write(team["finance_lead"], today="月报")
    assert "data-standup-prompt" not in client.get(reverse("tasks:mine")).content.decode()
    clock.move_to(at("2026-10-05 09:00"))  # National Day: no stand-up expected
    assert "data-standup-prompt" not in client.get(reverse("tasks:mine")).content.decode()


def test_a_member_of_several_posts_is_on_the_team_once(team, clock):
    from tasks.selectors import people_at_work

    posts = dict(people_at_work())
    assert posts[team["marketing_lead"]] == Post.objects.get(title="营销策划组组长")
    assert len(posts) == 8
