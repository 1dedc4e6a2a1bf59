"""Backups an IT department can restore and check: one directory per backup holding
the database (`pg_dump --format=custom`), every uploaded file, and a manifest of what
they must contain, so that a restore proves it brought back exactly that.

Trust comes from three rules. A backup is written into a hidden temporary directory
and renamed only when complete, so a half-made one never looks like a backup. The
dump, the row counts and the table checksums are taken from one database snapshot,
so they agree with each other while the application keeps running. `SHA256SUMS`
covers every file including the manifest, so one changed byte is found before a
restore touches anything (`sha256sum -c SHA256SUMS` checks it without LabPortal).
The restore itself lives in the `restore` management command.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import environ
import psycopg
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from psycopg import sql

FORMAT = 1
DUMP = "db.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
TIMESTAMP = "%Y%m%dT%H%M%SZ"
CHECKSUM_METHOD = (
    "md5 of the concatenated md5(row::text) of every row, sorted by that hash; text "
    "rendered with TimeZone=UTC, DateStyle=ISO, IntervalStyle=postgres, bytea_output=hex"
)
# The row text of dates, times and binary data depends on these session settings:
# the backup and the restore render rows the same way whatever the server defaults.
SESSION_SETTINGS = (
    "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; "
    "SET LOCAL IntervalStyle = 'postgres'; SET LOCAL bytea_output = 'hex'; "
    "SET LOCAL extra_float_digits = 1"
)
# Connection options of libpq that pg_dump and pg_restore take from the environment;
# the other OPTIONS of Django's database settings are Django's own.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "passfile": "PGPASSFILE",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
CLOCK_MARGIN = timedelta(minutes=10)
DAMAGED = "The backup is damaged or changed; nothing was restored:\n  "
Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or a restore cannot go on; the message says why and what to do."""


# Connections -----------------------------------------------------------------
def database_from_url(url: str) -> dict[str, Any]:
    """Django's database settings for a postgres:// URL (as DATABASE_URL is read)."""
    config = environ.Env.db_url_config(url)
    if "postgresql" not in str(config.get("ENGINE", "")):
        raise BackupError(f"{url.split('@')[-1]!r} is not a PostgreSQL database URL.")
    return dict(config)


def libpq_env(database: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump / pg_restore: the connection travels in PG*
    variables, so the password never shows in a process list."""
    env = dict(os.environ)
    pairs = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
    }
    options = database.get("OPTIONS") or {}
    pairs.update({var: options.get(key) for key, var in LIBPQ_OPTIONS.items()})
    env.update({var: str(value) for var, value in pairs.items() if value not in (None, "")})
    return env


def connect(database: dict[str, Any]) -> psycopg.Connection[Any]:
    options = database.get("OPTIONS") or {}
    params = {
        "dbname": database.get("NAME"),
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        **{key: options[key] for key in LIBPQ_OPTIONS if key in options},
    }
    try:
        return psycopg.connect(**{key: value for key, value in params.items() if value})
    except psycopg.OperationalError as error:
        raise BackupError(
            f"Cannot connect to database {database.get('NAME')!r}: {error}".strip()
        ) from error


def run_tool(args: list[str], database: dict[str, Any], what: str) -> None:
    """Run pg_dump or pg_restore; its own error message says what went wrong."""
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            args, env=libpq_env(database), capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{args[0]} was not found. Install the PostgreSQL client tools of the server's "
            "major version (Debian/Ubuntu: postgresql-client-<version>)."
        ) from error
    if done.returncode != 0:
        raise BackupError(f"{what} failed ({args[0]} exit {done.returncode}):\n{done.stderr}")


# What the database holds -----------------------------------------------------
def table_fingerprints(cursor: psycopg.Cursor[Any]) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table with data of its own (extensions' tables
    excepted, as pg_dump leaves them out), as `schema.table`.

    Each row's text is hashed, and the sorted hashes are hashed again: the same for
    any physical order, no primary key needed, and a sort of 32-byte strings rather
    than of whole rows. For tables of many millions of rows an order-free
    `sum(('x' || left(md5(t::text), 16))::bit(64)::bigint::numeric)` would avoid
    the sort too; at a municipality's scale this takes seconds."""
    cursor.execute(SESSION_SETTINGS)
    cursor.execute(
        """
        SELECT n.nspname, c.relname FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
          AND NOT EXISTS (
            SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
        ORDER BY 1, 2
        """
    )
    fingerprints: dict[str, dict[str, Any]] = {}
    for schema, table in cursor.fetchall():
        cursor.execute(
            sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "
                "FROM (SELECT md5(t::text) AS h FROM {}.{} AS t) AS rows"
            ).format(sql.Identifier(schema), sql.Identifier(table))
        )
        rows, checksum = cursor.fetchone() or (0, "")
        fingerprints[f"{schema}.{table}"] = {"rows": rows, "md5": checksum}
    return fingerprints


