"""After the programme: each trainee's consent to follow-ups (and its history), the
outcome the lab records at the end of each finished enrolment, and the follow-ups
at 3, 6 and 12 months with the outcome they gave (an answer, or "unknown" when
none came). One outcome and one follow-up per enrolment and point."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from typing import Any

from demo.scale import texts
from demo.scale.journeys import first_enrolments
from demo.scale.sizes import rng_for
from demo.scale.world import EnrolmentRow, World
from trainees.models import (
    EMPLOYED,
    ConsentChannel,
    EmploymentType,
    FollowUpStatus,
    OutcomeCategory,
    OutcomeSource,
)

C = OutcomeCategory
AT_END = {
    C.EMPLOYED_IT: 30,
    C.EMPLOYED_OTHER: 15,
    C.OWN_BUSINESS: 3,
    C.STUDIES: 10,
    C.PROGRAMME: 7,
    C.JOB_SEEKING: 30,
    C.UNKNOWN: 5,
}
LATER = {**AT_END, C.EMPLOYED_IT: 40, C.JOB_SEEKING: 18}
FOLLOW_UP_MONTHS = (3, 6, 12)
CONSENTS = 0.85
WITHDRAWN = 0.05
ANSWERED = 0.65
# A follow-up sent this recently still waits for its answer.
WAITING_DAYS = 14

OUTCOME_COLUMNS = [
    "created_at",
    "updated_at",
    "months_after",
    "category",
    "employer",
    "role",
    "region",
    "starts_on",
    "employment_type",
    "via_lab_network",
    "source",
    "note",
    "version",
    "enrolment_id",
    "partner_id",
    "recorded_by_id",
    "trainee_id",
]
FOLLOW_UP_COLUMNS = [
    "created_at",
    "updated_at",
    "months_after",
    "due_on",
    "status",
    "emails_sent",
    "last_sent_at",
    "nonce",
    "answered_at",
    "answer",
    "enrolment_id",
    "trainee_id",
]


def months_later(day: date, months: int) -> date:
    return day + timedelta(days=round(months * 30.44))


def _outcome(
    world: World,
    rng: random.Random,
    e: EnrolmentRow,
    months: int,
    category: str,
    source: str,
    when: datetime,
) -> tuple[Any, ...]:
    employed = category in EMPLOYED
    partner = rng.choice(world.partners) if employed and rng.random() < 0.2 else None
    return (
        when,
        when,
        months,
        category,
        rng.choice(texts.EMPLOYERS) if employed else "",
        rng.choice(texts.ROLES) if employed else "",
        "Regionen" if employed else "",
        e.ends_on + timedelta(days=rng.randrange(1, 60)) if employed else None,
        rng.choice(EmploymentType.values) if employed else "",
        partner is not None,
        source,
        "",
        1,
        e.id,
        partner,
        e.cohort.lead if source == OutcomeSource.LAB else None,
        e.trainee,
    )


def load_outcomes(world: World) -> None:
    rng = rng_for(world.seed, "outcomes")
    clock = world.clock
    consent: dict[int, bool] = {}
    consents: list[tuple[Any, ...]] = []
    decisions: list[tuple[Any, ...]] = []
    for trainee, e in first_enrolments(world).items():
        decided = clock.at(e.starts_on + timedelta(days=rng.randrange(1, 14)), rng)
        given = rng.random() < CONSENTS
        decisions.append((given, ConsentChannel.PAGE, decided, trainee, trainee))
        if given and rng.random() < WITHDRAWN and e.ends_on < clock.today:
            decided = clock.at(e.ends_on + timedelta(days=rng.randrange(1, 90)), rng)
            given = False
            decisions.append((given, ConsentChannel.EMAIL, decided, None, trainee))
        consent[trainee] = given
        consents.append((decided, decided, given, decided, trainee))
    world.loader.copy(
        "trainees_followupconsent",
        ("created_at", "updated_at", "given", "decided_at", "trainee_id"),
        consents,
    )
    world.loader.copy(
        "trainees_consentevent",
        ("given", "channel", "created_at", "actor_id", "trainee_id"),
        decisions,
    )

    outcomes, follow_ups = [], []
    for e in world.enrolments:
        if e.ends_on >= clock.today:
            continue
        outcomes.append(
            _outcome(
                world,
                rng,
                e,
                0,
                rng.choices(list(AT_END), list(AT_END.values()))[0],
                OutcomeSource.LAB,
                clock.at(e.ends_on, rng),
            )
        )
        for months in FOLLOW_UP_MONTHS:
            due = months_later(e.ends_on, months)
            created = clock.at(e.ends_on, rng)
            nonce = f"{rng.getrandbits(128):032x}"
            row: list[Any] = [
                created,
                created,
                months,
                due,
                FollowUpStatus.SCHEDULED,
                0,
                None,
                nonce,
                None,
                "{}",
            ]
            if due > clock.today:
                if not consent[e.trainee]:
                    row[4] = FollowUpStatus.CANCELLED
                follow_ups.append((*row, e.id, e.trainee))
                continue
            sent = clock.at(due, rng)
            if not consent[e.trainee]:
                row[4] = FollowUpStatus.CANCELLED
            elif (clock.today - due).days < WAITING_DAYS:
                row[1], row[4:7] = sent, [FollowUpStatus.SENT, 1, sent]
            elif rng.random() < ANSWERED:
                answered = min(sent + timedelta(days=rng.randrange(1, 10)), clock.now)
                category = rng.choices(list(LATER), list(LATER.values()))[0]
                outcome = _outcome(
                    world, rng, e, months, category, OutcomeSource.FOLLOW_UP, answered
                )
                outcomes.append(outcome)
                answer = json.dumps(
                    {"category": category, "employer": outcome[4], "role": outcome[5]}
                )
                row[1], row[4:10] = (
                    answered,
                    [FollowUpStatus.ANSWERED, 1, sent, nonce, answered, answer],
                )
            else:
                given_up = min(sent + timedelta(days=21), clock.now)
                outcomes.append(
                    _outcome(world, rng, e, months, C.UNKNOWN, OutcomeSource.NO_ANSWER, given_up)
                )
                row[1], row[4:7] = (
                    given_up,
                    [FollowUpStatus.UNANSWERED, 3, sent + timedelta(days=14)],
                )
            follow_ups.append((*row, e.id, e.trainee))
    world.loader.copy("trainees_outcome", OUTCOME_COLUMNS, outcomes)
    world.loader.copy("trainees_followup", FOLLOW_UP_COLUMNS, follow_ups)
