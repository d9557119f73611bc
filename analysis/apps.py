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

        return seed_staffing()
