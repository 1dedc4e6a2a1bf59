"""Applicants in every status: decided ones (taken or not) on the cohorts that have
started, the whole screening funnel on the recruiting ones, with their own skills and
the history of each step."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from cohorts.models import ApplicantStatus, CohortStatus
from demo.scale import texts
from demo.scale.sizes import rng_for
from demo.scale.world import CohortRow, World

A = ApplicantStatus
FUNNEL = (A.NEW, A.SHORTLISTED, A.INTERVIEWED, A.OFFERED, A.ACCEPTED)
OPEN = {A.NEW: 40, A.SHORTLISTED: 20, A.INTERVIEWED: 15, A.OFFERED: 10, A.DECLINED: 15}
DECIDED = {A.ACCEPTED: 25, A.DECLINED: 75}
CONSENT_TEXT = (
    "Jag samtycker till att labbet sparar mina uppgifter för att kunna bedöma min ansökan."
)


def _funnel(rng: random.Random, status: str) -> list[str]:
    """The statuses an applicant passed through, in order, ending in `status`."""
    if status != A.DECLINED:
        return list(FUNNEL[: FUNNEL.index(A(status)) + 1])
    # not taken after some stage of the screening
    return [*FUNNEL[: rng.randint(1, 4)], A.DECLINED]


def load_applicants(world: World) -> None:
    rng = rng_for(world.seed, "applicants")
    clock, count = world.clock, world.sizes.applicants
    recruiting = [
        c for c in world.cohorts if c.status in (CohortStatus.RECRUITING, CohortStatus.PLANNED)
    ]
    started = [
        c for c in world.cohorts if c.status in (CohortStatus.RUNNING, CohortStatus.FINISHED)
    ]
    # a share of the applicants as large as the share of recruiting cohorts, but all
    # statuses on the recruiting ones at least
    forced = [A.NEW, A.SHORTLISTED, A.INTERVIEWED, A.OFFERED, A.ACCEPTED, A.DECLINED]
    first = world.loader.reserve("cohorts_applicant", count)
    applicants: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    skills: list[tuple[int, int, int]] = []
    open_share = max(len(recruiting) / len(world.cohorts), 0.02)
    for n in range(count):
        cohort: CohortRow
        if n < len(forced):
            cohort, status = recruiting[n % len(recruiting)], forced[n]
        elif rng.random() < open_share or not started:
            cohort = rng.choice(recruiting)
            status = rng.choices(list(OPEN), list(OPEN.values()))[0]
        else:
            cohort = rng.choice(started)
            status = rng.choices(list(DECIDED), list(DECIDED.values()))[0]
        applicant_id = first + n
        opens = cohort.starts_on - timedelta(days=120)
        applied = clock.at(min(opens + timedelta(days=rng.randrange(60)), clock.today), rng)
        steps = _funnel(rng, status)
        moment, previous = applied, ""
        for step in steps:
            if previous:
                moment = min(moment + timedelta(days=rng.randrange(2, 10)), clock.now)
            actor = cohort.lead if previous else None
            note = "Vi har valt andra sökande den här gången." if step == A.DECLINED else ""
            events.append((previous, step, note, moment, actor, applicant_id))
            previous = step
        decided = moment if status in (A.ACCEPTED, A.DECLINED) else None
        name = texts.person_name(rng)
        applicants.append(
            (
                applicant_id,
                applied,
                moment,
                name,
                f"sokande{applicant_id}@scale.example",
                "",
                "sv",
                rng.choice(texts.BACKGROUNDS),
                "Lagerarbete och kundtjänst.",
                rng.choice(texts.LANGUAGES),
                "Webbutveckling och data.",
                CONSENT_TEXT,
                applied,
                status,
                "Vi har valt andra sökande den här gången." if status == A.DECLINED else "",
                decided,
                len(steps),
                cohort.id,
            )
        )
        for skill in rng.sample(world.skills, rng.randint(2, 4)):
            skills.append((rng.randint(1, 4), applicant_id, skill))
    loader = world.loader
    loader.copy(
        "cohorts_applicant",
        [
            "id",
            "created_at",
            "updated_at",
            "full_name",
            "email",
            "phone",
            "language",
            "background",
            "work_experience",
            "languages",
            "wants_to_work_with",
            "consent_text",
            "consented_at",
            "status",
            "decline_reason",
            "decided_at",
            "version",
            "cohort_id",
        ],
        applicants,
    )
    loader.copy(
        "cohorts_applicantevent",
        ("from_status", "to_status", "note", "created_at", "actor_id", "applicant_id"),
        events,
    )
    loader.copy("cohorts_applicantskill", ("level", "applicant_id", "skill_id"), skills)
