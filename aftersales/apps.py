from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "aftersales"
    verbose_name = _("After-sales")

    def load_demo(self):
        from . import demo

        return demo.load()

    def ready(self):
        from . import panels, receivers

        panels.register()
        receivers.connect()
