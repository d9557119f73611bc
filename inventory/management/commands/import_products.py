"""Import the product catalogue from an Excel or CSV file with Chinese headers (all or nothing)."""
from django.core.management.base import BaseCommand, CommandError

from inventory import services
from shopteam.errors import ServiceError


class Command(BaseCommand):
    help = ("Import products from a .xlsx or .csv file "
            "(商家编码, 商品名称, 供应商, 成本价, 售价, 补货点, 补货量, 期初库存).")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")

    def handle(self, *args, file, dry_run, **options):
        try:
            plan = services.read_catalogue(file, name=file)
            for row, reason in plan["problems"]:
                self.stderr.write(f"{file}: row {row}: {reason}")
            if plan["problems"]:
                raise CommandError(f"{len(plan['problems'])} problem row(s): nothing imported.")
            if not dry_run:
                plan = services.import_catalogue(file, name=file, by=None)
        except (ServiceError, OSError) as error:
            raise CommandError("\n".join(str(m) for m in getattr(error, "messages", [error]))) from None
        verb = "would be" if dry_run else "were"
        self.stdout.write(f"{len(plan['new'])} new, {len(plan['changed'])} changed, {plan['unchanged']} unchanged "
                          f"product(s) {verb} imported from {file}.")
