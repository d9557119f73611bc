"""Write a management report's Excel file: the same workbook as the report page's download."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from finance import reports


class Command(BaseCommand):
    help = "Write the monthly, quarterly or yearly management report as an Excel file."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--month", help="YYYY-MM")
        which.add_argument("--quarter", help="YYYY-Qn")
        which.add_argument("--year", help="YYYY")
        parser.add_argument("file", help="the .xlsx file to write")

    def handle(self, *args, month=None, quarter=None, year=None, file, **options):
        text = month or quarter or year
        period = reports.Period.parse(text)
        expected = "month" if month else "quarter" if quarter else "year"
        if period is None or period.kind != expected:
            raise CommandError(f"Not a {expected}: {text!r} (use YYYY-MM, YYYY-Qn or YYYY).")
        with translation.override(settings.LANGUAGE_CODE):  # the shop's language, as the page's default
            report = reports.management_report(period)
            reports.excel(report).save(file)
        totals = report["totals"]
        self.stdout.write(
            f"{period.code}: net sales {totals['net_sales']}, income {totals['income']}, expense {totals['expense']}, "
            f"{len(report['margin'])} products -> {file}"
        )
