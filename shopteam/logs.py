"""Logs as one JSON line per event on standard output, each naming the request or the Celery job it belongs to.

A request's id comes from its X-Request-ID header (nginx sets it) when that looks like an id, else a new one; it
is sent back in the response's X-Request-ID, so gunicorn's access line (deploy/gunicorn.conf.py) carries it too.
A job's id is Celery's task id, set while the task runs (task_prerun / task_postrun)."""
import contextvars
import json
import logging
import logging.config
import re
import uuid
from datetime import UTC, datetime

from celery import signals

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # nothing that could forge a second log line or field

current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
current_task_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("task_id", default=None)
current_task_name: contextvars.ContextVar[str | None] = contextvars.ContextVar("task_name", default=None)


class RequestIdMiddleware:
    """First in MIDDLEWARE: every record logged while the request is handled carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class ContextFilter(logging.Filter):
    """Adds request_id, task_id and task to every record (None outside a request or a job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs a 4xx after the middleware has returned; the record carries the request itself.
        request_id = current_request_id.get() or getattr(getattr(record, "request", None), "request_id", None)
        task_id = current_task_id.get()
        # "context" is the text format's one field. (Set through __dict__: a LogRecord declares no such attributes.)
        record.__dict__.update(request_id=request_id, task_id=task_id, task=current_task_name.get(),
                               context=request_id or task_id or "-")
        return True


class JsonFormatter(logging.Formatter):
    """One line per record: time, level, logger, message, the request or job, and a traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ("request_id", "task_id", "task"):
            value = getattr(record, field, None)
            if value:
                line[field] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


@signals.task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs):
    current_task_id.set(task_id)
    current_task_name.set(getattr(task, "name", None))


@signals.task_postrun.connect
def _task_ended(**kwargs):
    current_task_id.set(None)
    current_task_name.set(None)


@signals.setup_logging.connect
def _keep_django_logging(**kwargs):
    """A receiver here stops Celery replacing the root logger's handlers: the worker and beat log as Django's
    LOGGING says (the JSON lines above), not in Celery's own format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
