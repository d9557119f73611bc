"""The Celery app; schedules live in the database (django-celery-beat) so an admin can change them."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopteam.settings")

app = Celery("shopteam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["shopteam.notifications"])
