"""Everything a new database needs besides the demo team: the playbook and the recurring jobs."""
from django.core.management.base import BaseCommand

from roles.services import load_playbook
from shopteam.schedules import install_schedules


class Command(BaseCommand):
    help = "Load the playbook and install the periodic jobs (safe to run again)."

    def handle(self, *args, **options):
        created = load_playbook()
        self.stdout.write(f"Playbook: created {sum(created.values())} rows.")
        made = install_schedules()
        self.stdout.write(f"Periodic jobs: {made} new.")