def applied_migrations(cursor: psycopg.Cursor[Any]) -> dict[str, str]:
    """The latest applied migration of each app (names start with their number)."""
    cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
    row = cursor.fetchone()
    if not row or not row[0]:
        return {}
    cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
    return {app: name for app, name in cursor.fetchall()}


def stored_file_names(cursor: psycopg.Cursor[Any]) -> set[str]:
    """Names of the files the database points at, from every FileField's column."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                cursor.execute(
                    sql.SQL("SELECT {col} FROM {table} WHERE {col} <> ''").format(
                        col=sql.Identifier(field.column),
                        table=sql.Identifier(model._meta.db_table),
                    )
                )
                names.update(name for (name,) in cursor.fetchall())
    return names


def media_root() -> Path:
    """The one folder holding every uploaded file. A FileField stored elsewhere (an
    S3 bucket, another folder) would be missing from the backup: refuse instead."""
    root = Path(settings.MEDIA_ROOT).resolve()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            storage = field.storage
            location = getattr(storage, "location", None)
            if not isinstance(storage, FileSystemStorage) or location is None:
                raise BackupError(
                    f"{model._meta.label}.{field.name} is stored in {type(storage).__name__}, "
                    "not in MEDIA_ROOT: back that storage up with its own tools."
                )
            if Path(location).resolve() != root:
                raise BackupError(
                    f"{model._meta.label}.{field.name} is stored in {location}, outside "
                    f"MEDIA_ROOT ({root}): this backup would miss those files."
                )
    return root


def app_version() -> str:
    """`git describe` of the checkout when there is one, else the package version."""
    git = shutil.which("git")
    if git and (Path(settings.BASE_DIR) / ".git").exists():
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [git, "-C", str(settings.BASE_DIR), "describe", "--tags", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
            timeout=20,
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    try:
        return importlib.metadata.version("labportal")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# Files -----------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Hands tarfile the file's bytes and hashes exactly those, so the manifest
    describes what went into the archive even if the file changes meanwhile."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.handle.read(size)
        self.digest.update(data)
        return data


def media_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file under root in a stable order, with its archive name. The
    erasure ledger never goes into a backup, wherever it is kept: a restore must not
    bring an older ledger back, which would forget the erasures made since."""
    ledger = getattr(settings, "PRIVACY_LEDGER_PATH", None)
    skip = Path(ledger).resolve() if ledger else None
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink() and path.resolve() != skip:
                yield path, path.relative_to(root).as_posix()


