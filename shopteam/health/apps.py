from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class HealthConfig(AppConfig):
    name = "shopteam.health"
    label = "health"
    verbose_name = _("Health")
    # Beat sends the heartbeat every minute and the worker runs it: /healthz reads when each last did.
    schedules = [(N_("Heartbeat: beat and the worker answer"), "shopteam.health.tasks.heartbeat", ("every", 1))]

    def ready(self):
        from . import panels, receivers  # noqa: F401  (connects the publish signal; registers the panel)

        panels.register()
