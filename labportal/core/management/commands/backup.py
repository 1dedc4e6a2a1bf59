"""`manage.py backup [--dest DIR]`: the database and every uploaded file, with a
manifest to check a restore against, in BACKUP_DIR/<UTC timestamp>/ (see
`labportal.core.backup`). Old backups are never deleted here: rotate them on the
backup server (README, Operations)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from labportal.core.backup import MANIFEST, BackupError, create_backup, database_from_url


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format) and every uploaded file into "
        "BACKUP_DIR/<UTC timestamp>/ with a manifest of row counts and checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dest",
            type=Path,
            default=None,
            help="Folder to write the backup into (default: BACKUP_DIR).",
        )
        parser.add_argument(
            "--database-url",
            default=None,
            help="Back up this database instead of the configured one (DATABASE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dest = Path(options["dest"] or settings.BACKUP_DIR).resolve()
        url = options["database_url"]
        try:
            database = (
                database_from_url(url) if url else dict(connections[DEFAULT_DB_ALIAS].settings_dict)
            )
            directory = create_backup(dest, database, log=self.stdout.write)
        except (BackupError, OSError) as error:
            raise CommandError(f"Backup failed, nothing was kept: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Backup complete: {directory}"))
        self.stdout.write(f"Check it any time with: cd {directory} && sha256sum -c SHA256SUMS")
        self.stdout.write(f"What it holds: {directory / MANIFEST}")
