"""The task pages per role: people see their own and their departments' tasks, leaders manage their department's,
the shop manager sees and manages all; the board moves cards without a reload; the list sorts and downloads."""
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from roles.models import Post
from tasks.models import Task
from tests.factories import AssignmentFactory, UserFactory
from tests.tasks.conftest import at
from tests.tasks.factories import file_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(team, clock):
    """A customer-service task the leader gave the agent, one for the agent's post, and one of the visual group."""
    return {
        "agent": file_task(team["kefu_lead"], owner=team["kefu_a"], title="核对退货订单",
                           subtasks=["查物流", "回复顾客"], due=at("2026-11-24 18:00")),
        "post": file_task(post=Post.objects.get(title="客服A"), title="回访未评价订单", source=Task.Source.DUTY),
        "visual": file_task(team["visual_lead"], owner=team["photo_a"], title="拍新品主图"),
    }


@pytest.fixture
def colleague(team):
    """A second customer-service agent: sees the department's tasks, works only on their own."""
    return AssignmentFactory(user=UserFactory(username="kefu_b"), post=Post.objects.get(title="客服A")).user


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# -- who sees a task ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "status"), [
    ("kefu_a", 200), ("kefu_lead", 200), ("manager", 200), ("visual_lead", 404), ("photo_a", 404),
    ("marketing_lead", 404),
])
def test_a_task_page_is_seen_by_its_owner_department_and_the_shop_manager(client, team, tasks, username, status):
    response = get(client, team[username], tasks["agent"].get_absolute_url())
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "核对退货订单" in page and "查物流" in page and "赵客服" in page


def test_a_colleague_sees_the_departments_task_but_cannot_work_on_it(client, tasks, colleague):
    task = tasks["agent"]
    client.force_login(colleague)
    assert client.get(task.get_absolute_url()).status_code == 200
    assert client.post(reverse("tasks:move", args=[task.pk]), {"status": "done"}).status_code == 403
    subtask = task.subtasks.first()
    assert client.post(reverse("tasks:tick_subtask", args=[task.pk, subtask.pk]), {"done": "1"}).status_code == 403
    assert client.get(reverse("tasks:edit", args=[task.pk])).status_code == 403
    task.refresh_from_db()
    assert task.status == "todo" and task.subtasks_done == 0
    # A comment is for anyone who can see it.
    assert client.post(reverse("tasks:comment", args=[task.pk]), {"note": "我来帮忙查物流"}).status_code == 302
    assert task.events.get().note == "我来帮忙查物流"


@pytest.mark.parametrize(("username", "status"), [
    ("kefu_a", 403), ("kefu_lead", 200), ("manager", 200), ("visual_lead", 404),
])
def test_only_leaders_the_filer_and_the_shop_manager_change_a_task(client, team, tasks, username, status):
    assert get(client, team[username], reverse("tasks:edit", args=[tasks["agent"].pk])).status_code == status


@pytest.mark.parametrize(("username", "status"), [("kefu_a", 302), ("manager", 302), ("visual_lead", 404)])
def test_moving_a_task_by_role(client, team, tasks, username, status):
    task = tasks["post"]  # owned by the post 客服A: its holder works on it
    client.force_login(team[username])
    response = client.post(reverse("tasks:move", args=[task.pk]), {"status": "doing"})
    assert response.status_code == status
    task.refresh_from_db()
    assert task.status == ("doing" if status == 302 else "todo")


@pytest.mark.parametrize(("username", "status", "added"), [
    ("kefu_a", 302, 1), ("kefu_lead", 302, 1), ("manager", 302, 1), ("kefu_b", 403, 0), ("photo_a", 404, 0),
])
def test_adding_a_subtask_by_role(client, team, tasks, colleague, username, status, added):
    task = tasks["agent"]
    user = colleague if username == "kefu_b" else team[username]
    client.force_login(user)
    response = client.post(reverse("tasks:add_subtask", args=[task.pk]), {"title": "退款给顾客"})
    assert response.status_code == status
    assert task.subtasks.filter(title="退款给顾客").count() == added


