"""A task's whole journey on a phone: the customer-service leader files a task with subtasks for her agent, the agent
moves it on the board (htmx, no reload), ticks its subtasks and finishes it; the stand-up filled in on a phone with
its blocker raised as a case; the shop manager reads the team's stand-ups and the tasks panel on a desktop.

Time is real here (the live server runs in another thread, so no time-machine); the working hours are in the
database. Screenshots land in test-artifacts/screenshots/tasks-*.png.
"""
import datetime
import re

import pytest
from django.urls import reverse

from escalation.models import Case
from tasks.models import Standup, Task
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_escalation_journey import assert_fits, go
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "整理双十二售后话术"
SUBTASKS = ["退货流程", "换货流程", "差评回复模板"]


def open_menu(page):
    """On a phone the navigation folds away behind the toggler."""
    if page.locator(".navbar-toggler").is_visible():
        page.click(".navbar-toggler")
        page.locator("#nav.show").wait_for()


def leader_files_a_task_with_subtasks(page, live_server, team):
    sign_in(page, live_server, "kefu_lead", PASSWORD)
    assert page.url == live_server.url + reverse("tasks:mine")  # everyone but the manager starts on my tasks
    assert_fits(page)
    go(page, f"main a[href='{reverse('tasks:create')}']")
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=owner]", f"user:{team['kefu_a'].pk}")
    page.select_option("select[name=priority]", "high")
    page.fill("input[name=due_date]", (datetime.date.today() + datetime.timedelta(days=7)).isoformat())
    page.fill("textarea[name=subtasks]", "\n".join(SUBTASKS))
    assert_fits(page)
    screenshot(page, "tasks-new-task-phone")
    go(page, "main form button[type=submit]")
    task = Task.objects.get()
    assert page.url == live_server.url + task.get_absolute_url()
    assert [s.title for s in task.subtasks.all()] == SUBTASKS
    assert page.locator("#checklist li[data-subtask]").count() == 3
    return task


def agent_moves_it_on_the_board(page, live_server, task):
    sign_in(page, live_server, "kefu_a", PASSWORD)
    assert page.locator("nav.navbar [data-count=tasks]").inner_text().strip() == "1"
    open_menu(page)
    go(page, f"nav.navbar a[href='{reverse('tasks:board')}']")
    card = page.locator(f"#cards-todo #task-{task.pk}")
    assert card.count() == 1 and "0/3" in card.inner_text()
    screenshot(page, "tasks-board-before-phone")
    page.evaluate("window.notReloaded = true")
    card.locator("button[data-move=doing]").click()
    page.locator(f"#cards-doing #task-{task.pk}").wait_for()
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the card: the page never reloaded
    assert page.locator(f"#cards-todo #task-{task.pk}").count() == 0
    assert page.locator("#count-doing").inner_text() == "1" and page.locator("#count-todo").inner_text() == "0"
    assert_fits(page)
    screenshot(page, "tasks-board-moved-phone")
    task.refresh_from_db()
    assert task.status == "doing"


def agent_ticks_the_subtasks_and_finishes(page, live_server, task):
    go(page, f"#task-{task.pk} a[href='{task.get_absolute_url()}']")
    page.evaluate("window.notReloaded = true")
    for index, subtask in enumerate(task.subtasks.all(), start=1):
        page.click(f"label[for=subtask-{subtask.pk}]")
        page.locator(f"#checklist li.done[data-subtask='{subtask.pk}']").wait_for()
        assert re.search(rf"{index} / 3|{index} of 3", page.locator("#checklist [data-progress]").inner_text())
    assert page.evaluate("window.notReloaded") is True
    task.refresh_from_db()
    assert task.subtasks_done == 3
    assert_fits(page)
    screenshot(page, "tasks-subtasks-ticked-phone")
    go(page, "main form button[data-move=done]")
    task.refresh_from_db()
    assert task.status == "done" and task.done_by.username == "kefu_a"
    history = page.locator("li[data-event]").evaluate_all("rows => rows.map(r => r.dataset.event)")
    assert history == ["created", "status", "subtask_done", "subtask_done", "subtask_done", "status"]
    assert_fits(page)
    screenshot(page, "tasks-done-phone")


