"""Matching an idea to trainees and cohorts: pure functions over plain data. The one
query builder that reads that data for a period, in a fixed number of queries, is
`cohorts.services.planning_match.load_match`.

Definitions (the match page, the warnings and the services all use these):

- A trainee is AVAILABLE for a period if they have an enrolment, not left early, that
  overlaps the period, in a cohort that runs during the period.
- A trainee's SCORE for an idea is how well their VALIDATED skills cover the idea's
  skills: the mean over the idea's skills of validated level / 4 (a skill not
  validated counts 0). Ties go to the trainee with the lower LOAD.
- LOAD is the number of active assignments (planned, in progress) overlapping the
  period that the trainee is on. A trainee on PLANNING_MAX_PARALLEL_ASSIGNMENTS
  (default 2) or more is OVERBOOKED by one more.
- PRACTICAL WEEKS of a stretch are its days / 7 less the cohort's education share.
- A cohort's ROOM in a period is the practical weeks its available trainees have in
  it, less the trainee-weeks its active assignments already take in it (an idea's
  size pro rata to the overlap, or the whole team's time when the size is unknown).
- Warnings: a member overbooked; the idea's size spread over the team exceeding the
  period's practical weeks; the idea's size exceeding the cohort's room; the period
  running outside a member's enrolment. Skills nobody on the team has validated are
  the SKILL GAP (shown, never a refusal).
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_LEVEL = 4
DEFAULT_TEAM_SIZE = 2
DEFAULT_PERIOD_WEEKS = 8

OVERBOOKED = "overbooked"
TOO_LITTLE_TIME = "too_little_time"
CAPACITY = "capacity"
OUTSIDE_ENROLMENT = "outside_enrolment"


def max_parallel() -> int:
    return int(settings.PLANNING_MAX_PARALLEL_ASSIGNMENTS)


# Plain data --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    starts_on: datetime.date
    ends_on: datetime.date

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def overlap_days(self, starts_on: datetime.date, ends_on: datetime.date) -> int:
        return max((min(self.ends_on, ends_on) - max(self.starts_on, starts_on)).days + 1, 0)


@dataclass(frozen=True)
class Need:
    """A skill the idea requires."""

    skill_id: int
    name: str


@dataclass(frozen=True)
class Candidate:
    """An available trainee, through their enrolment, with their validated levels of
    the idea's skills and their load in the period."""

    enrolment_id: int
    trainee_id: int
    name: str
    cohort_id: int
    cohort_name: str
    starts_on: datetime.date
    ends_on: datetime.date
    levels: Mapping[int, int] = field(default_factory=dict)
    load: int = 0
    education_percent: int = 20


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: float
    covered: tuple[tuple[Need, int], ...]
    missing: tuple[Need, ...]
    is_overbooked: bool
    covers_period: bool

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass(frozen=True)
class CohortInfo:
    cohort_id: int
    name: str
    capacity: int
    starts_on: datetime.date
    ends_on: datetime.date
    education_percent: int


@dataclass(frozen=True)
class PlannedWork:
    """An active assignment of a cohort overlapping the period (for its room)."""

    cohort_id: int
    starts_on: datetime.date
    ends_on: datetime.date
    size_weeks: int | None
    members: int


@dataclass(frozen=True)
class CohortRoom:
    cohort: CohortInfo
    available: int
    free: int
    room_weeks: float
    team: tuple[Ranked, ...]
    coverage: float
    missing: tuple[Need, ...]
    has_room: bool

    @property
    def percent(self) -> int:
        return round(self.coverage * 100)


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


# Scoring -----------------------------------------------------------------------------------
def practical_weeks(days: int, education_percent: int) -> float:
    return max(days, 0) / 7 * (1 - education_percent / 100)


