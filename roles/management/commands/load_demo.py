"""Add the demo team (refused outside demo mode)."""
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
