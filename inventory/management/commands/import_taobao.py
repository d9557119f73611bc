"""Import seller-centre exports from the command line: each file is checked, then imported unless it has refused
rows (or --skip-bad-rows) or --dry-run. Exit status 1 when a file or a row is refused and not skipped."""
from django.core.management.base import BaseCommand, CommandError

from inventory import importing, staging
from inventory.models import TaobaoImport
from shopteam.errors import ServiceError


class Command(BaseCommand):
    help = "Import Taobao/Tmall 订单报表, 宝贝报表 and 退款报表 files (CSV or .xlsx, any year's layout)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--skip-bad-rows", action="store_true", help="Import the good rows of a file that "
                            "has refused rows (without it such a file imports nothing).")
        parser.add_argument("--dry-run", action="store_true", help="Check the files and say what importing would "
                            "do; write nothing to the ledger.")

    def handle(self, *args, files, skip_bad_rows, dry_run, **options):
        refused = 0
        for path in files:
            refused += not self._one(path, skip_bad_rows=skip_bad_rows, dry_run=dry_run)
        if refused:
            raise CommandError(f"{refused} file(s) refused or not fully imported.", returncode=1)

    def _one(self, path, *, skip_bad_rows, dry_run):
        try:
            taobao_import = importing.check(importing.upload(path, filename=path, by=None))
        except OSError as error:
            self.stderr.write(f"{path}: {error}")
            return False
        if taobao_import.status == TaobaoImport.Status.REFUSED:
            self.stderr.write(f"{path}: refused: {taobao_import.refusal}")
            return False
        if taobao_import.status == TaobaoImport.Status.SAME:  # byte for byte a file already imported: nothing to read
            self.stdout.write(f"{path}: already imported as import #{taobao_import.same_as_id}; nothing written.")
            return True
        for problem in taobao_import.problems:
            self.stderr.write(f"{path}: row {problem['row']}: {problem['reason']}")
        summary = taobao_import.summary
        self.stdout.write(
            f"{path}: {taobao_import.get_kind_display()}, {summary.get('rows', 0)} rows, "
            f"{summary.get('sales', 0)} sale(s) "
            f"and {summary.get('reversals', 0)} reversal(s) to write, {taobao_import.problem_count} refused row(s)."
        )
        for line in summary.get("short", []):
            self.stderr.write(f"{path}: {line}")
        if (taobao_import.problem_count and not skip_bad_rows) or dry_run:
            # not imported from here (it reads its file should it be started on the page)
            staging.discard(taobao_import)
        if taobao_import.problem_count and not skip_bad_rows:
            self.stderr.write(f"{path}: not imported: {taobao_import.problem_count} refused row(s) "
                              "(use --skip-bad-rows).")
            return False
        if dry_run:
            return True
        try:
            taobao_import = importing.start(taobao_import, by=None, skip_bad_rows=skip_bad_rows, inline=True)
        except ServiceError as error:
            self.stderr.write(f"{path}: {error}")
            return False
        if taobao_import.status != TaobaoImport.Status.DONE:
            self.stderr.write(f"{path}: stopped: {taobao_import.refusal}")
            return False
        self.stdout.write(f"{path}: imported: {taobao_import.summary.get('sales_written', 0)} sale(s), "
                          f"{taobao_import.summary.get('reversals_written', 0)} reversal(s) written; "
                          f"{taobao_import.problem_count} row(s) skipped.")
        return True
