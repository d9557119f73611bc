"""Print document 004's staffing advice at the last 30 days' paid orders a day (or JSON with --json)."""
import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from analysis import selectors


class Command(BaseCommand):
    help = "Print how many people document 004's rule adds per kind of work, against who holds those posts today."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="YYYY-MM-DD (default today): the 30 days before this day are read")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            on = datetime.date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--on must be YYYY-MM-DD, not {options['on']!r}") from error
        report = selectors.staffing_advice(on)
        if options["json"]:
            self.stdout.write(json.dumps(selectors.staffing_json(report), ensure_ascii=False))
            return
        self.stdout.write(f"{on}: {report['orders_per_day']} paid orders a day over {len(report['trend'])} days")
        for row in report["advice"]:
            self.stdout.write(f"{row['label']}: held {row['held']}, add {row['extra']}")
