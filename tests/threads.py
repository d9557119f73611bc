"""Run jobs in threads against the database, each on its own connection (PostgreSQL row locks): released
together by `run_at_once`, or one at a time by `in_background` for a test that holds one job while another runs;
and `wait_until` what another process (a worker, a service) does shows.

A thread starts in the default language; each job runs in English as the test thread does (tests/conftest.py).
What a job returns, or the exception it raises, is handed back to the test rather than lost in the thread.
"""
import threading
import time

import pytest
from django.db import connection
from django.utils import translation


class Job(threading.Thread):
    """One job in its own thread; `outcome` is what it returned or raised, once the thread has ended."""

    def __init__(self, job, *, barrier=None):
        super().__init__()
        self.job, self.barrier, self.outcome = job, barrier, None

    def run(self):
        translation.activate("en")
        try:
            if self.barrier is not None:
                self.barrier.wait()
            self.outcome = self.job()
        except Exception as error:  # noqa: BLE001 - returned to the test
            self.outcome = error
        finally:
            connection.close()


def run_at_once(*jobs):
    """Each job's return value, or the exception it raised, in order; the jobs start at the same moment."""
    barrier = threading.Barrier(len(jobs))
    threads = [Job(job, barrier=barrier) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [thread.outcome for thread in threads]


def in_background(job):
    """The job started in its own thread (join it, then read its `outcome`)."""
    thread = Job(job)
    thread.start()
    return thread


def wait_until(condition, what, *, timeout=20, every=0.2):
    """What `condition()` returns once it is true; the test fails, naming `what`, after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"after {timeout}s, still waiting for {what}")
        time.sleep(every)
    return result