def test_an_empty_subtask_is_refused_with_a_message_and_adds_nothing(client, team, tasks):
    task = tasks["agent"]
    client.force_login(team["kefu_a"])
    response = client.post(reverse("tasks:add_subtask", args=[task.pk]), {"title": "  "}, follow=True)
    assert "子任务需要标题。" in response.content.decode()
    assert task.subtasks.count() == 2


@pytest.mark.parametrize(("username", "status"), [("kefu_a", 302), ("photo_a", 404)])
def test_commenting_by_role(client, team, tasks, username, status):
    client.force_login(team[username])
    response = client.post(reverse("tasks:comment", args=[tasks["agent"].pk]), {"note": "收到"})
    assert response.status_code == status
    assert tasks["agent"].events.count() == (1 if status == 302 else 0)


@pytest.mark.parametrize("username", ["kefu_a", "visual_lead", "manager"])
def test_my_tasks_board_list_and_the_form_open_for_everyone(client, team, tasks, username):
    for name in ("tasks:mine", "tasks:board", "tasks:list", "tasks:create", "tasks:export"):
        assert get(client, team[username], reverse(name)).status_code == 200, name


def test_the_board_and_list_show_what_each_person_may_see(client, team, tasks):
    def titles(username, name="tasks:board"):
        page = get(client, team[username], reverse(name)).content.decode()
        return {title for title in ("核对退货订单", "回访未评价订单", "拍新品主图") if title in page}

    assert titles("kefu_a") == {"核对退货订单", "回访未评价订单"}
    assert titles("visual_lead") == {"拍新品主图"}
    assert titles("manager") == {"核对退货订单", "回访未评价订单", "拍新品主图"}
    assert titles("photo_a", "tasks:list") == {"拍新品主图"}


def test_only_the_shop_manager_reads_the_missed_duty_periods(client, team):
    assert get(client, team["manager"], reverse("tasks:missed")).status_code == 200
    assert get(client, team["kefu_lead"], reverse("tasks:missed")).status_code == 403


def test_my_tasks_is_everyones_start_page_but_the_shop_managers(client, team):
    assert get(client, team["kefu_a"], reverse("home"))["Location"] == reverse("tasks:mine")
    assert get(client, team["manager"], reverse("home"))["Location"] == reverse("dashboard")


def test_the_navigation_counts_my_open_tasks(client, team, tasks):
    page = get(client, team["kefu_a"], reverse("roles:org_chart")).content.decode()
    assert 'data-count="tasks">2<' in page
    Task.objects.filter(pk=tasks["post"].pk).update(status="done")
    page = client.get(reverse("roles:org_chart")).content.decode()
    assert 'data-count="tasks">1<' in page


# -- filing and changing -----------------------------------------------------------------------------------------

def test_filing_a_task_with_subtasks_from_the_form(client, team, clock):
    client.force_login(team["kefu_lead"])
    form = client.get(reverse("tasks:create")).context["form"]
    data = {"title": "整理售后话术", "owner": f"user:{team['kefu_a'].pk}", "priority": "high",
            "due_date": "2026-11-25", "due_time": "", "subtasks": "退货\n换货\n\n投诉", "detail": "",
            "key": form.initial["key"]}
    response = client.post(reverse("tasks:create"), data)
    task = Task.objects.get()
    assert response["Location"] == task.get_absolute_url()
    assert (task.owner, task.priority, task.due, task.subtask_count) == (team["kefu_a"], "high",
                                                                         at("2026-11-25 23:00"), 3)
    client.post(reverse("tasks:create"), data)  # the same form sent twice files one task
    assert Task.objects.count() == 1


def test_back_and_submit_again_files_one_task(client, team, clock):
    client.force_login(team["kefu_lead"])
    data = {"title": "整理售后话术", "owner": f"user:{team['kefu_a'].pk}", "priority": "high",
            "due_date": "2026-11-25", "due_time": "", "subtasks": "退货\n换货", "detail": "按订单号"}
    key = client.get(reverse("tasks:create")).context["form"].initial["key"]
    first = client.post(reverse("tasks:create"), {**data, "key": key})
    clock.shift(60 * 5)
    key = client.get(reverse("tasks:create")).context["form"].initial["key"]  # Back: a new key
    second = client.post(reverse("tasks:create"), {**data, "key": key})
    task = Task.objects.get()
    assert first["Location"] == second["Location"] == task.get_absolute_url()
    key = client.get(reverse("tasks:create")).context["form"].initial["key"]
    client.post(reverse("tasks:create"), {**data, "title": "整理换货话术", "key": key})  # another task
    assert Task.objects.count() == 2


