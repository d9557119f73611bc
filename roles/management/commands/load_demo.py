"""Add the demo team, then each app's demo data (refused outside demo mode).

An app adds demo data by defining `load_demo(self)` on its AppConfig (safe to run again: it adds what is
missing); this command calls them in INSTALLED_APPS order, after the team exists.
"""
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from roles.playbook import DEMO_PASSWORD
from roles.services import load_demo_team
from shopteam.errors import ServiceError


class Command(BaseCommand):
    help = "Add the demo people and their posts (only in DEBUG/demo mode)."

    def handle(self, *args, **options):
        try:
            created = load_demo_team()
        except ServiceError as error:
            raise CommandError(str(error)) from error
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"Demo accounts created: {', '.join(created)} (password {DEMO_PASSWORD}).")
            )
        else:
            self.stdout.write("Demo team already loaded.")
        for config in apps.get_app_configs():
            if hasattr(config, "load_demo"):
                self.stdout.write(f"Demo data for {config.label}: {config.load_demo() or 'up to date'}.")
