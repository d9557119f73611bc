"""Write a month's supplier sales report as Excel: the same workbook as the cycle page's download (the report as
built for the cycle; computed from the stock ledger when the cycle has not been built)."""
import datetime

from django.core.management.base import BaseCommand, CommandError

from finance import reports
from finance.models import SupplierCycle
from inventory.models import Supplier


class Command(BaseCommand):
    help = "Write a month's sales report per supplier (商家编码, quantities, amounts at cost and at price) as Excel."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM, the month sold")
        parser.add_argument("--supplier", help="the supplier's name (default: every supplier with products)")
        parser.add_argument("file", help="the .xlsx file to write")

    def handle(self, *args, month, supplier=None, file, **options):
        try:
            first = datetime.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise CommandError(f"Not a month: {month!r} (use YYYY-MM).") from None
        if supplier:
            suppliers = list(Supplier.objects.filter(name=supplier))
            if not suppliers:
                raise CommandError(f"No supplier is called {supplier!r}.")
        else:
            suppliers = list(Supplier.objects.filter(products__isnull=False).distinct().order_by("name"))
        cycles = {c.supplier_id: c for c in SupplierCycle.objects.filter(month=first, supplier__in=suppliers)}
        sheets = [(s, first, reports.supplier_rows(cycles.get(s.pk), s, first)) for s in suppliers]
        reports.supplier_excel(sheets).save(file)
        for supplier_, _month, rows in sheets:
            self.stdout.write(f"{supplier_}: {len(rows)} products")
        self.stdout.write(f"-> {file}")
