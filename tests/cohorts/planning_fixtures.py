"""Shared data of the planning tests: a running cohort with trainees whose skills the
lab has validated, and an idea in the backlog that needs some of those skills."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from cohorts.models import Cohort, Enrolment
from labportal.core.models import Skill
from prototypes.models import Idea
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory, PlannableIdeaFactory
from tests.trainees.factories import SkillRecordFactory


def skill(name_sv, name_en):
    found, _ = Skill.objects.get_or_create(
        name_en=name_en, defaults={"name_sv": name_sv, "category": "programming"}
    )
    return found


def validate(trainee, skill, level):
    return SkillRecordFactory(
        trainee=trainee,
        skill=skill,
        self_level=level,
        validated_level=level,
        validated_at=timezone.now(),
    )


@dataclass
class Plan:
    cohort: Cohort
    idea: Idea
    python: Skill
    sql: Skill
    design: Skill
    anna: Enrolment  # python 4, sql 3
    bo: Enrolment  # python 2
    cia: Enrolment  # sql 2 (self-assessed python only)
    starts_on: datetime.date
    ends_on: datetime.date


def make_plan(department_staff=None, **idea_fields) -> Plan:
    today = timezone.localdate()
    cohort = CohortFactory(
        name="Omgång Vår",
        starts_on=today - datetime.timedelta(weeks=4),
        ends_on=today + datetime.timedelta(weeks=36),
        capacity=6,
    )
    # from the seeded vocabulary (made again after a transactional test emptied it)
    python = skill("Python", "Python")
    sql = skill("SQL och relationsdatabaser", "SQL and relational databases")
    design = skill("UX-design", "UX design")
    people = {
        name: EnrolmentFactory(
            cohort=cohort, trainee=UserFactory(role="trainee", full_name=full_name)
        )
        for name, full_name in (
            ("anna", "Anna Andersson"),
            ("bo", "Bo Berg"),
            ("cia", "Cia Castro"),
        )
    }
    validate(people["anna"].trainee, python, 4)
    validate(people["anna"].trainee, sql, 3)
    validate(people["bo"].trainee, python, 2)
    validate(people["cia"].trainee, sql, 2)
    SkillRecordFactory(trainee=people["cia"].trainee, skill=python, self_level=4)
    if department_staff is not None:
        idea_fields.setdefault("department", department_staff.department)
        idea_fields.setdefault("submitted_by", department_staff)
    idea = PlannableIdeaFactory(title="Bokningsguide för lokaler", **idea_fields)
    idea.skills.set([python, sql, design])
    starts_on = today + datetime.timedelta(days=7)
    return Plan(
        cohort=cohort,
        idea=idea,
        python=python,
        sql=sql,
        design=design,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(weeks=8),
        **people,
    )
