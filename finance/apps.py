from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("Finance")
    # name, task, timing (shopteam/schedules.py installs them into django-celery-beat; Asia/Shanghai)
    schedules = [
        (N_("Send last month's management report"), "finance.tasks.send_monthly_report", ("crontab", "0", "7", "1")),
        # Daily: each acts only on its days (the build day, the window's working days, after the 15th).
        (N_("Build the supplier reports (the 11th, earlier around holidays)"), "finance.tasks.build_supplier_cycles",
         ("crontab", "0", "9")),
        (N_("Remind the supplier cycle's open steps"), "finance.tasks.remind_supplier_cycles", ("crontab", "30", "9")),
        (N_("Raise a case for a supplier cycle late after the 15th"), "finance.tasks.raise_late_supplier_cycles",
         ("crontab", "10", "0")),
    ]

    def load_demo(self):
        from .demo import load_demo

        return load_demo()

    def ready(self):
        from . import panels, receivers

        panels.register()
        receivers.connect()
