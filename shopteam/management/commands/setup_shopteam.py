"""Everything a new database needs besides the demo team: the playbook, the calendar and the recurring jobs."""
from django.core.management.base import BaseCommand

from roles.services import load_duty_recurrences, load_playbook
from shopteam.schedules import install_schedules
from shopteam.workcalendar.services import seed_from_chinesecalendar


class Command(BaseCommand):
    help = "Load the playbook, seed the working calendar and install the periodic jobs (safe to run again)."

    def handle(self, *args, **options):
        created = load_playbook()
        self.stdout.write(f"Playbook: created {sum(created.values())} rows.")
        repeating = load_duty_recurrences()
        self.stdout.write(f"Repeating duties: {repeating['duties']} added, {repeating['recurrences']} set to repeat.")
        calendar = seed_from_chinesecalendar()
        self.stdout.write(f"Working calendar: created {calendar['days']} days, {calendar['periods']} periods.")
        from analysis.services import seed_staffing  # the staffing rule's posts, once the playbook's exist
        self.stdout.write(f"Staffing rule: {seed_staffing()}.")
        made = install_schedules()
        self.stdout.write(f"Periodic jobs: {made} new.")
