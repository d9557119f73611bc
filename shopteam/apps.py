from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopteamConfig(AppConfig):
    name = "shopteam"
    verbose_name = _("Shopteam")
