"""The main pages under load, each as the role that uses it, beside the Django admin's
changelist of the same rows (the peer: a plain Django list of one table), measured the
same way in the same run (run: `make bench-quick`, or `make bench`).

Data: `generate_scale_data --scale demo` (and municipal with BENCH_SCALE=municipal,
national with BENCH_SCALE=national) into a database of its own, labportal_bench_pages,
made and dropped here. Served by gunicorn with 2 workers; 1 and 16 clients
(BENCH_CLIENTS="1,16"), BENCH_SECONDS per page and client count (default 8).
Generated users have no TOTP: the server runs with REQUIRE_MFA_FOR_PRIVILEGED=false.

Targets: p95 <= 50 ms with 1 client (with 16 clients on 2 workers a request mostly
waits its turn, so p95 there measures the queue) and, with 16 clients, at least twice
the req/s of the admin changelist of the same rows (where a peer is named). They are
recorded as pass/fail in bench/results (pages_<scale>) and asserted only with
BENCH_STRICT=1: on a loaded machine (a CI run beside it; see the load average
recorded) the figures are noise. The query counts are asserted equal whenever two
scales ran in one session (a count that grows with the data is an N+1).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import psycopg
import pytest

from bench import load as harness
from bench.results import record

DATABASE = "labportal_bench_pages"
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = [int(c) for c in os.environ.get("BENCH_CLIENTS", "1,16").split(",")]
STRICT = os.environ.get("BENCH_STRICT") == "1"
TARGET_P95_MS = 50
SCALES = ["demo"] + [s for s in ("municipal", "national") if os.environ.get("BENCH_SCALE") == s]

# (label, role, path, the admin changelist it is compared with or None)
PAGES = [
    ("idea inbox", "lab_lead", "/ideas/", "admin ideas"),
    ("trainee list", "lab_lead", "/trainees/", "admin trainees"),
    ("cohort list", "lab_lead", "/cohorts/", "admin cohorts"),
    ("applicant list", "lab_lead", "/cohorts/applicants/", "admin applicants"),
    ("planning board", "lab_lead", "/planning/", "admin assignments"),
    ("reports dashboard", "lab_lead", "/reports/", None),
    ("audit log", "admin", "/audit/", "admin audit"),
    ("user list", "admin", "/people/", "admin users"),
    ("admin ideas", "admin", "/admin/prototypes/idea/", None),
    ("admin trainees", "admin", "/admin/trainees/traineeprofile/", None),
    ("admin cohorts", "admin", "/admin/cohorts/cohort/", None),
    ("admin applicants", "admin", "/admin/cohorts/applicant/", None),
    ("admin assignments", "admin", "/admin/cohorts/assignment/", None),
    ("admin audit", "admin", "/admin/core/auditentry/", None),
    ("admin users", "admin", "/admin/accounts/user/", None),
]

# query counts per scale, to compare when two scales run in this session
QUERY_COUNTS: dict[str, dict[str, int]] = {}


def server_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/labportal")
    return base.rsplit("/", 1)[0]


def recreate_database() -> str:
    with psycopg.connect(server_url() + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"{server_url()}/{DATABASE}"


def drop_database() -> None:
    with psycopg.connect(server_url() + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def manage(database_url: str, *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=harness.PROJECT,
        env=harness.server_env(database_url),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def verdicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pass/fail of each page: p95 with the most clients (the issue's bar: 16 clients
    on 2 workers, so a request must take a few milliseconds for its turn not to
    dominate), and req/s with the most clients at least twice its admin peer's.
    p95 with one client is kept beside it: what one person waits on a quiet site."""
    by = {(row["page"], row["clients"]): row for row in rows}
    least, most = min(CLIENTS), max(CLIENTS)
    checks = []
    for label, _role, _path, peer in PAGES:
        if label.startswith("admin ") or (label, least) not in by:
            continue
        one = by[label, least]
        busy = by.get((label, most), one)
        check: dict[str, Any] = {
            "page": label,
            f"p95_{most}_ok": busy["p95"] <= TARGET_P95_MS and not busy["errors"],
            f"p95_{least}_ok": one["p95"] <= TARGET_P95_MS and not one["errors"],
        }
        if peer and (peer, most) in by:
            ratio = by[label, most]["rps"] / max(by[peer, most]["rps"], 0.1)
            check[f"vs_admin_{most}"] = round(ratio, 2)
            check["twice_admin_ok"] = ratio >= 2
        checks.append(check)
    return checks


@pytest.mark.parametrize("scale", SCALES)
def test_pages_under_load(scale: str) -> None:
    database_url = recreate_database()
    try:
        manage(database_url, "migrate", "--noinput")
        manage(database_url, "generate_scale_data", "--scale", scale, "--seed", "1", "--flush")
        roles = sorted({role for _label, role, _path, _peer in PAGES})
        prepared = harness.prepare(
            database_url, roles, [(role, path) for _label, role, path, _peer in PAGES]
        )
        counts = {q["path"]: q for q in prepared["queries"]}
        rows: list[dict[str, Any]] = []
        with harness.gunicorn_server(database_url) as base:
            for label, role, path, _peer in PAGES:
                for clients in CLIENTS:
                    figures = harness.load(base + path, prepared["cookies"][role], clients, SECONDS)
                    rows.append(
                        {
                            "page": label,
                            "as": role,
                            "path": path,
                            "clients": clients,
                            **figures,
                            "queries": counts[path]["queries"],
                            "status": counts[path]["status"],
                        }
                    )
        machine = harness.machine(database_url)  # the load average just after the run
    finally:
        drop_database()
    checks = verdicts(rows)
    QUERY_COUNTS[scale] = {row["page"]: row["queries"] for row in rows}
    print_table(scale, machine, rows, checks)
    record(
        f"pages_{scale}",
        {
            "machine": machine,
            "note": harness.MFA_NOTE,
            "seconds_per_page": SECONDS,
            "strict": STRICT,
            "pages": rows,
            "checks": checks,
        },
    )
    assert all(row["status"] == 200 for row in rows), [r for r in rows if r["status"] != 200]
    if len(QUERY_COUNTS) > 1:
        first, *others = QUERY_COUNTS.values()
        assert all(other == first for other in others), QUERY_COUNTS
    if STRICT:
        failed = [c for c in checks if not all(v for k, v in c.items() if k.endswith("_ok"))]
        assert not failed, failed


def print_table(
    scale: str, machine: dict[str, Any], rows: list[dict[str, Any]], checks: list[dict[str, Any]]
) -> None:
    print(f"\n\npages at scale {scale}: {SECONDS:g} s per page, gunicorn 2 workers")
    print(
        f"machine: {machine['cores']} cores, {machine['memory']}, load average "
        f"{machine['load_average']}, {machine['versions']}"
    )
    print(f"note: {harness.MFA_NOTE}")
    print(
        f"{'page':20} {'as':9} {'cl':>3} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}"
        f" {'err':>4} {'queries':>7}"
    )
    for row in rows:
        print(
            f"{row['page']:20} {row['as']:9} {row['clients']:3} {row['rps']:7.1f}"
            f" {row['p50']:7.1f} {row['p95']:7.1f} {row['p99']:7.1f} {row['errors']:4}"
            f" {row['queries']:7}"
        )
    for check in checks:
        print(f"check: {check}")
