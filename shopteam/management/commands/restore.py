"""manage.py restore FOLDER --yes [--database-url URL] [--var-dir DIR]: a backup written back, then checked."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shopteam import backups
from shopteam.errors import ServiceError


class Command(BaseCommand):
    help = ("Restore a backup folder into the database (the configured one, or --database-url) and its files into "
            "SHOPTEAM_VAR_DIR (or --var-dir), then check every table's rows and the files against the backup. "
            "Stop the web server, the worker and beat first.")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--database-url", help="restore into this database instead (it must exist)")
        parser.add_argument("--var-dir", type=Path, help="restore the files under this folder instead")
        parser.add_argument("--yes", action="store_true", help="yes, replace what the database holds")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("Restoring replaces what the database holds: run it again with --yes.")
        try:
            restored = backups.restore(options["folder"], database_url=options["database_url"],
                                       var_dir=options["var_dir"])
        except ServiceError as error:
            raise CommandError(str(error)) from error
        if restored.missing:
            raise CommandError("Restored, but not everything came back: " + ", ".join(
                f"{name}: {before} in the backup, {after} now" for name, (before, after) in restored.missing.items()))
        self.stdout.write(self.style.SUCCESS(
            f"Restored {sum(restored.rows.values())} rows in {len(restored.rows)} tables and {restored.files} files; "
            "all there."))
