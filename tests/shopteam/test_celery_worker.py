"""A real Celery worker (not eager) takes a project task from the configured broker and runs it on the test
database: proof that the app, the broker settings and the task modules fit together."""
import uuid

import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping, which start_worker expects)
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from roles.tasks import sync_department_groups
from shopteam.celery import app
from shopteam.health.models import Heartbeat
from shopteam.health.tasks import heartbeat
from tests.threads import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]



@pytest.fixture
def queue():
    """A queue of this test's own, so that no other worker on the same broker (a teammate's test run, a
    demo worker, another xdist process with its own database) can take the task, and no stale message
    is taken by this worker."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    saved = {key: app.conf[key] for key in ("task_default_queue", "worker_hijack_root_logger")}
    # .delay() routes to task_default_queue, read at each send; pytest keeps the root logger.
    app.conf.update(task_default_queue=name, worker_hijack_root_logger=False)
    yield name
    app.conf.update(saved)


def running_worker(queue):
    # There is no result backend (CELERY_RESULT_BACKEND is None), so no ping: tests poll the database.
    return start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=15)




def remove_from_own_department_group(person):
    group = person.assignments.get().post.department.group
    person.groups.remove(group)
    assert not person.groups.filter(pk=group.pk).exists()
    return group


def test_a_worker_restores_a_department_group_membership_removed_by_hand(team, queue):
    print(f"broker: {settings.CELERY_BROKER_URL}, queue: {queue}")
    person = team["kefu_lead"]
    group = remove_from_own_department_group(person)

    with running_worker(queue):
        sync_department_groups.delay()
        wait_until(lambda: person.groups.filter(pk=group.pk).exists(), f"{person} back in {group}")


@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="needs CELERY_BROKER_URL=redis://… (bin/test sets it when Redis answers)",
)
def test_the_worker_takes_the_task_from_redis(team, queue):
    import redis

    print(f"broker: {settings.CELERY_BROKER_URL}, queue: {queue}")
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    person = team["kefu_lead"]
    group = remove_from_own_department_group(person)

    sync_department_groups.delay()
    assert broker.llen(queue) == 1  # sent to Redis, and nobody has taken it yet
    assert not person.groups.filter(pk=group.pk).exists()

    with running_worker(queue):
        wait_until(lambda: person.groups.filter(pk=group.pk).exists(), f"{person} back in {group}")
    assert broker.llen(queue) == 0


def test_the_heartbeat_run_by_a_real_worker_makes_healthz_answer_200(client, queue):
    assert client.get("/healthz").status_code == 503
    with running_worker(queue):
        heartbeat.delay()  # what beat sends every minute: publishing it records beat, running it the worker
        wait_until(lambda: Heartbeat.objects.filter(part=Heartbeat.Part.WORKER).exists(), "the worker's heartbeat")
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
