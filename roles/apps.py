from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = _("Org chart and playbook")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import selectors
        from .models import Assignment, Department, Post

        for model in (Assignment, Post, Department):
            post_save.connect(selectors.forget_holds, sender=model, dispatch_uid=f"forget_holds_{model.__name__}")
            post_delete.connect(selectors.forget_holds, sender=model, dispatch_uid=f"forget_holds_d_{model.__name__}")
