from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("Finance")
    # name, task, timing (shopteam/schedules.py installs them into django-celery-beat; Asia/Shanghai)
    schedules = [
        ("Send last month's management report", "finance.tasks.send_monthly_report", ("crontab", "0", "7", "1")),
    ]

    def ready(self):
        from . import panels, receivers

        panels.register()
        receivers.connect()
