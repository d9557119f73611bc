"""Bring the ledger's Taobao entries for a span of days in line with the imported orders and refunds, as an
import does for its own days: a day whose totals are right is left alone, a changed one is reversed and written
again (in a closed month the correction is dated today). Safe to run again. For a shop upgrading from a version
that booked a refund twice, run it once over the days imported so far."""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from finance import services


def _day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a day: {text!r} (use YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Rewrite the ledger's daily Taobao sales and refunds entries from the imports, for the days given."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="the first day, YYYY-MM-DD")
        parser.add_argument("--until", help="the last day, YYYY-MM-DD (default: today)")

    def handle(self, *args, since, until=None, **options):
        first, last = _day(since), _day(until) if until else timezone.localdate()
        if first > last:
            raise CommandError(f"--since {first} is after --until {last}.")
        days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
        written = services.sync_taobao_days(days)
        self.stdout.write(f"{first} to {last}: {len(written)} entr{'y' if len(written) == 1 else 'ies'} written")