def skill_score(levels: Mapping[int, int], needs: Sequence[Need]) -> float:
    """Mean over the needed skills of validated level / MAX_LEVEL; 0 without needs."""
    if not needs:
        return 0.0
    return sum(min(levels.get(n.skill_id, 0), MAX_LEVEL) for n in needs) / (MAX_LEVEL * len(needs))


def rank_candidates(
    candidates: Iterable[Candidate], needs: Sequence[Need], period: Period, limit: int
) -> list[Ranked]:
    """Best cover first; ties by lower load, then name."""
    ranked = [
        Ranked(
            candidate=c,
            score=skill_score(c.levels, needs),
            covered=tuple((n, c.levels[n.skill_id]) for n in needs if n.skill_id in c.levels),
            missing=tuple(n for n in needs if n.skill_id not in c.levels),
            is_overbooked=c.load >= limit,
            covers_period=c.starts_on <= period.starts_on and period.ends_on <= c.ends_on,
        )
        for c in candidates
    ]
    ranked.sort(
        key=lambda r: (-r.score, r.candidate.load, r.candidate.name, r.candidate.enrolment_id)
    )
    return ranked


def team_levels(team: Iterable[Candidate]) -> dict[int, int]:
    """The best validated level on the team of each skill."""
    best: dict[int, int] = {}
    for member in team:
        for skill_id, level in member.levels.items():
            best[skill_id] = max(best.get(skill_id, 0), level)
    return best


def missing_skills(team: Iterable[Candidate], needs: Sequence[Need]) -> list[Need]:
    """The idea's skills nobody on the team has validated: the skill gap."""
    levels = team_levels(team)
    return [n for n in needs if n.skill_id not in levels]


def propose_team(ranked: Sequence[Ranked], needs: Sequence[Need], size: int) -> list[Ranked]:
    """Greedy: the best-ranked trainee who is not overbooked, then whoever adds the most
    to the team's cover, until `size`. `ranked` should be of one cohort."""
    pool = [r for r in ranked if not r.is_overbooked]
    team: list[Ranked] = []
    while pool and len(team) < size:
        current = skill_score(team_levels(r.candidate for r in team), needs)

        def gain(r: Ranked, current: float = current) -> float:
            members = [*(m.candidate for m in team), r.candidate]
            return skill_score(team_levels(members), needs) - current

        best = max(pool, key=lambda r: (gain(r), r.score, -r.candidate.load, -pool.index(r)))
        team.append(best)
        pool.remove(best)
    return team


def planned_weeks(work: Iterable[PlannedWork], period: Period, education_percent: int) -> float:
    """Trainee-weeks the assignments take within the period."""
    total = 0.0
    for item in work:
        overlap = period.overlap_days(item.starts_on, item.ends_on)
        if not overlap:
            continue
        if item.size_weeks:
            length = (item.ends_on - item.starts_on).days + 1
            total += item.size_weeks * overlap / length
        else:
            total += item.members * practical_weeks(overlap, education_percent)
    return total


def cohort_room(
    cohort: CohortInfo,
    members: Iterable[Candidate],
    work: Iterable[PlannedWork],
    period: Period,
) -> float:
    """The cohort's free trainee-weeks of practical work in the period: what its
    available trainees have, less what its active assignments take (may be negative)."""
    supply = sum(
        practical_weeks(period.overlap_days(m.starts_on, m.ends_on), cohort.education_percent)
        for m in members
    )
    mine = [w for w in work if w.cohort_id == cohort.cohort_id]
    return supply - planned_weeks(mine, period, cohort.education_percent)