def archive_media(root: Path, target: Path) -> dict[str, dict[str, Any]]:
    """Write every file under root to a tar.gz; returns each file's sha256 and size."""
    if root.exists() and not root.is_dir():
        raise BackupError(f"MEDIA_ROOT ({root}) is not a directory.")
    entries: dict[str, dict[str, Any]] = {}
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        for path, name in media_files(root) if root.exists() else ():
            info = archive.gettarinfo(str(path), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with path.open("rb") as handle:
                reader = _HashingReader(handle)
                archive.addfile(info, reader)
            entries[name] = {"sha256": reader.digest.hexdigest(), "bytes": info.size}
    return entries


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Backup ----------------------------------------------------------------------
def create_backup(dest: Path, database: dict[str, Any], log: Log) -> Path:
    """Write a complete backup into dest/<UTC timestamp>/ and return that directory.
    Nothing under dest looks like a backup until every file is written and synced."""
    # Taken before the snapshot; see `erasures_since` for what a restore re-applies.
    created_at = datetime.now(UTC).replace(microsecond=0)
    dest.mkdir(parents=True, exist_ok=True)
    root = media_root()
    work = Path(tempfile.mkdtemp(prefix=f".incomplete-{created_at:{TIMESTAMP}}-", dir=dest))
    try:
        manifest = _write_contents(work, database, root, created_at, log)
        final = dest / f"{created_at:{TIMESTAMP}}"
        suffix = 1
        while final.exists():
            suffix += 1
            final = dest / f"{created_at:{TIMESTAMP}}-{suffix}"
        _write_sums(work, manifest)
        _fsync(work)
        work.rename(final)
        _fsync(dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _write_contents(
    work: Path, database: dict[str, Any], root: Path, created_at: datetime, log: Log
) -> dict[str, Any]:
    dump = work / DUMP
    with connect(database) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute(
                "SELECT pg_export_snapshot(), current_setting('server_version'), "
                "(SELECT min(xact_start) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                "AND datname = current_database())"
            )
            snapshot, server_version, oldest = cursor.fetchone() or ("", "", None)
            log(f"Dumping database {database.get('NAME')} ...")
            # pg_dump reads the snapshot this transaction holds open: the counts and
            # checksums below describe exactly the rows in the dump.
            run_tool(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
                database,
                "pg_dump",
            )
            log("Counting rows and computing table checksums ...")
            tables = table_fingerprints(cursor)
            migrations = applied_migrations(cursor)
            referenced = stored_file_names(cursor)
    log(f"Archiving uploaded files from {root} ...")
    media = archive_media(root, work / MEDIA)
    missing = sorted(referenced - media.keys())
    if missing:
        log(f"WARNING: {len(missing)} file(s) the database points at are not in MEDIA_ROOT.")
    manifest = {
        "format": FORMAT,
        "created_at": _iso(created_at),
        "erasures_since": _iso(erasures_since(created_at, oldest)),
        "app_version": app_version(),
        "database": {"name": database.get("NAME"), "server_version": server_version},
        "migrations": migrations,
        "checksum_method": CHECKSUM_METHOD,
        "tables": tables,
        "files": {
            name: {"sha256": sha256_of(work / name), "bytes": (work / name).stat().st_size}
            for name in (DUMP, MEDIA)
        },
        "media": media,
        "media_missing": missing,
    }
    (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def erasures_since(created_at: datetime, oldest_transaction: datetime | None) -> datetime:
    """From when a restore of this backup must apply the erasure ledger again. A ledger
    line carries the time its erasure began, but the erasure reaches the database when
    its transaction commits: one still running at the snapshot is not in the backup,
    though its line may be older than created_at. So: from the oldest transaction then
    running, less a margin for the clocks of app and database servers. Lines applied
    twice do no harm (re-applying is idempotent); a line missed would bring a person back."""
    start = min(created_at, oldest_transaction or created_at)
    return (start - CLOCK_MARGIN).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _write_sums(work: Path, manifest: dict[str, Any]) -> None:
    lines = [f"{manifest['files'][name]['sha256']}  {name}" for name in (DUMP, MEDIA)]
    lines.append(f"{sha256_of(work / MANIFEST)}  {MANIFEST}")
    (work / SUMS).write_text("\n".join(lines) + "\n")
    for name in (DUMP, MEDIA, MANIFEST, SUMS):
        (work / name).chmod(0o600)  # personal data: readable by the backup's owner only
        _fsync(work / name)
