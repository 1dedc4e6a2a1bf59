"""What the parts of the generator share: the ids already written and the few facts
about them that later parts need (who belongs where, when a cohort ran)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from demo.scale.loader import Loader
from demo.scale.sizes import Clock, Sizes


@dataclass
class CohortRow:
    id: int
    host: int
    starts_on: date
    ends_on: date
    status: str
    lead: int
    supervisor: int


@dataclass
class EnrolmentRow:
    id: int
    cohort: CohortRow
    trainee: int
    starts_on: date
    ends_on: date
    left_early: bool


@dataclass
class World:
    seed: int
    sizes: Sizes
    clock: Clock
    loader: Loader
    password: str
    skills: list[int]
    milestone_types: list[int]
    municipalities: list[int] = field(default_factory=list)
    partners: list[int] = field(default_factory=list)
    # (department id, organisation id)
    departments: list[tuple[int, int]] = field(default_factory=list)
    staff_of_department: dict[int, list[int]] = field(default_factory=dict)
    leads_of_organisation: dict[int, list[int]] = field(default_factory=dict)
    leads: list[int] = field(default_factory=list)
    supervisors: list[int] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    trainees: list[int] = field(default_factory=list)
    cohorts: list[CohortRow] = field(default_factory=list)
    enrolments: list[EnrolmentRow] = field(default_factory=list)
    enrolments_of_cohort: dict[int, list[EnrolmentRow]] = field(default_factory=dict)

    def leads_for(self, organisation: int) -> list[int]:
        return self.leads_of_organisation.get(organisation) or self.leads
