"""Every list, board, dashboard and start page under load, each as the role that uses
it, beside the Django admin's changelist of the same rows (the peer: a plain Django list
of one table), measured the same way in the same run (run: `make bench` for every
scale, `make bench-quick` for demo scale only).

Data: `generate_scale_data --scale <scale>` for each scale of BENCH_SCALES (a comma
list of demo, municipal, national; default demo) into a database of its own,
labportal_bench_pages, made and dropped here. Served by gunicorn with 2 workers; 1 and
16 clients (BENCH_CLIENTS="1,16"), BENCH_SECONDS per page and client count (default 8).
Generated users have no TOTP: the server runs with REQUIRE_MFA_FOR_PRIVILEGED=false.

Targets (the issue): p95 <= 50 ms with 16 clients, and with 16 clients at least twice
the req/s of the admin changelist of the same rows (where a peer is named). p95 with one
client is recorded beside it: what one person waits on a quiet site (with 16 clients on
2 workers a request mostly waits its turn, so p95 there measures the queue). They are
recorded as pass/fail in bench/results (pages_<scale>) and asserted only with
BENCH_STRICT=1: on a loaded machine (a CI run beside it; see the load average
recorded) the figures are noise. The query counts are compared whenever two scales
ran in one session: at most QUERIES_ONLY_AT_SCALE more at a larger scale (a count that
grows with the data is an N+1); `pages_growth` puts each page's figures at every scale
side by side.
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
SCALES = [s.strip() for s in os.environ.get("BENCH_SCALES", "demo").split(",") if s.strip()]

# (label, role, path, the admin changelist it is compared with or None)
PAGES = [
    ("start, lab lead", "lab_lead", "/", None),
    ("start, admin", "admin", "/", None),
    ("start, department", "department_staff", "/", None),
    ("start, supervisor", "supervisor", "/", None),
    ("start, trainee", "trainee", "/", None),
    ("idea inbox", "lab_lead", "/ideas/", "admin ideas"),
    ("idea inbox, page 40", "lab_lead", "/ideas/?page=40", "admin ideas, page 40"),
    ("idea search", "lab_lead", "/ideas/?q=parkeringstillst%C3%A5nd", "admin idea search"),
    ("department's ideas", "department_staff", "/ideas/", "admin ideas"),
    ("idea flow", "lab_lead", "/ideas/flow/", None),
    ("trainee list", "lab_lead", "/trainees/", "admin trainees"),
    ("cohort list", "lab_lead", "/cohorts/", "admin cohorts"),
    ("applicant list", "lab_lead", "/cohorts/applicants/", "admin applicants"),
    ("planning board", "lab_lead", "/planning/", "admin assignments"),
    ("log overview", "lab_lead", "/logs/", "admin logs"),
    ("supervisor's logs", "supervisor", "/logs/", "admin logs"),
    ("own logs", "trainee", "/logs/", "admin logs"),
    ("employers", "lab_lead", "/employers/", "admin employer contacts"),
    ("ending soon", "lab_lead", "/employers/ending-soon/", "admin enrolments"),
    ("reports dashboard", "lab_lead", "/reports/", None),
    ("exports", "lab_lead", "/reports/exports/", None),
    ("skills", "lab_lead", "/skills/", "admin skills"),
    ("audit log", "admin", "/audit/", "admin audit"),
    ("user list", "admin", "/people/", "admin users"),
    ("user search", "admin", "/people/?q=Larsson", "admin user search"),
    ("organisations", "admin", "/organisations/", "admin organisations"),
    ("invitations", "admin", "/invitations/", "admin invitations"),
    ("retention", "admin", "/personal-data/retention/", None),
    ("admin ideas", "admin", "/admin/prototypes/idea/", None),
    # the same rows as our page 40 (25 a page from 975): the admin shows 100 a page
    ("admin ideas, page 40", "admin", "/admin/prototypes/idea/?p=9", None),
    ("admin idea search", "admin", "/admin/prototypes/idea/?q=parkeringstillst%C3%A5nd", None),
    ("admin trainees", "admin", "/admin/trainees/traineeprofile/", None),
    ("admin cohorts", "admin", "/admin/cohorts/cohort/", None),
    ("admin applicants", "admin", "/admin/cohorts/applicant/", None),
    ("admin assignments", "admin", "/admin/cohorts/assignment/", None),
    ("admin logs", "admin", "/admin/trainees/progresslog/", None),
    ("admin employer contacts", "admin", "/admin/cohorts/employercontact/", None),
    ("admin enrolments", "admin", "/admin/cohorts/enrolment/", None),
    ("admin skills", "admin", "/admin/core/skill/", None),
    ("admin audit", "admin", "/admin/core/auditentry/", None),
    ("admin users", "admin", "/admin/accounts/user/", None),
    ("admin user search", "admin", "/admin/accounts/user/?q=Larsson", None),
    ("admin organisations", "admin", "/admin/accounts/organisation/", None),
    ("admin invitations", "admin", "/admin/accounts/invitation/", None),
]

# query counts per scale, to compare when two scales run in this session
QUERY_COUNTS: dict[str, dict[str, int]] = {}
# What a page may add at a larger scale: the count of a list that has a next page (a
# list that fits on one page is not counted) and the idea search's probe of how common
# its words are (only for words that are). A page that adds more grows with the data.
QUERIES_ONLY_AT_SCALE = 2
# every scale's rows of this session, for the growth table
ROWS: dict[str, list[dict[str, Any]]] = {}


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
        counts = {(q["role"], q["path"]): q for q in prepared["queries"]}
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
                            "queries": counts[role, path]["queries"],
                            "status": counts[role, path]["status"],
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
    ROWS[scale] = rows
    if len(ROWS) > 1:
        record("pages_growth", {"machine": machine, "pages": growth(ROWS)})
        print_growth(ROWS)
    assert all(row["status"] == 200 for row in rows), [r for r in rows if r["status"] != 200]
    if len(QUERY_COUNTS) > 1:
        assert not grown(QUERY_COUNTS), grown(QUERY_COUNTS)
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


def growth(by_scale: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per page: p50 and p95 with one client, req/s with the most clients and
    the query count at each scale, and the p50 of the largest scale over the smallest's
    (1.0: flat as the data grows)."""
    least, most = min(CLIENTS), max(CLIENTS)
    scales = list(by_scale)
    index = {
        (scale, row["page"], row["clients"]): row for scale in scales for row in by_scale[scale]
    }
    table = []
    for label, _role, _path, _peer in PAGES:
        row: dict[str, Any] = {"page": label}
        for scale in scales:
            one, busy = index.get((scale, label, least)), index.get((scale, label, most))
            if one is None:
                continue
            row[f"p50_{scale}"] = one["p50"]
            row[f"p95_{scale}"] = one["p95"]
            if busy is not None:
                row[f"rps{most}_{scale}"] = busy["rps"]
            row[f"queries_{scale}"] = one["queries"]
        first, last = f"p50_{scales[0]}", f"p50_{scales[-1]}"
        if first in row and last in row:
            row[f"{scales[-1]}_vs_{scales[0]}"] = round(row[last] / max(row[first], 0.1), 2)
        table.append(row)
    return table


def print_growth(by_scale: dict[str, list[dict[str, Any]]]) -> None:
    rows = growth(by_scale)
    scales = list(by_scale)
    print(f"\n\ngrowth (p50 ms with {min(CLIENTS)} client, queries) at " + ", ".join(scales))
    for row in rows:
        cells = [
            f"{row.get(f'p50_{scale}', '-')!s:>7} ms {row.get(f'queries_{scale}', '-')!s:>3} q"
            for scale in scales
        ]
        ratio = row.get(f"{scales[-1]}_vs_{scales[0]}", "-")
        print(f"{row['page']:25} " + "  ".join(cells) + f"  x{ratio}")


def grown(counts: dict[str, dict[str, int]]) -> dict[str, list[int]]:
    """The pages whose query count at some scale exceeds the smallest scale's by more
    than QUERIES_ONLY_AT_SCALE, with their counts in scale order."""
    first, *_others = counts.values()
    return {
        page: [counts[scale].get(page, 0) for scale in counts]
        for page, least in first.items()
        if any(counts[scale].get(page, 0) > least + QUERIES_ONLY_AT_SCALE for scale in counts)
    }
