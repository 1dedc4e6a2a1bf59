"""The erasure ledger: one JSON line per anonymisation or deletion of a person, in a
file outside the database (settings.PRIVACY_LEDGER_PATH), so that restoring an older
backup does not bring erased people back: `reapply()` (the management command
`reapply_erasures`, run after every restore) does every recorded erasure again.

A line holds ids, categories, the action, the time and the installation's key
(`privacy.models.Installation`: only lines of this database are applied), never
personal data: the ledger may be kept as long as the backups it protects against.
A line is written only when the transaction that erased commits, so a rolled-back
erasure leaves no line that would erase the person later."""

from __future__ import annotations

import datetime
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

ANONYMISE = "anonymise"
DELETE = "delete"


def ledger_path() -> Path:
    return Path(settings.PRIVACY_LEDGER_PATH)


def record(
    *,
    action: str,
    categories: list[str],
    person: int | None = None,
    applicant: int | None = None,
    source: str = "retention",
    now: datetime.datetime | None = None,
) -> None:
    """Append a line for this erasure once the current transaction commits (at once
    outside a transaction)."""
    line = {
        "installation": _installation(),
        "time": (now or timezone.now()).isoformat(),
        "action": action,
        "person": person,
        "applicant": applicant,
        "categories": sorted(categories),
        "source": source,
    }
    transaction.on_commit(lambda: _append(line))


def record_rows(
    *, action: str, label: str, ids: list[int], category: str, source: str = "request"
) -> None:
    """Append a line for rows found by an address rather than an account (the emails
    sent to an applicant): their ids, since the ledger keeps no address."""
    line = {
        "installation": _installation(),
        "time": timezone.now().isoformat(),
        "action": action,
        "person": None,
        "applicant": None,
        "rows": {"label": label, "ids": sorted(ids)},
        "categories": [category],
        "source": source,
    }
    transaction.on_commit(lambda: _append(line))


def _installation() -> str:
    from privacy.models import Installation

    return Installation.current_key()


def _append(line: dict[str, Any]) -> None:
    path = ledger_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as ledger:
            # Several workers may append at once: one whole line each.
            fcntl.flock(ledger, fcntl.LOCK_EX)
            try:
                ledger.write(json.dumps(line, sort_keys=True) + "\n")
                ledger.flush()
                os.fsync(ledger.fileno())
            finally:
                fcntl.flock(ledger, fcntl.LOCK_UN)
    except OSError:
        # The erasure itself is done and committed; only its protection against a
        # restore is missing. Say so loudly, so that an operator can look at it.
        logger.exception("Could not write the erasure ledger %s: %s", path, line)


def lines(since: datetime.datetime | None = None) -> Iterator[dict[str, Any]]:
    """The recorded erasures, oldest first (from `since` on, when given). A line that
    cannot be read (e.g. cut short by a full disk) is logged and skipped."""
    path = ledger_path()
    if not path.exists():
        return
    with path.open(encoding="utf-8") as ledger:
        for number, text in enumerate(ledger, start=1):
            if not text.strip():
                continue
            try:
                line = json.loads(text)
                time = datetime.datetime.fromisoformat(line["time"])
            except (ValueError, KeyError, TypeError):
                logger.warning("Erasure ledger line %s cannot be read; skipped", number)
                continue
            if since is None or time >= since:
                yield line


def reapply(since: datetime.datetime | None = None) -> int:
    """Apply every recorded erasure again (from `since` on); returns how many lines
    were applied. Idempotent: what is already anonymised or deleted stays so, and
    nothing new is written to the ledger. Each line in its own transaction."""
    from privacy import erasure

    applied = 0
    installation = _installation()
    for line in lines(since):
        if line.get("installation") != installation:
            # Written for another database (e.g. the demo before a reset): its ids
            # would name other people here.
            continue
        with transaction.atomic():
            erasure.reapply_line(line)
        applied += 1
    return applied
