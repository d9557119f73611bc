"""One rule (tasks.rules) answers "what may this person do to this task now": the task's page and its card on the
board show exactly the moves the service accepts, in every state (to do → doing → done, done reopened to to do)."""
import re

import pytest
from django.db import transaction
from django.urls import reverse

from roles.models import Post
from shopteam.errors import ServiceError
from tasks import services
from tasks.models import Task
from tests.factories import AssignmentFactory, UserFactory
from tests.tasks.factories import file_task

pytestmark = pytest.mark.django_db

MOVE = re.compile(r'data-move="(\w+)"')


class _Undo(Exception):
    pass


def accepted_moves(task, user):
    """The statuses the service moves the task to for `user` (each undone afterwards)."""
    taken = set()
    for status in Task.Status.values:
        if status == task.status:
            continue
        try:
            with transaction.atomic():
                services.move_task(task, by=user, status=status)
                raise _Undo
        except _Undo:
            taken.add(status)
        except ServiceError:
            pass
    return taken


def card(page, task):
    start = page.index(f'id="task-{task.pk}"')
    end = page.find('class="card task-card', start + 1)
    return page[start:end if end != -1 else len(page)]


@pytest.mark.parametrize("username", ["kefu_a", "kefu_lead", "manager", "kefu_b"])
def test_every_tasks_buttons_on_its_page_and_card_are_the_moves_the_service_accepts(client, team, clock, username):
    colleague = AssignmentFactory(user=UserFactory(username="kefu_b"), post=Post.objects.get(title="客服A")).user
    user = colleague if username == "kefu_b" else team[username]
    task = file_task(team["kefu_lead"], owner=team["kefu_a"], title="核对退货订单")
    client.force_login(user)
    walked = {}
    for status, next_move in [("todo", "doing"), ("doing", "done"), ("done", None)]:
        task.refresh_from_db()
        assert task.status == status
        on_page = set(MOVE.findall(client.get(task.get_absolute_url()).content.decode()))
        on_card = set(MOVE.findall(card(client.get(reverse("tasks:board")).content.decode(), task)))
        taken = accepted_moves(task, user)
        assert on_page == on_card == taken, status
        walked[status] = taken
        if next_move:
            services.move_task(task, by=team["kefu_lead"], status=next_move)
    if username == "kefu_b":  # sees the department's task, works only on their own
        assert walked == {"todo": set(), "doing": set(), "done": set()}
    else:
        assert walked == {"todo": {"doing", "done"}, "doing": {"todo", "done"}, "done": {"todo"}}


def test_a_done_task_is_reopened_before_it_is_started_again(team, clock):
    task = file_task(team["kefu_a"], title="回复差评")
    services.move_task(task, by=team["kefu_a"], status="done")
    with pytest.raises(ServiceError, match="cannot go to"):
        services.move_task(task, by=team["kefu_a"], status="doing")
    services.move_task(task, by=team["kefu_a"], status="done")  # a second click changes nothing
    services.move_task(task, by=team["kefu_a"], status="todo")
    services.move_task(task, by=team["kefu_a"], status="doing")
    task.refresh_from_db()
    assert task.status == "doing"
