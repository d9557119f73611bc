"""Shopteam: the project package (settings, URLs, Celery app, dashboard, shared services)."""
from .celery import app as celery_app

__all__ = ("celery_app",)
