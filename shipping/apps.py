from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("Shipping desk")

    def load_demo(self):
        from . import demo

        return demo.load()

    def ready(self):
        from . import panels

        panels.register()
