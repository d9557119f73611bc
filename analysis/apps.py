from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Analysis")

    def ready(self):
        from . import panels

        panels.register()

    def load_demo(self):
        """The staffing roles' posts, once the playbook is loaded (the figures come from the imported orders)."""
        from .services import seed_staffing

        made = seed_staffing()
        if any(made.values()):
            return (f"{made['roles']} staffing role(s), {made['thresholds']} threshold(s), "
                    f"{made['posts']} post link(s).")
        return None
