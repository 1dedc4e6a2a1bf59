"""The benchmarks' last results, kept in bench/results/: `record(name, result)` puts
one benchmark's result (a JSON-able dict) into latest.json under its name, replacing
that benchmark's previous one, and writes latest.md from it, for people to read.

Deliberately small: one file, the latest run of each benchmark, no history (git has
that when the files are committed). A lock file keeps two benchmarks run at the same
time from losing each other's lines."""

from __future__ import annotations

import fcntl
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def record(name: str, result: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        latest_json = RESULTS / "latest.json"
        latest = json.loads(latest_json.read_text()) if latest_json.exists() else {}
        latest[name] = {"recorded_at": datetime.now(UTC).isoformat(timespec="seconds"), **result}
        latest_json.write_text(json.dumps(latest, indent=2, default=str) + "\n")
        (RESULTS / "latest.md").write_text(markdown(latest))


def markdown(latest: dict[str, dict[str, Any]]) -> str:
    lines = ["# Benchmark results (latest run of each; `make bench`)", ""]
    for name in sorted(latest):
        lines += [f"## {name}", ""]
        tables = []
        for key, value in latest[name].items():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                tables.append((key, value))
            else:
                lines.append(f"- {key}: {_plain(value)}")
        for key, rows in tables:
            columns = list(dict.fromkeys(column for row in rows for column in row))
            lines += ["", f"{key}:", ""]
            lines.append("| " + " | ".join(columns) + " |")
            lines.append("|" + "---|" * len(columns))
            lines += ["| " + " | ".join(_plain(row.get(c)) for c in columns) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines)


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items())
    return "-" if value is None else str(value)
