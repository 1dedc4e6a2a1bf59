"""`manage.py restore DIR [--database-url URL] [--media-root PATH]`: bring a backup
of `manage.py backup` back into a new, empty database and an empty media folder, and
prove it: every checksum is checked before anything is touched, and afterwards every
table's row count and checksum is compared with the manifest. Then the erasures made
since the backup are applied again (`reapply_erasures`), so that restoring an older
backup does not bring erased people back."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from labportal.core.backup import (
    DAMAGED,
    DUMP,
    FORMAT,
    MANIFEST,
    MEDIA,
    SUMS,
    BackupError,
    connect,
    database_from_url,
    run_tool,
    sha256_of,
    table_fingerprints,
)

REAPPLY = "reapply_erasures"


class Command(BaseCommand):
    help = (
        "Restore a backup into a new, empty database and media folder, check every row "
        "count and checksum against its manifest, then re-apply later erasures."
    )
    # The restored database is not the one the checks would look at.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="A backup folder, e.g. backups/<time>.")
        parser.add_argument(
            "--database-url",
            default=None,
            help="The empty database to restore into (default: DATABASE_URL). Keep the "
            "password out of the command line: set PGPASSWORD or use ~/.pgpass.",
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            default=None,
            help="An empty or new folder for the uploaded files (default: MEDIA_ROOT).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check every checksum of the backup; restore nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"]).resolve()
        url = options["database_url"]
        media = Path(options["media_root"] or settings.MEDIA_ROOT).resolve()
        try:
            database = (
                database_from_url(url) if url else dict(connections[DEFAULT_DB_ALIAS].settings_dict)
            )
            self.stdout.write(f"Checking every checksum of {directory} ...")
            manifest = verify_backup(directory)
            self.stdout.write(
                f"Backup of {manifest['created_at']} (version {manifest['app_version']}): "
                f"{len(manifest['tables'])} tables, {len(manifest['media'])} files, all intact."
            )
            if options["check"]:
                return
            check_empty_database(database)
            check_empty_folder(media)
            self.stdout.write(f"Restoring the database into {database.get('NAME')} ...")
            # One transaction: if anything fails, the database is left as empty as it was.
            run_tool(
                [
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={database.get('NAME')}",
                    str(directory / DUMP),
                ],
                database,
                "pg_restore",
            )
            self.stdout.write(f"Restoring the uploaded files into {media} ...")
            restore_media(directory / MEDIA, media, manifest["media"])
            differences = self.compare(manifest, database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.note_migrations(manifest)
        if differences:
            raise CommandError(
                f"The restored database differs from the backup in {differences} table(s) "
                "(listed above). Do not open the site on it; keep the backup and report this."
            )
        self.stdout.write(self.style.SUCCESS("Every table and file matches the backup."))
        self.reapply_erasures(manifest["erasures_since"], url, media)

    def compare(self, manifest: dict[str, Any], database: dict[str, Any]) -> int:
        """Print each table's rows and checksum beside the manifest's; the number of
        tables that differ (or are missing on either side)."""
        with connect(database) as conn, conn.transaction(), conn.cursor() as cursor:
            restored = table_fingerprints(cursor)
        expected: dict[str, dict[str, Any]] = manifest["tables"]
        width = max((len(name) for name in expected.keys() | restored.keys()), default=10)
        self.stdout.write(f"{'table':<{width}}  {'backup':>9}  {'restored':>9}  checksum")
        differences = 0
        for name in sorted(expected.keys() | restored.keys()):
            want, got = expected.get(name), restored.get(name)
            same = want == got
            differences += not same
            self.stdout.write(
                f"{name:<{width}}  {_rows(want):>9}  {_rows(got):>9}  "
                + ("ok" if same else self.style.ERROR("DIFFERS"))
            )
        self.stdout.write(
            f"Tables: {len(expected.keys() | restored.keys()) - differences} match, "
            f"{differences} differ. Uploaded files: {len(manifest['media'])} restored, "
            "each matching its sha256."
        )
        for name in manifest.get("media_missing", []):
            self.stdout.write(
                self.style.WARNING(f"Missing already when the backup was made: {name}")
            )
        return differences

    def note_migrations(self, manifest: dict[str, Any]) -> None:
        """Say when this code's migrations and the backup's differ: older code than the
        backup cannot run on it; newer code needs `migrate` first."""
        loader = MigrationLoader(None, ignore_no_migrations=True)
        latest: dict[str, str] = {}
        for app, name in loader.disk_migrations:
            latest[app] = max(latest.get(app, ""), name)
        for app, name in sorted(manifest["migrations"].items()):
            code = latest.get(app)
            if code is None or code < name:
                self.stdout.write(
                    self.style.WARNING(
                        f"The backup has {app}.{name}, which this code does not know: run "
                        f"LabPortal {manifest['app_version']} (the backup's version) on it."
                    )
                )
            elif code > name:
                self.stdout.write(
                    self.style.WARNING(
                        f"This code has {app}.{code}, newer than the backup's {name}: run "
                        "`manage.py migrate` against the restored database before opening it."
                    )
                )

    def reapply_erasures(self, since: str, url: str | None, media: Path) -> None:
        """Erasures made after the backup live in the ledger, outside the database:
        apply them to the restored copy, in a process of its own connected to it. From
        `erasures_since`: a little before the backup (see `backup.erasures_since`)."""
        if REAPPLY not in get_commands():
            self.stdout.write(
                self.style.WARNING(
                    f"`{REAPPLY}` is not installed: erasures made after {since} are "
                    "not applied again. Check that no erased person came back."
                )
            )
            return
        env = dict(os.environ, MEDIA_ROOT=str(media))
        if url:
            env["DATABASE_URL"] = url
        self.stdout.write(f"Applying again the erasures recorded since {since} ...")
        done = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                REAPPLY,
                "--since",
                since,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        self.stdout.write(done.stdout.rstrip())
        if done.returncode != 0:
            raise CommandError(
                f"{REAPPLY} failed (exit {done.returncode}): the data is restored but erased "
                f"people may be back. Fix the cause, then run `manage.py {REAPPLY} --since "
                f"{since}` against the restored database before opening the site.\n"
                f"{done.stderr}"
            )


def verify_backup(directory: Path) -> dict[str, Any]:
    """Check every checksum of a backup (the files, the manifest, each uploaded file in
    the archive) and return its manifest; raise BackupError listing every problem."""
    if not (directory / SUMS).is_file() or not (directory / MANIFEST).is_file():
        raise BackupError(
            f"{directory} is not a complete backup: it has no {SUMS} or no {MANIFEST}."
        )
    problems: list[str] = []
    sums: dict[str, str] = {}
    for line in (directory / SUMS).read_text().splitlines():
        digest, _, name = line.partition("  ")
        sums[name] = digest
    if set(sums) != {DUMP, MEDIA, MANIFEST}:
        raise BackupError(f"{SUMS} must list {DUMP}, {MEDIA} and {MANIFEST}.")
    for name, digest in sums.items():
        if not (directory / name).is_file():
            problems.append(f"{name} is missing.")
        elif sha256_of(directory / name) != digest:
            problems.append(f"{name} does not match its checksum in {SUMS}: changed or damaged.")
    if problems:
        raise BackupError(DAMAGED + "\n  ".join(problems))
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text())
        if manifest["format"] != FORMAT:
            raise BackupError(f"Unknown backup format {manifest['format']!r}.")
        for name in (DUMP, MEDIA):
            if manifest["files"][name]["sha256"] != sums[name]:
                problems.append(f"{MANIFEST} and {SUMS} disagree about {name}.")
        problems.extend(_verify_archive(directory / MEDIA, manifest["media"]))
    except (ValueError, KeyError, TypeError, tarfile.TarError) as error:
        raise BackupError(f"{DAMAGED}{MANIFEST} or {MEDIA} cannot be read: {error!r}") from error
    if problems:
        raise BackupError(DAMAGED + "\n  ".join(problems))
    return manifest


def _verify_archive(path: Path, expected: dict[str, dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            name = member.name
            unsafe = PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts
            if unsafe or not member.isfile():
                problems.append(f"{MEDIA} holds an entry that is not a plain file: {name!r}.")
                continue
            handle = archive.extractfile(member)
            digest = hashlib.sha256()
            while handle is not None and (chunk := handle.read(1024 * 1024)):
                digest.update(chunk)
            if name not in expected or expected[name]["sha256"] != digest.hexdigest():
                problems.append(f"Uploaded file {name!r} does not match the manifest.")
            seen.add(name)
    problems.extend(
        f"Uploaded file {name!r} is missing from {MEDIA}." for name in expected.keys() - seen
    )
    return problems


def _rows(fingerprint: dict[str, Any] | None) -> str:
    return "-" if fingerprint is None else str(fingerprint["rows"])


def check_empty_database(database: dict[str, Any]) -> None:
    """Refuse a database that holds anything: a restore never mixes with other data."""
    name = database.get("NAME")
    how = (
        "Create a new, empty database and restore into it, e.g. `createdb --owner=<role> "
        "<name>` or in psql `CREATE DATABASE <name> OWNER <role>;`, then pass it with "
        "--database-url (or DATABASE_URL)."
    )
    try:
        conn = connect(database)
    except BackupError as error:
        raise BackupError(f"{error}\n{how}") from error
    with conn, conn.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname || '.' || c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_%'
            ORDER BY 1
            """
        )
        found = [name for (name,) in cursor.fetchall()]
    if found:
        raise BackupError(
            f"Database {name!r} is not empty ({len(found)} tables and other relations, "
            f"e.g. {', '.join(found[:3])}); nothing was restored. {how}"
        )


def check_empty_folder(media: Path) -> None:
    if media.exists() and (not media.is_dir() or any(media.iterdir())):
        raise BackupError(
            f"The media folder {media} is not empty; nothing was restored. Restore into a "
            "new folder (--media-root, then point MEDIA_ROOT at it) or move its contents away."
        )


def restore_media(archive: Path, media: Path, expected: dict[str, dict[str, Any]]) -> None:
    """Unpack the uploaded files (only plain files inside the folder: tarfile's "data"
    filter) and check each one's sha256 once more, as it lies on disk."""
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as files:
        files.extractall(media, filter="data")
    wrong = [name for name, entry in expected.items() if sha256_of(media / name) != entry["sha256"]]
    if wrong:
        raise BackupError(f"Restored files differ from the backup: {', '.join(wrong[:10])}")
