"""manage.py backup [--to FOLDER]: the database and the stored files, in one folder (see shopteam.backups)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shopteam import backups
from shopteam.errors import ServiceError


class Command(BaseCommand):
    help = "Back up the database and the stored files into one folder (default SHOPTEAM_VAR_DIR/backups/<time>/)."

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, help="the folder to write (made if missing)")

    def handle(self, *args, **options):
        try:
            folder = backups.backup(options["to"])
        except ServiceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up to {folder}"))
