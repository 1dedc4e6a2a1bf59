"""The whole generation in one transaction: refusals first, then the parts in the
order of their foreign keys, then VACUUM (ANALYZE) so that the planner knows the new sizes
and index-only scans work as on a live installation."""

from __future__ import annotations

import sys
import time
from datetime import date
from typing import TextIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from demo.scale.cohorts import load_cohorts
from demo.scale.ideas import load_ideas
from demo.scale.journeys import load_journeys
from demo.scale.loader import Loader, TableStat
from demo.scale.outcomes import load_outcomes
from demo.scale.people import load_people
from demo.scale.recruitment import load_applicants
from demo.scale.sizes import Clock, Sizes
from demo.scale.world import World

# The generated users' password (a local trial's, like the demo's).
SCALE_PASSWORD = "labportal-scale"  # noqa: S105
# Tables the generator fills; --flush empties them (and, by CASCADE, whatever points
# at them) and restarts their ids, so that a seed gives the same ids again.
TABLES = (
    "accounts_organisation",
    "accounts_department",
    "accounts_user",
    "account_emailaddress",
    "prototypes_idea",
    "prototypes_ideaevent",
    "prototypes_ideacomment",
    "prototypes_idea_skills",
    "prototypes_prototyperecord",
    "prototypes_evaluation",
    "cohorts_cohort",
    "cohorts_cohort_supervisors",
    "cohorts_enrolment",
    "cohorts_assignment",
    "cohorts_assignmentmember",
    "cohorts_applicant",
    "cohorts_applicantevent",
    "cohorts_applicantskill",
    "trainees_traineeprofile",
    "trainees_skillrecord",
    "trainees_skillevent",
    "trainees_milestone",
    "trainees_progresslog",
    "trainees_logcomment",
    "trainees_followupconsent",
    "trainees_consentevent",
    "trainees_outcome",
    "trainees_followup",
)
# Rows in any of these make a database "not empty".
PEOPLE_OR_WORK = ("accounts_user", "accounts_organisation", "prototypes_idea", "cohorts_cohort")


class Refused(Exception):
    """The database is not one the generator may write to."""


def is_empty() -> bool:
    with connection.cursor() as cursor:
        for table in PEOPLE_OR_WORK:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608 - our names
            if cursor.fetchone()[0]:
                return False
    return True


def generate(
    sizes: Sizes,
    *,
    seed: int,
    today: date,
    flush: bool = False,
    out: TextIO = sys.stderr,
    quiet: bool = False,
) -> list[TableStat]:
    if settings.IS_PRODUCTION:
        raise Refused(
            "generate_scale_data writes thousands of made-up people with a published "
            "password, so it does not run in production (ENVIRONMENT=production)."
        )
    loader = Loader(out=out, quiet=quiet)
    started = time.monotonic()
    with transaction.atomic():
        if flush:
            tables = ", ".join(f'"{table}"' for table in TABLES)
            loader.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        elif not is_empty():
            raise Refused(
                "The database already has people, organisations, ideas or cohorts. Run "
                "generate_scale_data on an empty database, or give --flush to empty the "
                "generated tables first (this deletes their rows)."
            )
        # Parents are written before their children: check each foreign key as the row
        # comes, instead of queueing millions of deferred checks until the commit.
        loader.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM core_skill WHERE is_active ORDER BY id")
            skills = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT id FROM trainees_milestonetype WHERE is_active ORDER BY position, id"
            )
            milestone_types = [row[0] for row in cursor.fetchall()]
        world = World(
            seed=seed,
            sizes=sizes,
            clock=Clock(today),
            loader=loader,
            # a fixed salt: one hash for everyone, the same in every run
            password=make_password(SCALE_PASSWORD, salt="labportalscale"),
            skills=skills,
            milestone_types=milestone_types,
        )
        load_people(world)
        load_cohorts(world)
        load_ideas(world)
        load_journeys(world)
        load_outcomes(world)
        load_applicants(world)
    if not connection.in_atomic_block:
        # After the commit (neither may run in the caller's transaction). VACUUM sets the
        # visibility map that autovacuum would have set on a live installation: without
        # it every index-only scan visits the table too, and benchmarks would measure a
        # state no production database stays in.
        tables = ", ".join(f'"{table}"' for table in TABLES)
        loader.execute(f"VACUUM (ANALYZE) {tables}")
    if not quiet:
        rows = sum(stat.rows for stat in loader.stats)
        seconds = time.monotonic() - started
        print(f"Done: {rows:,} rows in {seconds:.0f} s ({rows / seconds:,.0f} rows/s).", file=out)
    return loader.stats
