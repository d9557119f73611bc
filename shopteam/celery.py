"""The Celery app; schedules live in the database (django-celery-beat) so an admin can change them."""
import os

from celery import Celery

from shopteam import logs  # noqa: F401 - the job id on every log line, and Django's LOGGING in the worker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopteam.settings")

# Every task queues after commit through shopteam.queueing, so a broker that is down never fails a request.
app = Celery("shopteam", task_cls="shopteam.queueing:ShopteamTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["shopteam.notifications"])
