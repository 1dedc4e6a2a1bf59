"""Apply every erasure recorded in the ledger again: run it after restoring a backup
older than the last erasures, before the site is opened again. Safe to run any
number of times (what is anonymised or deleted stays so)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from privacy import ledger


class Command(BaseCommand):
    help = "Apply every anonymisation and deletion recorded in the erasure ledger again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            help="Only erasures recorded at or after this time (ISO 8601, e.g. 2025-01-31 "
            "or 2025-01-31T02:30+01:00): the time the restored backup was made.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = parse_since(options.get("since"))
        path = ledger.ledger_path()
        if not path.exists():
            self.stdout.write(f"No erasure ledger at {path}: nothing to apply.")
            return
        applied = ledger.reapply(since)
        self.stdout.write(self.style.SUCCESS(f"Applied {applied} recorded erasures from {path}."))


def parse_since(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        since = datetime.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--since {value!r} is not an ISO 8601 date or time.") from error
    if timezone.is_naive(since):
        since = timezone.make_aware(since)
    return since
