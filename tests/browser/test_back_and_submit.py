"""Back and submit again in a real browser: the form the browser shows again makes no second case or task.

Back may show the page from the browser's cache (the same hidden key) or load it again (a new key, the fields
filled in again by the browser or by the person); either way one filled-in form makes one object."""
import datetime

import pytest
from django.urls import reverse

from escalation.models import Case
from roles.models import Difficulty
from tasks.models import Task
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page):
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def back_to_the_form(page, fields):
    """Back, then reload as a person does when the page looks stale: the form comes with a new key; what the
    browser did not keep of the filled-in form is typed again, the same."""
    key = page.locator("input[name=key]")
    page.go_back()
    first_key = key.input_value()
    page.reload()
    assert key.input_value() != first_key  # a new key: the key alone cannot tell it is the same form
    fill(page, fields)


def fill(page, fields):
    for selector, value in fields.items():
        if selector.startswith("select"):
            page.select_option(selector, value)
        else:
            page.fill(selector, value)


def test_back_and_submit_again_raises_one_case(page, live_server, team, working_hours):
    difficulty = Difficulty.objects.get(name="客服忙碌")
    sign_in(page, live_server, "kefu_a", PASSWORD)
    page.goto(live_server.url + reverse("escalation:raise_case") + f"?difficulty={difficulty.pk}")
    fields = {"textarea[name=description]": "咨询太多，顾客在排队"}
    fill(page, fields)
    submit(page)
    case = Case.objects.get()
    assert page.url == live_server.url + case.get_absolute_url()

    back_to_the_form(page, fields)
    submit(page)
    assert Case.objects.count() == 1
    assert page.url == live_server.url + case.get_absolute_url()


def test_back_and_submit_again_files_one_task(page, live_server, team, working_hours):
    sign_in(page, live_server, "kefu_lead", PASSWORD)
    page.goto(live_server.url + reverse("tasks:create"))
    due = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    fields = {"input[name=title]": "整理售后话术", "select[name=owner]": f"user:{team['kefu_a'].pk}",
              "input[name=due_date]": due, "textarea[name=subtasks]": "退货\n换货"}
    fill(page, fields)
    submit(page)
    task = Task.objects.get()
    assert page.url == live_server.url + task.get_absolute_url()

    back_to_the_form(page, fields)
    submit(page)
    assert Task.objects.count() == 1
    assert page.url == live_server.url + task.get_absolute_url()
