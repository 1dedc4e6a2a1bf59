"""Ideas in every status with the history the workflow table would have written:
status events, the lab's questions and the answers, the stamps (submitted, first
answered, decided, delivered), triage, the prototype record, the evaluation, and
the plan on the board (an assignment with a team) for planned work and later."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cohorts.models import AssignmentStatus
from demo.scale import texts
from demo.scale.cohorts import CohortFinder
from demo.scale.sizes import rng_for
from demo.scale.world import World
from prototypes.models import (
    Adoption,
    AffectedUsers,
    BenefitKind,
    BenefitSize,
    DataAccess,
    IdeaStatus,
    Urgency,
)

S = IdeaStatus
DEPT, LAB = "department", "lab"
# Statuses of ideas younger than RECENT_DAYS, and of older ones (which have settled).
RECENT_DAYS = 540
RECENT = {
    S.DRAFT: 8,
    S.SUBMITTED: 12,
    S.NEEDS_INFORMATION: 8,
    S.ACCEPTED: 12,
    S.DECLINED: 12,
    S.PLANNED: 10,
    S.IN_PROGRESS: 12,
    S.DELIVERED: 10,
    S.EVALUATED: 10,
    S.ARCHIVED: 6,
}
SETTLED = {
    S.DRAFT: 2,
    S.ACCEPTED: 4,
    S.DECLINED: 25,
    S.DELIVERED: 12,
    S.EVALUATED: 35,
    S.ARCHIVED: 22,
}
AFTER_ACCEPTED = (S.PLANNED, S.IN_PROGRESS, S.DELIVERED, S.EVALUATED)
# Days a step takes, by the status it leads to.
STEP_DAYS = {
    S.PLANNED: (5, 60),
    S.IN_PROGRESS: (7, 60),
    S.DELIVERED: (21, 90),
    S.EVALUATED: (7, 60),
}
ASSIGNMENT_STATUS = {
    S.PLANNED: AssignmentStatus.PLANNED,
    S.IN_PROGRESS: AssignmentStatus.IN_PROGRESS,
    S.DELIVERED: AssignmentStatus.DONE,
    S.EVALUATED: AssignmentStatus.DONE,
}
IDEA_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "title",
    "problem",
    "status",
    "department_id",
    "submitted_by_id",
    "affected_description",
    "affected_users",
    "benefit_description",
    "benefit_kind",
    "benefit_size",
    "contact_person",
    "data_access",
    "decided_at",
    "decline_reason",
    "delivered_at",
    "improvement",
    "ready_to_plan",
    "result_users",
    "size_weeks",
    "submitted_at",
    "success_measure",
    "triaged_at",
    "urgency",
    "version",
]


@dataclass
class Rows:
    ideas: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    comments: list[tuple[Any, ...]] = field(default_factory=list)
    skills: list[tuple[int, int]] = field(default_factory=list)
    records: list[tuple[Any, ...]] = field(default_factory=list)
    evaluations: list[tuple[Any, ...]] = field(default_factory=list)
    assignments: list[tuple[Any, ...]] = field(default_factory=list)
    members: list[tuple[Any, ...]] = field(default_factory=list)


def _pick(rng: random.Random, weights: dict[S, int]) -> S:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _path(rng: random.Random, status: S) -> list[tuple[S, S, str]]:
    """The moves (from, to, by whom) that lead a new draft to `status`."""
    if status == S.DRAFT:
        return []
    if status == S.ARCHIVED and rng.random() < 0.25:
        return [(S.DRAFT, S.ARCHIVED, DEPT)]
    steps = [(S.DRAFT, S.SUBMITTED, DEPT)]
    if status == S.NEEDS_INFORMATION:
        return [*steps, (S.SUBMITTED, S.NEEDS_INFORMATION, LAB)]
    if rng.random() < 0.15:
        steps += [(S.SUBMITTED, S.NEEDS_INFORMATION, LAB), (S.NEEDS_INFORMATION, S.SUBMITTED, DEPT)]
    if status == S.SUBMITTED:
        return steps
    if status == S.DECLINED:
        return [*steps, (S.SUBMITTED, S.DECLINED, LAB)]
    if status == S.ARCHIVED:
        if rng.random() < 0.5:
            return [*steps, (S.SUBMITTED, S.ARCHIVED, LAB)]
        return [*steps, (S.SUBMITTED, S.ACCEPTED, LAB), (S.ACCEPTED, S.ARCHIVED, LAB)]
    steps.append((S.SUBMITTED, S.ACCEPTED, LAB))
    previous = S.ACCEPTED
    for target in AFTER_ACCEPTED:
        if status == previous:
            break
        steps.append((previous, target, LAB))
        previous = target
    return steps


def _times(
    rng: random.Random, created: datetime, path: list[tuple[S, S, str]], now: datetime
) -> list[datetime]:
    """When each move happened: in order, after `created`, before now."""
    offsets: list[timedelta] = []
    total = timedelta(hours=rng.randrange(1, 72))
    for _source, target, _by in path:
        low, high = STEP_DAYS.get(target, (1, 20))
        if offsets:
            total += timedelta(days=rng.randrange(low, high + 1), minutes=rng.randrange(600))
        offsets.append(total)
    latest = now - timedelta(hours=1)
    if offsets and created + offsets[-1] > latest:
        room = max(latest - created, timedelta(minutes=len(offsets)))
        offsets = [room * (offset / offsets[-1]) for offset in offsets]
    return [created + offset for offset in offsets]


def load_ideas(world: World) -> None:
    rng = rng_for(world.seed, "ideas")
    clock, loader = world.clock, world.loader
    count = world.sizes.ideas
    first = loader.reserve("prototypes_idea", count)
    assignment_ids = loader.reserve("cohorts_assignment", count)  # the unused rest is given back
    finder = CohortFinder(world.cohorts)
    rows = Rows()
    span = (clock.today - clock.first_day).days
    forced = list(S)
    for n in range(count):
        if n < len(forced):
            # every status, whatever the size: the tests and the pages need them all
            status, age = forced[n], rng.randrange(30, 400)
        else:
            age = rng.randrange(1, span)
            status = _pick(rng, RECENT if age < RECENT_DAYS else SETTLED)
        created = clock.at(clock.today - timedelta(days=age), rng)
        _idea(
            world,
            rng,
            rows,
            first + n,
            status,
            created,
            finder,
            assignment_ids + len(rows.assignments),
        )
    loader.copy("prototypes_idea", IDEA_COLUMNS, rows.ideas)
    loader.copy(
        "prototypes_ideaevent",
        ("from_status", "to_status", "note", "created_at", "actor_id", "idea_id"),
        rows.events,
    )
    loader.copy(
        "prototypes_ideacomment",
        ("from_lab", "body", "created_at", "author_id", "idea_id"),
        rows.comments,
    )
    loader.copy("prototypes_idea_skills", ("idea_id", "skill_id"), rows.skills)
    loader.copy(
        "prototypes_prototyperecord",
        [
            "created_at",
            "updated_at",
            "working_title",
            "repository_url",
            "demo_url",
            "deliverables",
            "handover_notes",
            "idea_id",
        ],
        rows.records,
    )
    loader.copy(
        "prototypes_evaluation",
        ("benefit_realised", "adoption", "comments", "created_at", "evaluated_by_id", "idea_id"),
        rows.evaluations,
    )
    loader.copy(
        "cohorts_assignment",
        [
            "id",
            "created_at",
            "updated_at",
            "starts_on",
            "ends_on",
            "status",
            "handover_notes",
            "version",
            "cohort_id",
            "created_by_id",
            "idea_id",
        ],
        rows.assignments,
    )
    loader.execute(
        "SELECT setval(pg_get_serial_sequence('cohorts_assignment', 'id'), %s, %s)",
        [max(assignment_ids + len(rows.assignments) - 1, 1), bool(rows.assignments)],
    )
    loader.copy(
        "cohorts_assignmentmember", ("created_at", "assignment_id", "enrolment_id"), rows.members
    )


def _idea(
    world: World,
    rng: random.Random,
    rows: Rows,
    idea_id: int,
    status: S,
    created: datetime,
    finder: CohortFinder,
    assignment_id: int,
) -> None:
    department, organisation = world.departments[rng.randrange(len(world.departments))]
    submitter = rng.choice(world.staff_of_department[department])
    lead = rng.choice(world.leads_for(organisation))
    path = _path(rng, status)
    times = _times(rng, created, path, world.clock.now)
    when = {target: time for (_s, target, _b), time in zip(path, times, strict=True)}
    submitted_at = when.get(S.SUBMITTED) if path and path[0][1] == S.SUBMITTED else None
    submitted_at = times[0] if submitted_at else None
    triaged_at = next(
        (
            t
            for (source, target, by), t in zip(path, times, strict=True)
            if by == LAB and source == S.SUBMITTED
        ),
        None,
    )
    decided_at = when.get(S.ACCEPTED) or when.get(S.DECLINED)
    decline_reason = rng.choice(texts.DECLINE_REASONS) if status == S.DECLINED else ""
    for (source, target, by), moment in zip(path, times, strict=True):
        actor = submitter if by == DEPT else lead
        note = decline_reason if target == S.DECLINED else ""
        # as `add_comment` does: the question is the move's note, the answer moves it back
        if target == S.NEEDS_INFORMATION:
            note = rng.choice(texts.QUESTIONS)
            rows.comments.append((True, note, moment, lead, idea_id))
        elif source == S.NEEDS_INFORMATION:
            rows.comments.append((False, rng.choice(texts.ANSWERS), moment, submitter, idea_id))
            note = "Svarade på labbets fråga."
        rows.events.append((source, target, note, moment, actor, idea_id))
    if submitted_at and rng.random() < 0.2:
        moment = min(submitted_at + timedelta(days=1), world.clock.now - timedelta(minutes=1))
        rows.comments.append(
            (True, "Tack, vi tittar på idén vid nästa genomgång.", moment, lead, idea_id)
        )

    accepted = S.ACCEPTED in when
    if accepted or (submitted_at and rng.random() < 0.3):
        for skill in rng.sample(world.skills, rng.randint(1, 3)):
            rows.skills.append((idea_id, skill))
    size_weeks = rng.randint(2, 16) if accepted else None
    draft_only = not path or path[0][1] != S.SUBMITTED
    complete = not draft_only or rng.random() < 0.5
    title = texts.idea_title(rng)
    updated = times[-1] if times else created
    rows.ideas.append(
        (
            idea_id,
            created,
            updated,
            title,
            rng.choice(texts.PROBLEMS) if complete else "",
            status,
            department,
            submitter,
            "Ett trettiotal handläggare och många invånare." if complete else "",
            rng.choice(AffectedUsers.values) if complete else "",
            "Mindre tid på rutinarbete och nöjdare invånare." if complete else "",
            rng.choice(BenefitKind.values) if complete else "",
            rng.choice(BenefitSize.values) if complete else "",
            world.names[submitter],
            rng.choice(DataAccess.values) if complete else "",
            decided_at,
            decline_reason,
            when.get(S.DELIVERED),
            rng.choice(texts.IMPROVEMENTS) if complete else "",
            status in AFTER_ACCEPTED or (status == S.ACCEPTED and rng.random() < 0.6),
            "Handläggarna på enheten." if complete else "",
            size_weeks,
            submitted_at,
            "Färre samtal och kortare handläggningstid." if complete else "",
            triaged_at,
            rng.choice(Urgency.values),
            1 + len(path) + (1 if accepted else 0),
        )
    )
    if S.IN_PROGRESS in when:
        moment = when[S.IN_PROGRESS]
        rows.records.append(
            (
                moment,
                updated,
                title,
                f"https://git.scale.example/labbet/{idea_id}",
                "",
                "Klickbar prototyp och en kort rapport från användartester.",
                "Se README i repot." if status != S.IN_PROGRESS else "",
                idea_id,
            )
        )
    if status == S.EVALUATED:
        rows.evaluations.append(
            (
                rng.randint(1, 5),
                rng.choice(Adoption.values),
                "",
                when[S.EVALUATED],
                submitter,
                idea_id,
            )
        )
    if S.PLANNED in when and status in ASSIGNMENT_STATUS:
        planned = when[S.PLANNED]
        cohort = finder.find(rng, planned.date(), organisation)
        starts_on = max(planned.date(), cohort.starts_on)
        ends_on = starts_on + timedelta(weeks=size_weeks or 4)
        if cohort.ends_on >= starts_on:
            ends_on = min(ends_on, cohort.ends_on)
        rows.assignments.append(
            (
                assignment_id,
                planned,
                updated,
                starts_on,
                ends_on,
                ASSIGNMENT_STATUS[status],
                "",
                1,
                cohort.id,
                lead,
                idea_id,
            )
        )
        team = world.enrolments_of_cohort.get(cohort.id, [])
        for enrolment in rng.sample(team, min(len(team), rng.randint(1, 3))):
            rows.members.append((planned, assignment_id, enrolment.id))
