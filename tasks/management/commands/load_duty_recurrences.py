"""Give the playbook's repeating duties their default recurrence (safe to run again; never over an admin's edit)."""
from django.core.management.base import BaseCommand

from roles.services import load_duty_recurrences


class Command(BaseCommand):
    help = "Add the playbook's repeating duties and give each its default recurrence (safe to run again)."

    def handle(self, *args, **options):
        done = load_duty_recurrences()
        self.stdout.write(f"Repeating duties: {done['duties']} added, {done['recurrences']} given a recurrence.")
