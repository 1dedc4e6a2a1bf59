"""A lab of any size for the board's query counts and benchmark, made with bulk_create:
overlapping cohorts, trainees enrolled in them with validated skills and rotations,
ideas in every status, a backlog and assignments with teams."""

from __future__ import annotations

import datetime
import itertools

from django.db import connection
from django.utils import timezone

from cohorts.models import (
    Assignment,
    AssignmentMember,
    AssignmentStatus,
    Cohort,
    Enrolment,
    RotationPeriod,
)
from labportal.accounts.models import Department, Organisation, User
from labportal.core.models import Skill
from prototypes.models import AffectedUsers, BenefitKind, BenefitSize, Idea, IdeaStatus
from trainees.models import SkillRecord

COHORT_MONTHS = 9
STATUSES = [
    IdeaStatus.ACCEPTED,  # the backlog
    IdeaStatus.PLANNED,  # with an assignment
    IdeaStatus.IN_PROGRESS,  # with an assignment
    IdeaStatus.SUBMITTED,
    IdeaStatus.DECLINED,
    IdeaStatus.DELIVERED,
]


def build_lab(cohorts: int, trainees: int, ideas: int, *, prefix: str = "") -> None:
    """Add `cohorts` cohorts (one starting every two months, the latest a few months
    from now), `trainees` trainees spread over them, and `ideas` ideas."""
    today = timezone.localdate()
    now = timezone.now()
    skills = list(Skill.objects.order_by("pk")[:12])
    if len(skills) < 4:  # pragma: no cover - the vocabulary is seeded
        skills = [
            Skill.objects.create(name_sv=f"{prefix}Färdighet {n}", name_en=f"{prefix}Skill {n}")
            for n in range(4)
        ]
    host = Organisation.objects.create(name=f"{prefix}Labbkommunen")
    partner = Organisation.objects.create(name=f"{prefix}Partner AB", kind="partner")
    first = (today - datetime.timedelta(days=61 * (cohorts - 3))).replace(day=1)
    made = Cohort.objects.bulk_create(
        Cohort(
            name=f"{prefix}Omgång {n:03d}",
            organisation=host,
            starts_on=first + datetime.timedelta(days=61 * n),
            ends_on=first + datetime.timedelta(days=61 * n + 30 * COHORT_MONTHS),
            capacity=max(trainees // cohorts, 1) + 2,
        )
        for n in range(cohorts)
    )
    people = User.objects.bulk_create(
        User(
            email=f"{prefix.lower()}praktikant{n}@example.se",
            full_name=f"{prefix}Praktikant {n:04d}",
            role="trainee",
        )
        for n in range(trainees)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            cohort=cohort,
            trainee=person,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            left_early=n % 23 == 0,
        )
        for n, (person, cohort) in enumerate(zip(people, itertools.cycle(made), strict=False))
    )
    SkillRecord.objects.bulk_create(
        SkillRecord(
            trainee=person,
            skill=skills[(n + k) % len(skills)],
            self_level=3,
            validated_level=1 + (n + k) % 4,
            validated_at=now,
        )
        for n, person in enumerate(people)
        for k in range(3)
    )
    RotationPeriod.objects.bulk_create(
        RotationPeriod(
            enrolment=e,
            organisation=partner,
            starts_on=e.starts_on + datetime.timedelta(days=60),
            ends_on=e.starts_on + datetime.timedelta(days=87),
        )
        for e in enrolments[::4]
    )
    department = Department.objects.create(organisation=host, name=f"{prefix}Förvaltningen")
    author = User.objects.create(
        email=f"{prefix.lower()}forvaltning@example.se",
        full_name=f"{prefix}Förvaltare",
        role="department_staff",
        department=department,
    )
    created = Idea.objects.bulk_create(
        Idea(
            title=f"{prefix}Idé {n:05d}",
            department=department,
            submitted_by=author,
            problem="Handläggningen tar för lång tid.",
            affected_users=AffectedUsers.STAFF,
            improvement="Ett digitalt flöde.",
            benefit_kind=BenefitKind.TIME,
            benefit_size=BenefitSize.MEDIUM,
            status=STATUSES[n % len(STATUSES)],
            ready_to_plan=True,
            size_weeks=4 + n % 8,
            submitted_at=now - datetime.timedelta(days=n % 300),
            decided_at=now - datetime.timedelta(days=n % 200),
        )
        for n in range(ideas)
    )
    Idea.skills.through.objects.bulk_create(
        Idea.skills.through(idea_id=idea.pk, skill_id=skills[(n + k) % len(skills)].pk)
        for n, idea in enumerate(created)
        for k in range(2)
    )
    active = [i for i in created if i.status in (IdeaStatus.PLANNED, IdeaStatus.IN_PROGRESS)]
    by_cohort = {c.pk: [e for e in enrolments if e.cohort_id == c.pk] for c in made}
    assignments = Assignment.objects.bulk_create(
        Assignment(
            idea=idea,
            cohort=cohort,
            starts_on=cohort.starts_on + datetime.timedelta(days=14 * (n % 10)),
            ends_on=cohort.starts_on + datetime.timedelta(days=14 * (n % 10) + 55),
            status=AssignmentStatus.PLANNED
            if idea.status == IdeaStatus.PLANNED
            else AssignmentStatus.IN_PROGRESS,
        )
        for n, (idea, cohort) in enumerate(zip(active, itertools.cycle(made), strict=False))
    )
    AssignmentMember.objects.bulk_create(
        AssignmentMember(assignment=a, enrolment=member)
        for n, a in enumerate(assignments)
        for member in by_cohort[a.cohort_id][n % 3 : n % 3 + 2]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
