"""Backup and restore drills (`manage.py backup`, `manage.py restore`) on the real
PostgreSQL: what was backed up comes back row for row and byte for byte, a changed
backup or a database in use is refused before anything is written, and a failed
backup leaves nothing that looks like a backup. Every database made here is dropped."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from psycopg import sql

from labportal.accounts.models import User
from labportal.core import backup as backup_module
from labportal.core.models import AuditEntry
from privacy.erasure import erase_on_request
from privacy.models import Installation
from prototypes.models import Idea, IdeaAttachment
from prototypes.services.ideas import create_idea
from tests.prototypes.factories import PDF_BYTES, pdf_upload

BACKUP_FILES = ["SHA256SUMS", "db.dump", "manifest.json", "media.tar.gz"]
MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def url_of(name: str) -> str:
    """A postgres:// URL of another database on the test database's server."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def connect_to(name: str, **options) -> psycopg.Connection:
    """A connection to another database on the test database's server."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        **options,
    )


def server() -> psycopg.Connection:
    return connect_to("postgres", autocommit=True)


def query(name: str, text: str, params: tuple = ()) -> list[tuple]:
    """Rows of a query on another database, rendered as the backup renders them."""
    with connect_to(name) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        return conn.execute(text, params or None).fetchall()


def table_count(name: str) -> int:
    return query(name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0][0]


@pytest.fixture
def new_database():
    """Makes empty databases named after this test run's database; drops them after."""
    made: list[str] = []

    def make(kind: str = "drill") -> str:
        name = f"{connection.settings_dict['NAME']}_{kind}_{uuid.uuid4().hex[:8]}"
        with server() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        made.append(name)
        return name

    yield make
    with server() as conn:
        for name in made:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def ledger(tmp_path, monkeypatch, settings):
    """An erasure ledger of this test's own, for this process and the ones it starts."""
    path = tmp_path / "erasure-ledger.jsonl"
    monkeypatch.setenv("PRIVACY_LEDGER_PATH", str(path))
    settings.PRIVACY_LEDGER_PATH = path
    return path


@pytest.fixture
def idea_with_attachment(transactional_db, department_staff):
    return create_idea(
        actor=department_staff,
        data={"title": "Bilaga i backupen"},
        files=[pdf_upload("Nuvarande blankett.pdf")],
    )


def backup(dest: Path) -> Path:
    call_command("backup", dest=str(dest), stdout=io.StringIO())
    (directory,) = list(dest.iterdir())
    return directory


def restore(directory: Path, database: str, media: Path) -> str:
    out = io.StringIO()
    call_command(
        "restore", str(directory), database_url=url_of(database), media_root=str(media), stdout=out
    )
    return out.getvalue()