def test_a_task_is_filed_moved_ticked_and_finished_on_a_phone(open_page, live_server, team, working_hours):
    task = leader_files_a_task_with_subtasks(open_page(PHONE), live_server, team)
    agent = open_page(PHONE)
    agent_moves_it_on_the_board(agent, live_server, task)
    agent_ticks_the_subtasks_and_finishes(agent, live_server, task)

    leader = open_page(DESKTOP)  # the leader sees it done on the board
    sign_in(leader, live_server, "kefu_lead", PASSWORD)
    leader.goto(live_server.url + reverse("tasks:board"))
    assert leader.locator(f"#cards-done #task-{task.pk}").count() == 1
    assert_fits(leader)
    screenshot(leader, "tasks-board-desktop")
    leader.goto(live_server.url + reverse("tasks:list") + "?sort=-done")
    assert leader.locator(f"tr[data-task='{task.pk}']").count() == 1
    assert_fits(leader)
    screenshot(leader, "tasks-list-desktop")


def test_the_stand_up_is_filled_in_on_a_phone_and_its_blocker_raised(open_page, live_server, team, working_hours):
    page = open_page(PHONE)
    sign_in(page, live_server, "photo_a", PASSWORD)
    open_menu(page)
    go(page, f"nav.navbar a[href='{reverse('tasks:standup')}']")
    page.fill("textarea[name=yesterday]", "拍完玫瑰花茶场景图 12 张")
    page.fill("textarea[name=today]", "拍桂花乌龙白底主图")
    page.fill("textarea[name=blockers]", "摄影灯坏了一盏，白底图发灰")
    assert_fits(page)
    screenshot(page, "tasks-standup-form-phone")
    go(page, "main form[data-submit-once] button[type=submit]")
    assert page.locator("main .alert-success").count() == 1
    standup = Standup.objects.get()
    assert standup.blockers == "摄影灯坏了一盏，白底图发灰"
    go(page, "[data-blocker] button[type=submit]")
    case = Case.objects.get()
    assert page.url == live_server.url + case.get_absolute_url()
    assert case.current_post.title == "视觉组组长" and case.subject == standup
    assert_fits(page)
    screenshot(page, "tasks-standup-blocker-case-phone")

    manager = open_page(DESKTOP)
    sign_in(manager, live_server, "manager", PASSWORD)
    manager.goto(live_server.url + reverse("tasks:standup_team"))
    assert manager.locator("[data-person=photo_a]").count() == 1
    assert "白底图发灰" in manager.locator("[data-person=photo_a]").inner_text()
    assert_fits(manager)
    screenshot(manager, "tasks-standup-team-desktop")
    phone = open_page(PHONE)
    sign_in(phone, live_server, "manager", PASSWORD)
    phone.goto(live_server.url + reverse("tasks:standup_team"))
    assert_fits(phone)
    screenshot(phone, "tasks-standup-team-phone")


def test_the_pages_fit_a_phone_with_the_demo_week(open_page, live_server, team, working_hours):
    from django.apps import apps

    apps.get_app_config("tasks").load_demo()
    phone = open_page(PHONE)
    sign_in(phone, live_server, "kefu_lead", PASSWORD)
    for name in ("tasks:mine", "tasks:board", "tasks:list"):
        phone.goto(live_server.url + reverse(name))
        assert_fits(phone)
        screenshot(phone, f"tasks-{name.split(':')[1]}-demo-phone")
    desktop = open_page(DESKTOP)
    sign_in(desktop, live_server, "manager", PASSWORD)
    desktop.goto(live_server.url + reverse("dashboard"))
    assert desktop.locator("[data-panel=tasks]").count() == 1
    assert_fits(desktop)
    screenshot(desktop, "tasks-dashboard-desktop")
    task = Task.objects.filter(subtask_count__gt=0).first()
    desktop.goto(live_server.url + task.get_absolute_url())
    assert_fits(desktop)
    screenshot(desktop, "tasks-task-page-desktop")