def rank_cohorts(
    cohorts: Iterable[CohortInfo],
    ranked: Sequence[Ranked],
    work: Iterable[PlannedWork],
    needs: Sequence[Need],
    period: Period,
    *,
    size_weeks: int | None,
    team_size: int,
) -> list[CohortRoom]:
    """Each cohort running in the period with its room and the cover of the best team
    it can field; those with room and the best cover first."""
    by_cohort: dict[int, list[Ranked]] = defaultdict(list)
    for r in ranked:
        by_cohort[r.candidate.cohort_id].append(r)
    work = list(work)
    rooms = []
    for cohort in cohorts:
        members = by_cohort.get(cohort.cohort_id, [])
        room = cohort_room(cohort, (r.candidate for r in members), work, period)
        team = propose_team(members, needs, team_size)
        free = sum(1 for r in members if not r.is_overbooked)
        team_members = [r.candidate for r in team]
        rooms.append(
            CohortRoom(
                cohort=cohort,
                available=len(members),
                free=free,
                room_weeks=round(max(room, 0.0), 1),
                team=tuple(team),
                coverage=skill_score(team_levels(team_members), needs),
                missing=tuple(missing_skills(team_members, needs)),
                has_room=free > 0 and room > 0 and (size_weeks or 0) <= room,
            )
        )
    rooms.sort(key=lambda c: (not c.has_room, -c.coverage, -c.room_weeks, c.cohort.name))
    return rooms


def default_period(today: datetime.date, size_weeks: int | None) -> Period:
    """From next Monday, long enough for a team of DEFAULT_TEAM_SIZE at the usual
    education share to do the idea's size."""
    start = today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)
    if size_weeks:
        weeks = max(2, math.ceil(size_weeks / DEFAULT_TEAM_SIZE / 0.8))
    else:
        weeks = DEFAULT_PERIOD_WEEKS
    return Period(start, start + datetime.timedelta(weeks=weeks, days=-1))


# Warnings ----------------------------------------------------------------------------------
def _weeks(value: float) -> str:
    return str(formats.localize(round(value, 1)))


def _date(day: datetime.date) -> str:
    return str(formats.date_format(day, "SHORT_DATE_FORMAT"))


def plan_warnings(
    team: Sequence[Candidate],
    period: Period,
    *,
    size_weeks: int | None,
    cohort_name: str,
    room_weeks: float,
    limit: int,
) -> list[Warning]:
    """What is wrong with this team for this period (see the module's definitions).
    `room_weeks` is the cohort's room without this plan."""
    warnings = []
    for member in team:
        if member.load >= limit:
            warnings.append(
                Warning(
                    OVERBOOKED,
                    ngettext(
                        "%(name)s is already on %(count)d active assignment in this period "
                        "(at most %(max)d at once).",
                        "%(name)s is already on %(count)d active assignments in this period "
                        "(at most %(max)d at once).",
                        member.load,
                    )
                    % {"name": member.name, "count": member.load, "max": limit},
                )
            )
        if period.ends_on > member.ends_on or period.starts_on < member.starts_on:
            warnings.append(
                Warning(
                    OUTSIDE_ENROLMENT,
                    _("The period runs outside %(name)s's enrolment (%(start)s – %(end)s).")  # noqa: RUF001
                    % {
                        "name": member.name,
                        "start": _date(member.starts_on),
                        "end": _date(member.ends_on),
                    },
                )
            )
    if size_weeks and team:
        education = max(m.education_percent for m in team)
        available = practical_weeks(period.days, education)
        each = size_weeks / len(team)
        if each > available:
            warnings.append(
                Warning(
                    TOO_LITTLE_TIME,
                    _(
                        "The idea needs about %(size)s trainee weeks: %(each)s weeks each for "
                        "a team of %(team)d, but the period has %(available)s weeks of "
                        "practical work."
                    )
                    % {
                        "size": size_weeks,
                        "each": _weeks(each),
                        "team": len(team),
                        "available": _weeks(available),
                    },
                )
            )
    if size_weeks and size_weeks > room_weeks:
        warnings.append(
            Warning(
                CAPACITY,
                _(
                    "%(cohort)s has about %(room)s trainee weeks of practical work free in "
                    "this period; the idea needs %(size)s."
                )
                % {"cohort": cohort_name, "room": _weeks(max(room_weeks, 0)), "size": size_weeks},
            )
        )
    return warnings