def test_backup_and_restore_bring_back_every_row_and_file(
    idea_with_attachment, ledger, new_database, tmp_path
):
    # given: an idea with an uploaded PDF, committed
    attachment = IdeaAttachment.objects.get(idea=idea_with_attachment)

    # when
    directory = backup(tmp_path / "backups")
    target = new_database()
    report = restore(directory, target, tmp_path / "restored")

    # then: one complete backup, described by its manifest
    assert sorted(path.name for path in directory.iterdir()) == BACKUP_FILES
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["tables"]["public.prototypes_idea"]["rows"] == Idea.objects.count() == 1
    assert (
        manifest["media"][attachment.file.name]["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    )
    assert manifest["migrations"]["prototypes"] == (
        MigrationRecorder.Migration.objects.filter(app="prototypes").order_by("-name")[0].name
    )
    assert manifest["created_at"].endswith("Z")
    assert manifest["erasures_since"] < manifest["created_at"]
    # ... restored and checked table by table by the command ...
    assert f"Tables: {len(manifest['tables'])} match, 0 differ." in report
    # ... and checked here on our own: the same rows, the same file
    source = connection.settings_dict["NAME"]
    for table, count in [
        ("accounts_user", User.objects.count()),
        ("prototypes_idea", 1),
        ("prototypes_ideaattachment", 1),
        ("core_auditentry", AuditEntry.objects.count()),
    ]:
        assert query(target, f"SELECT count(*) FROM {table}")[0][0] == count  # noqa: S608
    rows = "SELECT t::text FROM prototypes_idea t ORDER BY id"
    assert query(target, rows) == query(source, rows)
    (stored_name,) = query(target, "SELECT file FROM prototypes_ideaattachment")[0]
    assert (tmp_path / "restored" / stored_name).read_bytes() == PDF_BYTES


@pytest.mark.parametrize("changed", ["db.dump", "manifest.json", "media.tar.gz"])
def test_restore_refuses_a_backup_with_one_changed_byte_before_touching_anything(
    idea_with_attachment, ledger, new_database, tmp_path, changed
):
    directory = backup(tmp_path / "backups")
    path = directory / changed
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01
    path.write_bytes(bytes(content))
    target = new_database()

    with pytest.raises(CommandError, match=f"{changed} does not match its checksum"):
        restore(directory, target, tmp_path / "restored")

    assert table_count(target) == 0
    assert not (tmp_path / "restored").exists()


def test_restore_fails_when_a_restored_table_differs_from_the_manifest(
    idea_with_attachment, ledger, new_database, tmp_path
):
    # given: a manifest (with a matching SHA256SUMS) that expects one idea more than
    # the dump holds, as if the dump had lost a row
    directory = backup(tmp_path / "backups")
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["public.prototypes_idea"]["rows"] += 1
    manifest_path.write_text(json.dumps(manifest))
    sums = directory / "SHA256SUMS"
    digest = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
    sums.write_text(
        "".join(
            f"{digest}  manifest.json\n" if line.endswith("manifest.json") else line + "\n"
            for line in sums.read_text().splitlines()
        )
    )
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"differs from the backup in 1 table"):
        call_command(
            "restore",
            str(directory),
            database_url=url_of(new_database()),
            media_root=str(tmp_path / "restored"),
            stdout=out,
        )

    (line,) = [row for row in out.getvalue().splitlines() if "public.prototypes_idea " in row]
    assert line.split()[1:3] == ["2", "1"]
    assert "DIFFERS" in line


def test_restore_refuses_a_database_that_is_not_empty(
    idea_with_attachment, ledger, new_database, tmp_path
):
    directory = backup(tmp_path / "backups")
    in_use = connection.settings_dict["NAME"]

    with pytest.raises(CommandError, match=r"is not empty.*createdb"):
        restore(directory, in_use, tmp_path / "restored")

    assert not (tmp_path / "restored").exists()
    assert Idea.objects.count() == 1
    # the same backup goes into a new database once one is made
    restore(directory, new_database(), tmp_path / "restored")


def test_restore_refuses_a_media_folder_that_is_not_empty(
    idea_with_attachment, ledger, new_database, tmp_path
):
    directory = backup(tmp_path / "backups")
    media = tmp_path / "media-in-use"
    media.mkdir()
    (media / "someone-elses.pdf").write_bytes(b"keep me")
    target = new_database()

    with pytest.raises(CommandError, match=r"media folder .* is not empty"):
        restore(directory, target, media)

    assert table_count(target) == 0
    assert [path.name for path in media.iterdir()] == ["someone-elses.pdf"]


def test_a_failed_backup_leaves_nothing_that_looks_like_a_backup(
    idea_with_attachment, ledger, new_database, settings, tmp_path
):
    # MEDIA_ROOT is a file: the database is dumped first, then the files fail
    settings.MEDIA_ROOT = tmp_path / "not-a-folder"
    settings.MEDIA_ROOT.write_bytes(b"")
    dest = tmp_path / "backups"

    with pytest.raises(CommandError, match=r"Backup failed.*is not a directory"):
        call_command("backup", dest=str(dest), stdout=io.StringIO())

    assert list(dest.iterdir()) == []
    # and a folder without its manifest (a copy cut short) is not restored
    partial = dest / "20250101T000000Z"
    partial.mkdir()
    (partial / "db.dump").write_bytes(b"PGDMP")
    target = new_database()
    with pytest.raises(CommandError, match="not a complete backup"):
        restore(partial, target, tmp_path / "restored")
    assert table_count(target) == 0


def run(*args: str, database: str, media: Path, ledger: Path, **extra: str) -> str:
    """A manage.py command in a process of its own, on the given database."""
    env = {
        **os.environ,
        "DATABASE_URL": url_of(database),
        "MEDIA_ROOT": str(media),
        "PRIVACY_LEDGER_PATH": str(ledger),
        "ENVIRONMENT": "test",
        **extra,
    }
    done = subprocess.run(
        [sys.executable, MANAGE, *args], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def test_drill_at_demo_scale_restores_the_demo_in_minutes(new_database, tmp_path):
    """The drill an IT department runs: the demo installation backed up and restored
    into a new database, all compared. Takes about half a minute; the limit is 5."""
    started = time.monotonic()
    source, target = new_database("src"), new_database("dst")
    ledger = tmp_path / "erasure-ledger.jsonl"
    media = tmp_path / "media"
    run("migrate", "--no-input", "-v0", database=source, media=media, ledger=ledger)
    # The demo queues emails; run them in its own process, so they never reach a
    # worker on Redis that serves another database.
    run("load_demo", database=source, media=media, ledger=ledger, TASKS_IN_PROCESS="true")
    loaded = time.monotonic()
    run("backup", "--dest", str(tmp_path / "backups"), database=source, media=media, ledger=ledger)
    (directory,) = list((tmp_path / "backups").iterdir())
    report = run(
        "restore",
        str(directory),
        "--database-url",
        url_of(target),
        "--media-root",
        str(tmp_path / "restored"),
        database=source,
        media=media,
        ledger=ledger,
    )
    finished = time.monotonic()

    manifest = json.loads((directory / "manifest.json").read_text())
    assert f"Tables: {len(manifest['tables'])} match, 0 differ." in report
    for table in ["accounts_user", "prototypes_idea", "trainees_progresslog", "cohorts_enrolment"]:
        count = f"SELECT count(*) FROM {table}"  # noqa: S608
        assert query(target, count) == query(source, count)
        assert query(target, count)[0][0] > 0
    # the drill's times, shown with -s
    print(
        f"\ndrill: migrate + load_demo {loaded - started:.1f}s, "
        f"backup + restore {finished - loaded:.1f}s, total {finished - started:.1f}s"
    )
    assert finished - started < 300


def test_erasures_are_applied_again_from_before_a_transaction_running_at_the_backup(
    idea_with_attachment, ledger, monkeypatch, tmp_path
):
    # An erasure that began before the backup but committed after its snapshot is not in
    # the backup; its ledger line is older than the backup, and must still be re-applied.
    monkeypatch.setattr(backup_module, "CLOCK_MARGIN", datetime.timedelta(0))
    with connect_to(connection.settings_dict["NAME"]) as erasing:
        erasing.execute("SELECT 1")  # a transaction is open from here
        (began,) = erasing.execute("SELECT now()").fetchone()
        time.sleep(2)
        directory = backup(tmp_path / "backups")

    manifest = json.loads((directory / "manifest.json").read_text())
    since = datetime.datetime.fromisoformat(manifest["erasures_since"])
    assert since <= began < datetime.datetime.fromisoformat(manifest["created_at"])


def test_a_person_erased_after_the_backup_stays_erased_after_the_restore(
    idea_with_attachment, department_staff, admin, ledger, new_database, tmp_path
):
    # given: a backup with the person's name in it, then the person asks to be erased
    assert department_staff.full_name == "Disa Förvaltning"
    # the installation's key, as the migration made it (an earlier test's flush may
    # have emptied the table); the backup carries it to the restored database
    Installation.current_key()
    directory = backup(tmp_path / "backups")
    person = department_staff.pk
    erase_on_request(department_staff, actor=admin, reason="Begäran om radering (art. 17)")
    assert ledger.read_text().strip()

    # when: the older backup is restored
    target = new_database()
    report = restore(directory, target, tmp_path / "restored")

    # then: the restore matched the backup (with the person's name in it) ...
    assert " 0 differ." in report
    assert "Applied" in report
    # ... and the erasure recorded since was applied again
    name, email, removed_at = query(
        target, "SELECT full_name, email, removed_at FROM accounts_user WHERE id = %s", (person,)
    )[0]
    assert name == ""
    assert email == f"removed-{person}@invalid"
    assert removed_at is not None
    signin = "SELECT count(*) FROM account_emailaddress WHERE user_id = %s"
    assert query(target, signin, (person,)) == [(0,)]
