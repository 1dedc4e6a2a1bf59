"""How much of everything each scale makes: national is the country (290
municipalities), municipal one large municipality (1/100), demo 1/1000 and tiny
1/10,000, the tests' size. Small scales keep the least that still shows every
status and role."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from prototypes.models import IdeaStatus

FACTORS = {"national": 1.0, "municipal": 0.01, "demo": 0.001, "tiny": 0.0001}

# The national figures.
NATIONAL = {
    "municipalities": 290,
    "departments": 1_740,
    "partners": 40,
    "admins": 20,
    "lab_leads": 320,
    "supervisors": 600,
    "department_staff": 4_060,
    "ideas": 100_000,
    "cohorts": 3_000,
    "trainees": 58_000,
    "applicants": 150_000,
}
YEARS = 10


@dataclass(frozen=True)
class Sizes:
    municipalities: int
    departments: int
    partners: int
    admins: int
    lab_leads: int
    supervisors: int
    department_staff: int
    ideas: int
    cohorts: int
    trainees: int
    applicants: int

    @property
    def staff(self) -> int:
        return self.admins + self.lab_leads + self.supervisors + self.department_staff


def sizes_for(factor: float) -> Sizes:
    def scaled(name: str, least: int) -> int:
        return max(least, round(NATIONAL[name] * factor))

    # Below a tenth of the country it is one municipality with many departments.
    municipalities = scaled("municipalities", 1) if factor >= 0.1 else 1
    departments = scaled("departments", max(3, municipalities))
    return Sizes(
        municipalities=municipalities,
        departments=departments,
        partners=scaled("partners", 1),
        admins=scaled("admins", 1),
        lab_leads=scaled("lab_leads", 1),
        supervisors=scaled("supervisors", 1),
        # every department has someone to submit its ideas
        department_staff=scaled("department_staff", departments),
        ideas=scaled("ideas", len(IdeaStatus)),
        # a finished, a running and a recruiting cohort at least
        cohorts=scaled("cohorts", 3),
        trainees=scaled("trainees", 6),
        applicants=scaled("applicants", 6),
    )


@dataclass(frozen=True)
class Clock:
    """ "Today" of the generated world: everything happened before `now`."""

    today: date

    @property
    def now(self) -> datetime:
        return datetime.combine(self.today, time(12), tzinfo=UTC)

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=365 * YEARS)

    def at(self, day: date, rng: random.Random) -> datetime:
        """A moment in office hours of `day`, never after now."""
        moment = datetime.combine(day, time(8), tzinfo=UTC) + timedelta(
            seconds=rng.randrange(9 * 3600)
        )
        return min(moment, self.now - timedelta(minutes=1))


def rng_for(seed: int, part: str) -> random.Random:
    return random.Random(f"{seed}:{part}")  # noqa: S311 - made-up data, not secrets
