"""Queueing Celery work once the data it needs is committed, without ever failing the request that saved it.

Every task of the project is a ShopteamTask (shopteam.celery sets it as the app's task class), so the one
`delay_on_commit` everybody calls is this one: after commit it hands the task to the broker, and if the broker
cannot be reached it logs the failure and goes on. The change is committed by then; a user who saw an error
would submit it again, and the after-commit steps queued behind it would never run. What was not queued waits
where it was written (a notification's outbox row, an import's status) for the periodic sweep that picks it up.
"""
import importlib
import logging
from functools import partial

from celery import current_app
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises on publish: kombu wraps the transport's connection errors
# (Redis' ConnectionError, a refused socket) in OperationalError; a bare socket error may still come through.
BROKER_ERRORS = (OperationalError, OSError)


def queue_now(send, task_name, calls):
    """Call `send(*args, **kwargs)` (a task's delay or apply_async) for each (args, kwargs) in `calls`, in
    order, and return how many the broker took. At the first broker error it logs and stops: the broker is down,
    each further try would cost its second of retries, and the sweep picks up the rest as well."""
    for done, (args, kwargs) in enumerate(calls):
        try:
            send(*args, **kwargs)
        except BROKER_ERRORS as exc:
            logger.error("Could not queue %s%r (and %s more): %s: %s; left for the periodic sweep", task_name,
                         tuple(args), len(calls) - done - 1, type(exc).__name__, exc)
            return done
    return len(calls)


def task_named(name):
    """The registered task called `name`, for a service that queues a job whose module imports that service:
    the jobs' module imports the services, never the reverse, so the two never form an import circle. A web
    process has not imported the jobs' modules (the worker discovers them when it starts): the module is imported
    on first use."""
    if name not in current_app.tasks:
        importlib.import_module(name.rpartition(".")[0])
    return current_app.tasks[name]


class ShopteamTask(DjangoTask):
    def delay_on_commit(self, *args, **kwargs):
        """`delay(*args, **kwargs)` after commit; a broker error is logged, never raised into the request."""
        transaction.on_commit(partial(queue_now, self.delay, self.name, [(args, kwargs)]))

    def apply_async_on_commit(self, *args, **kwargs):
        """`apply_async(*args, **kwargs)` after commit, like delay_on_commit."""
        transaction.on_commit(partial(queue_now, self.apply_async, self.name, [(args, kwargs)]))

    def delay_each_on_commit(self, arguments):
        """`delay(*args)` for each tuple in `arguments`, after commit, in one go: with the broker down the request
        waits for one failed try, not one per message."""
        transaction.on_commit(partial(queue_now, self.delay, self.name, [(tuple(args), {}) for args in arguments]))