def test_a_bad_task_form_says_why_and_files_nothing(client, team, clock):
    client.force_login(team["kefu_a"])
    response = client.post(reverse("tasks:create"), {
        "title": "", "owner": f"user:{team['kefu_a'].pk}", "priority": "normal", "due_date": "2026-11-20"})
    page = response.content.decode()
    assert response.status_code == 200 and "请填写任务标题" in page and "已经过了" in page
    response = client.post(reverse("tasks:create"), {
        "title": "替组长做事", "owner": f"user:{team['kefu_lead'].pk}", "priority": "normal"})
    assert response.status_code == 200 and response.context["form"].errors["owner"]
    assert not Task.objects.exists()


def test_a_post_nobody_holds_is_refused_on_the_form(client, team, clock):
    from roles.models import Assignment

    Assignment.objects.filter(post__title="摄影A").delete()
    client.force_login(team["visual_lead"])
    response = client.post(reverse("tasks:create"), {
        "title": "拍照", "owner": f"post:{Post.objects.get(title='摄影A').pk}", "priority": "normal"})
    assert "今天没有人在 摄影A 岗位上" in response.content.decode()
    assert not Task.objects.exists()


def test_a_leader_reassigns_a_task_to_a_post_and_history_says_who_changed_what(client, team, tasks):
    task = tasks["agent"]
    client.force_login(team["kefu_lead"])
    response = client.post(reverse("tasks:edit", args=[task.pk]), {
        "title": task.title, "owner": f"post:{Post.objects.get(title='客服组组长').pk}", "priority": "urgent",
        "due_date": "2026-11-24", "due_time": "18:00", "detail": ""})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.post.title, task.owner, task.priority) == ("客服组组长", None, "urgent")
    page = client.get(task.get_absolute_url()).content.decode()
    assert "紧急" in page and "客服组组长" in page and "李客服" in page
    assert [(e.field, e.actor) for e in task.events.all()] == [("priority", team["kefu_lead"]),
                                                               ("owner", team["kefu_lead"])]


# -- the board moves cards with htmx ------------------------------------------------------------------------------

