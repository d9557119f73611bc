"""Load the shop's playbook into the database; running it again changes nothing."""
from django.core.management.base import BaseCommand

from roles.services import load_playbook


class Command(BaseCommand):
    help = "Load the playbook's departments, posts, duties and difficulties (safe to run again)."

    def handle(self, *args, **options):
        created = load_playbook()
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Playbook loaded: created {summary}."))
