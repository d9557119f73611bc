from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")
    schedules = [
        (N_("Open low-stock alerts"), "inventory.tasks.scan_low_stock", ("every", 30)),
        (N_("Check the stock ledger for drift"), "inventory.tasks.check_stock_drift", ("crontab", "30", "2")),
        (N_("Stop Taobao imports whose worker died"), "inventory.tasks.expire_stale_taobao_imports", ("every", 5)),
        (N_("Book Taobao money still waiting"), "inventory.tasks.book_pending_taobao_money", ("crontab", "15", "3")),
        (N_("Clear buyers' data kept past its time"), "inventory.tasks.forget_old_buyer_data", ("crontab", "45", "3")),
    ]

    def ready(self):
        from . import panels

        panels.register()

    def load_demo(self):
        from .demo import load_demo

        return load_demo()
