from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks")
    # shopteam.schedules installs these into django-celery-beat (times in Asia/Shanghai); each job is idempotent.
    schedules = [
        (N_("File the tasks of recurring duties"), "tasks.tasks.create_recurring_tasks", ("every", 15)),
        (N_("Escalate overdue tasks"), "tasks.tasks.escalate_overdue_tasks", ("every", 15)),
        (N_("Send the morning task digest"), "tasks.tasks.send_morning_digests", ("crontab", "30", "8")),
    ]

    def load_demo(self):
        from . import demo

        return demo.load()

    def ready(self):
        from . import panels, receivers

        panels.register()
        receivers.connect()
