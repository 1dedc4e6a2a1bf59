"""The trainees' journeys: profiles, competence (self-assessed, some validated, with
history), a progress log for every week enrolled (some weeks missed) with comments
by the supervisors, and coaching milestones."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from demo import log_texts
from demo.scale import texts
from demo.scale.sizes import rng_for
from demo.scale.world import EnrolmentRow, World
from trainees.models import MilestoneStatus, SkillEventKind, ValidationMethod, monday_of

MISSED_WEEK = 0.04
BLOCKED_WEEK = 0.1
# (practical, education) hours of a week; never more than 60 together.
HOURS = (
    ("32.0", "8.0"),
    ("30.0", "6.0"),
    ("28.0", "12.0"),
    ("24.0", "8.0"),
    ("35.0", "5.0"),
    ("20.0", "4.0"),
)
PROTOTYPES = tuple(f"{what} {whom}" for what, whom in zip(texts.WHATS, texts.WHOMS, strict=False))
# Every COMMENT_EVERY-th log (by id) has a comment from the cohort's supervisor.
COMMENT_EVERY = 29


def first_enrolments(world: World) -> dict[int, EnrolmentRow]:
    first: dict[int, EnrolmentRow] = {}
    for enrolment in world.enrolments:
        first.setdefault(enrolment.trainee, enrolment)
    return first


def load_journeys(world: World) -> None:
    firsts = first_enrolments(world)
    _profiles(world, firsts)
    _competence(world, firsts)
    _milestones(world, firsts)
    _logs(world)


def _profiles(world: World, firsts: dict[int, EnrolmentRow]) -> None:
    rng = rng_for(world.seed, "profiles")

    def rows() -> Iterator[tuple[Any, ...]]:
        for trainee, enrolment in firsts.items():
            created = datetime.combine(enrolment.starts_on, time(9), tzinfo=UTC)
            created = min(created, world.clock.now)
            yield (
                created,
                created,
                rng.choice(texts.BACKGROUNDS),
                trainee,
                rng.choice(texts.LANGUAGES),
                enrolment.cohort.lead,
                1,
                "Webbutveckling och data.",
                "Lagerarbete och kundtjänst.",
            )

    world.loader.copy(
        "trainees_traineeprofile",
        [
            "created_at",
            "updated_at",
            "background",
            "user_id",
            "languages",
            "reference_contact_id",
            "version",
            "wants_to_work_with",
            "work_experience",
        ],
        rows(),
    )


def _competence(world: World, firsts: dict[int, EnrolmentRow]) -> None:
    rng = rng_for(world.seed, "competence")
    clock = world.clock
    records: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    plans = [
        (trainee, e, rng.sample(world.skills, rng.randint(3, 7))) for trainee, e in firsts.items()
    ]
    first = world.loader.reserve("trainees_skillrecord", sum(len(skills) for *_, skills in plans))
    for trainee, enrolment, skills in plans:
        assessed = clock.at(enrolment.starts_on - timedelta(days=7), rng)
        weeks = (min(enrolment.ends_on, clock.today) - enrolment.starts_on).days // 7
        for skill in skills:
            record_id = first + len(records)
            level = rng.randint(1, 4)
            validated: tuple[Any, ...] = (None, "", "", None, None)
            events.append(
                (SkillEventKind.SELF_ASSESSED, level, "", "", assessed, trainee, record_id)
            )
            if weeks > 8 and rng.random() < 0.65:
                when = clock.at(enrolment.starts_on + timedelta(weeks=rng.randint(8, weeks)), rng)
                method = rng.choice(ValidationMethod.values)
                found = max(1, min(4, level + rng.choice((-1, 0, 0, 1))))
                evidence = "Visade det i prototypen och förklarade sina val."
                validated = (found, method, evidence, when, enrolment.cohort.lead)
                events.append(
                    (
                        SkillEventKind.VALIDATED,
                        found,
                        method,
                        evidence,
                        when,
                        validated[4],
                        record_id,
                    )
                )
            updated = validated[3] or assessed
            records.append(
                (record_id, assessed, updated, level, "", "", "", *validated, skill, trainee)
            )
    world.loader.copy(
        "trainees_skillrecord",
        [
            "id",
            "created_at",
            "updated_at",
            "self_level",
            "evidence_link",
            "evidence_file",
            "evidence_note",
            "validated_level",
            "validation_method",
            "validation_evidence",
            "validated_at",
            "validated_by_id",
            "skill_id",
            "trainee_id",
        ],
        records,
    )
    world.loader.copy(
        "trainees_skillevent",
        ("kind", "level", "method", "evidence", "created_at", "actor_id", "record_id"),
        events,
    )


def _milestones(world: World, firsts: dict[int, EnrolmentRow]) -> None:
    rng = rng_for(world.seed, "milestones")
    clock = world.clock

    def rows() -> Iterator[tuple[Any, ...]]:
        for trainee, enrolment in firsts.items():
            length = (enrolment.cohort.ends_on - enrolment.cohort.starts_on).days
            created = min(clock.at(enrolment.starts_on, rng), clock.now)
            for n, kind in enumerate(world.milestone_types):
                due = enrolment.cohort.starts_on + timedelta(
                    days=length * (n + 1) // (len(world.milestone_types) + 1)
                )
                status, done_at = MilestoneStatus.PLANNED, None
                if due < clock.today:
                    draw = rng.random()
                    if draw < 0.85:
                        status, done_at = (
                            MilestoneStatus.DONE,
                            clock.at(due - timedelta(days=rng.randrange(10)), rng),
                        )
                    elif draw < 0.9:
                        status = MilestoneStatus.SKIPPED
                yield (created, done_at or created, due, status, done_at, "", trainee, kind)

    world.loader.copy(
        "trainees_milestone",
        (
            "created_at",
            "updated_at",
            "due_on",
            "status",
            "done_at",
            "note",
            "trainee_id",
            "type_id",
        ),
        rows(),
    )


def _logs(world: World) -> None:
    rng = rng_for(world.seed, "logs")
    clock = world.clock
    last_week = monday_of(clock.today) - timedelta(weeks=1)
    learned, blockers = log_texts.LEARNED["sv"], log_texts.BLOCKERS["sv"]
    did_cache: dict[tuple[int, int, int], str] = {}

    def did(week_index: int, offset: int, prototype: int) -> str:
        key = (
            log_texts.phase(week_index),
            (week_index + offset) % 7,
            week_index % 28 * 100 + prototype,
        )
        text = did_cache.get(key)
        if text is None:
            works = log_texts.DID["sv"][key[0]]
            course = log_texts.COURSE["sv"][week_index % len(log_texts.COURSE["sv"])]
            work = works[key[1] % len(works)].format(p=PROTOTYPES[prototype])
            text = (
                f"{work} {log_texts.COURSE_LEAD['sv'].format(topic=course[0].upper() + course[1:])}"
            )
            did_cache[key] = text
        return text

    def rows() -> Iterator[tuple[Any, ...]]:
        for e in world.enrolments:
            week, end = monday_of(e.starts_on), min(monday_of(e.ends_on), last_week)
            offset, prototype = e.trainee % 7, e.trainee % len(PROTOTYPES)
            index = 0
            while week <= end:
                if rng.random() >= MISSED_WEEK:
                    written = min(
                        datetime.combine(week + timedelta(days=4), time(15), tzinfo=UTC), clock.now
                    )
                    practical, education = HOURS[rng.randrange(len(HOURS))]
                    yield (
                        written,
                        written,
                        week,
                        practical,
                        education,
                        did(index, offset, prototype),
                        rng.choice(learned) if rng.random() < 0.85 else "",
                        rng.choice(blockers) if rng.random() < BLOCKED_WEEK else "",
                        PROTOTYPES[prototype],
                        1,
                        e.id,
                        e.trainee,
                    )
                week += timedelta(weeks=1)
                index += 1

    world.loader.copy(
        "trainees_progresslog",
        [
            "created_at",
            "updated_at",
            "week",
            "hours_practical",
            "hours_education",
            "did",
            "learned",
            "blockers",
            "prototypes_text",
            "version",
            "enrolment_id",
            "trainee_id",
        ],
        rows(),
    )
    # The comments by the database itself: every COMMENT_EVERY-th log, by its cohort's
    # supervisor, on the Friday evening of its week.
    world.loader.insert_select(
        "trainees_logcomment",
        """
        INSERT INTO trainees_logcomment (body, created_at, author_id, log_id)
        SELECT (%s::text[])[1 + l.id %% array_length(%s::text[], 1)],
               LEAST(l.created_at + interval '3 hours', %s), s.user_id, l.id
        FROM trainees_progresslog l
        JOIN cohorts_enrolment e ON e.id = l.enrolment_id
        JOIN cohorts_cohort_supervisors s ON s.cohort_id = e.cohort_id
        WHERE l.id %% %s = 0
        ORDER BY l.id
        """,
        [
            list(log_texts.SUPERVISOR_SAYS["sv"]),
            list(log_texts.SUPERVISOR_SAYS["sv"]),
            clock.now,
            COMMENT_EVERY,
        ],
    )
