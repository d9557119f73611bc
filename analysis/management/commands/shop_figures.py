"""Print a month's shop figures (or JSON with --json)."""
import json

from django.core.management.base import BaseCommand, CommandError

from analysis import labels, selectors
from analysis.periods import Period


class Command(BaseCommand):
    help = "Print the shop's figures of a month from the imported Taobao orders."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--json", action="store_true", help="print JSON (amounts as text with two decimals)")

    def handle(self, *args, **options):
        period = Period.parse(options["month"])
        if period is None or period.kind != "month":
            raise CommandError(f"--month must be YYYY-MM, not {options['month']!r}")
        figures = selectors.figures_json(selectors.shop_figures(period))
        if options["json"]:
            self.stdout.write(json.dumps({"month": period.code, **figures}, ensure_ascii=False))
            return
        self.stdout.write(period.code)
        for key, label in labels.FIGURES.items():
            value = figures[key]
            self.stdout.write(f"{label}: {'—' if value is None else value}")
