"""Logs: one JSON line per event on standard output, carrying the request's id (X-Request-ID, given or made) or the
Celery job's task id."""
import io
import json
import logging

import pytest
from django.conf import settings

from shopteam.celery import app
from shopteam.logs import JsonFormatter
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
logger = logging.getLogger("tests.logs")


@app.task(name="tests.logs.says_something")
def says_something():
    logger.info("the job ran")


def _console():
    return next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter))


@pytest.fixture
def log_lines():
    """The lines the configured console handler writes (to standard output in a real process), parsed."""
    handler = _console()
    stream, previous = io.StringIO(), handler.stream
    handler.stream = stream  # not setStream: it flushes the stream it replaces, which another test may have closed
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.stream = previous


def test_the_console_writes_json_to_standard_output():
    assert isinstance(_console(), logging.StreamHandler)
    assert settings.LOGGING["handlers"]["console"]["stream"] == "ext://sys.stdout"


def test_a_request_logs_under_the_id_it_was_given_and_returns_it(client, log_lines):
    client.force_login(UserFactory())
    for given in ("edge-4f2a.17", "edge-4f2a.18"):
        response = client.get("/no-such-page/", headers={"X-Request-ID": given})
        assert response.status_code == 404 and response["X-Request-ID"] == given
    lines = [line for line in log_lines() if line["logger"] == "django.request"]
    assert [line["request_id"] for line in lines] == ["edge-4f2a.17", "edge-4f2a.18"]
    assert lines[0]["level"] == "WARNING" and "/no-such-page/" in lines[0]["message"]


def test_a_request_without_an_id_or_with_a_forged_one_gets_a_new_one(client, log_lines):
    client.force_login(UserFactory())
    first = client.get("/no-such-page/")["X-Request-ID"]
    forged = client.get("/no-such-page/", headers={"X-Request-ID": 'x"\n{"level": "ERROR"}'})["X-Request-ID"]
    assert len(first) == 32 and len(forged) == 32 and first != forged
    assert [line["request_id"] for line in log_lines() if line["logger"] == "django.request"] == [first, forged]


def test_a_job_logs_under_its_task_id(log_lines):
    logger.info("before the job")
    says_something.apply(task_id="job-0001")
    logger.info("after the job")
    before, during, after = [line for line in log_lines() if line["logger"] == "tests.logs"]
    assert during["message"] == "the job ran"
    assert during["task_id"] == "job-0001" and during["task"] == "tests.logs.says_something"
    assert "task_id" not in before and "task_id" not in after


def test_a_traceback_stays_on_one_line(log_lines):
    try:
        raise ValueError("broken")
    except ValueError:
        logger.exception("it failed")
    (line,) = log_lines()
    assert line["message"] == "it failed" and "ValueError: broken" in line["exception"]
