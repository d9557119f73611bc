from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Attendance")

    def load_demo(self):
        from .demo import load_demo

        return load_demo()

    def ready(self):
        from . import panels

        panels.register()
