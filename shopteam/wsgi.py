"""WSGI entry point for gunicorn. It refuses to start without a SECRET_KEY rather than fail on the first request."""
import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopteam.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 (configured by get_wsgi_application)

try:
    settings.SECRET_KEY  # noqa: B018 (Django raises when it is empty)
except ImproperlyConfigured as error:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off (production). For the demo or development, set DEBUG=true "
        "(bin/demo does)."
    ) from error
