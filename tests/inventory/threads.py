"""Run jobs in threads released together, each on its own database connection (PostgreSQL row locks)."""
import threading

from django.db import connection
from django.utils import translation


def run_at_once(*jobs):
    """Each job's return value, or the exception it raised, in order."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        translation.activate("en")  # as the test thread (tests/conftest.py); a new thread starts in the default
        try:
            barrier.wait()
            outcomes[index] = job()
        except Exception as error:  # noqa: BLE001 - returned to the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
