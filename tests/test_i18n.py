"""Swedish is complete: extracting messages afresh finds nothing untranslated or fuzzy."""

import os
import shutil
import subprocess
import sys
from gettext import GNUTranslations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    "labportal",
    "prototypes",
    "trainees",
    "cohorts",
    "demo",
    "templates",
    "locale",
    "manage.py",
]


def gettext_entries(po: Path, *flags: str) -> list[str]:
    result = subprocess.run(
        ["msgattrib", *flags, "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if line.startswith("msgid ")][1:]


def test_swedish_catalog_is_complete_for_the_current_sources(tmp_path):
    # Extract in a copy, so the test never rewrites the working tree's catalog.
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    env = {**os.environ, "ENVIRONMENT": "test", "PYTHONPATH": str(tmp_path)}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=True,
        timeout=120,
    )
    po = tmp_path / "locale" / "sv" / "LC_MESSAGES" / "django.po"
    untranslated = gettext_entries(po, "--untranslated")
    fuzzy = gettext_entries(po, "--only-fuzzy")
    assert not untranslated, "Untranslated (run `make messages` and translate):\n" + "\n".join(
        untranslated
    )
    assert not fuzzy, "Fuzzy (Django ignores them):\n" + "\n".join(fuzzy)


def test_compiled_catalog_matches_the_source(tmp_path):
    po = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    with open(po.with_suffix(".mo"), "rb") as committed, open(fresh, "rb") as compiled:
        assert GNUTranslations(committed)._catalog == GNUTranslations(compiled)._catalog, (
            "locale/sv/LC_MESSAGES/django.mo is stale: run `make messages`"
        )