def test_a_card_moves_column_without_a_reload(client, team, tasks):
    task = tasks["agent"]
    client.force_login(team["kefu_a"])
    response = client.post(reverse("tasks:move", args=[task.pk]), {"status": "doing"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="afterbegin:#cards-doing"' in page and f'id="task-{task.pk}"' in page
    assert 'hx-swap-oob="innerHTML:#count-todo">1<' in page and 'hx-swap-oob="innerHTML:#count-doing">1<' in page
    task.refresh_from_db()
    assert task.status == "doing" and task.started_at is not None
    assert task.events.get().new == "doing"


def test_a_card_refused_stays_and_says_why(client, tasks, colleague):
    client.force_login(colleague)
    response = client.post(reverse("tasks:move", args=[tasks["post"].pk]), {"status": "bogus"},
                           HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'hx-swap-oob="innerHTML:#board-messages"' in page and "请选择状态" in page
    assert f'id="task-{tasks["post"].pk}"' in page


def test_ticking_a_subtask_answers_with_the_checklist(client, team, tasks):
    task = tasks["agent"]
    first = task.subtasks.first()
    client.force_login(team["kefu_a"])
    response = client.post(reverse("tasks:tick_subtask", args=[task.pk, first.pk]), {"done": "1"},
                           HTTP_HX_REQUEST="true")
    assert 'id="checklist"' in response.content.decode() and "已完成 1 / 2" in response.content.decode()
    task.refresh_from_db()
    assert task.subtasks_done == 1
    client.post(reverse("tasks:tick_subtask", args=[task.pk, first.pk]), {}, HTTP_HX_REQUEST="true")
    task.refresh_from_db()
    assert task.subtasks_done == 0
    assert [e.kind for e in task.events.all()] == ["subtask_done", "subtask_undone"]


# -- the list: sorting, filters from the dashboard, Excel ---------------------------------------------------------

def test_the_list_sorts_and_filters(client, team, tasks):
    client.force_login(team["manager"])
    page = client.get(reverse("tasks:list") + "?sort=-title").context["page"]
    assert [t.title for t in page.object_list] == sorted([t.title for t in tasks.values()], reverse=True)
    page = client.get(reverse("tasks:list") + f"?person={team['kefu_a'].pk}&sort=title").context["page"]
    assert {t.title for t in page.object_list} == {"核对退货订单", "回访未评价订单"}
    department = tasks["visual"].department_id
    page = client.get(reverse("tasks:list") + f"?department={department}").context["page"]
    assert [t.title for t in page.object_list] == ["拍新品主图"]


def test_the_excel_download_has_the_rows_the_list_shows(client, team, tasks):
    response = get(client, team["kefu_lead"], reverse("tasks:export") + "?sort=title")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "标题", "状态")
    assert sorted(row[1] for row in rows[1:]) == ["回访未评价订单", "核对退货订单"]
    assert {row[4] for row in rows[1:]} == {"赵客服", "客服A（赵客服）"}


# -- query counts stay flat ---------------------------------------------------------------------------------------

def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def spread_tasks(count, *, owners, now):
    """`count` tasks in turn overdue, due today, coming up and done (the sections of "my tasks" and the columns
    of the board), each owned in turn by the people and posts of `owners`: every section and column has tasks of
    both kinds at any size, so a query count compares like with like."""
    import datetime

    tasks = []
    for index in range(count):
        owner = owners[index % len(owners)]
        kind = index // len(owners) % 4
        hours = datetime.timedelta(hours=1 + index % 5)
        due = {0: now - hours, 1: now + datetime.timedelta(minutes=10 + index % 300),
               2: now + datetime.timedelta(days=2) + hours, 3: now - hours}[kind]
        tasks.append(Task(
            title=f"任务 {index}", owner=owner if not isinstance(owner, Post) else None,
            post=owner if isinstance(owner, Post) else None, department_id=owner_department(owner),
            due=due, status=["todo", "doing", "todo", "done"][kind], done_at=now - hours if kind == 3 else None,
            subtask_count=2, subtasks_done=index % 3,
        ))
    Task.objects.bulk_create(tasks)


def owner_department(owner):
    return owner.department_id if isinstance(owner, Post) else Post.objects.get(title="客服A").department_id


@pytest.mark.parametrize("name", ["tasks:mine", "tasks:board", "tasks:list", "tasks:export"])
def test_pages_make_the_same_queries_for_10_and_300_tasks(client, team, clock, name):
    from django.utils import timezone

    owners = [team["kefu_a"], Post.objects.get(title="客服A")]
    spread_tasks(10, owners=owners, now=timezone.now())
    client.force_login(team["kefu_a"])
    counts = [count_queries(client, reverse(name))]
    spread_tasks(290, owners=owners, now=timezone.now())
    counts.append(count_queries(client, reverse(name)))
    assert counts[0] == counts[1], counts


def test_marking_done_a_task_with_open_subtasks_asks_first_and_says_how_many(client, team, tasks):
    task = tasks["agent"]  # two subtasks, none ticked
    client.force_login(team["kefu_a"])
    response = client.post(reverse("tasks:move", args=[task.pk]), {"status": "done"}, follow=True)
    task.refresh_from_db()
    assert task.status == "todo"
    page = response.content.decode()
    assert "还有 2 个子任务没有完成" in page and 'name="confirm"' in page
    client.post(reverse("tasks:move", args=[task.pk]), {"status": "done", "confirm": "1"})
    task.refresh_from_db()
    assert task.status == "done"


def test_the_board_asks_too_before_a_task_with_open_subtasks_is_done(client, team, tasks):
    task = tasks["agent"]
    client.force_login(team["kefu_a"])
    response = client.post(reverse("tasks:move", args=[task.pk]), {"status": "done"}, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == f"{task.get_absolute_url()}?confirm=done"
    task.refresh_from_db()
    assert task.status == "todo"
