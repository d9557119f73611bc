"""/healthz and the admins' health line: 200 only while the database, the broker, a worker and beat answer."""
import datetime

import pytest
import time_machine
from celery.signals import before_task_publish
from django.db import OperationalError
from django.utils import timezone

from shopteam.celery import app
from shopteam.health import selectors, services
from shopteam.health.models import Heartbeat
from shopteam.health.tasks import HEARTBEAT
from shopteam.schedules import all_schedules
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def all_alive():
    services.beat(Heartbeat.Part.WORKER)
    services.beat(Heartbeat.Part.BEAT)


def test_healthy_answers_200_without_a_sign_in_and_shows_no_data(client):
    all_alive()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "worker", "beat"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0")
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_a_worker_not_seen_for_longer_than_the_setting_fails_it(client, settings):
    settings.SHOPTEAM_HEALTH_STALE_MINUTES = 5
    all_alive()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=4)):
        services.beat(Heartbeat.Part.BEAT)
        assert client.get("/healthz").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=7)):
        services.beat(Heartbeat.Part.BEAT)
        response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert response.json()["status"] == "failing"
    assert not checks["worker"]["ok"] and checks["beat"]["ok"] and checks["database"]["ok"]
    assert "7" in checks["worker"]["detail"]


def test_parts_never_seen_fail(client):
    checks = client.get("/healthz").json()["checks"]
    assert not checks["worker"]["ok"] and not checks["beat"]["ok"]


def test_a_broker_that_does_not_answer_fails_it(client, settings):
    all_alive()
    settings.SHOPTEAM_HEALTH_TIMEOUT = 1
    saved = app.conf.broker_url, app.conf.broker_write_url
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url, app.conf.broker_write_url = saved
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert not checks["broker"]["ok"] and checks["worker"]["ok"] and checks["database"]["ok"]


def test_a_database_that_does_not_answer_fails_it_and_says_the_rest_is_not_known(monkeypatch):
    all_alive()

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(selectors.connection, "cursor", refuse)
    parts = {part.name: part for part in selectors.check()}
    assert not selectors.healthy(parts.values())
    assert not parts["database"].ok and "OperationalError" in parts["database"].detail
    assert not parts["worker"].ok and not parts["beat"].ok


def test_publishing_the_heartbeat_is_beat_seen_and_other_tasks_are_not():
    before_task_publish.send(sender="roles.tasks.sync_department_groups")
    assert not Heartbeat.objects.exists()
    before_task_publish.send(sender=HEARTBEAT)
    assert Heartbeat.objects.get().part == Heartbeat.Part.BEAT


def test_beat_sends_the_heartbeat_every_minute():
    assert ("Heartbeat: beat and the worker answer", HEARTBEAT, ("every", 1)) in all_schedules()


def test_the_dashboard_tells_admins_in_words_and_nobody_else(client, team):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get("/dashboard/").content.decode()
    assert 'data-panel="health"' in page and 'data-healthy="no"' in page
    assert 'data-part="worker" data-ok="no"' in page
    all_alive()
    page = client.get("/dashboard/").content.decode()
    assert 'data-healthy="yes"' in page
    client.force_login(team["manager"])
    page = client.get("/dashboard/")
    assert page.status_code == 200 and 'data-panel="health"' not in page.content.decode()
