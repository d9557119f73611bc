"""Seed the working calendar from the chinesecalendar package; running it again changes nothing."""
from django.core.management.base import BaseCommand

from shopteam.workcalendar.services import package_years, seed_from_chinesecalendar


class Command(BaseCommand):
    help = (
        "Add the default working hours (into an empty table) and every holiday and make-up workday the "
        "chinesecalendar package knows; never overwrites an admin's edit (safe to run again)."
    )

    def handle(self, *args, **options):
        created = seed_from_chinesecalendar()
        years = package_years()
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(
            self.style.SUCCESS(f"Working calendar {years[0]}–{years[-1]} seeded: created {summary}.")
        )
