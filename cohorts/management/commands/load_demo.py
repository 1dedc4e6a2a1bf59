"""Load demo data for a local trial: safe to run again (it changes nothing the second time)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort, Enrolment
from labportal.accounts.models import Department, Organisation, OrganisationKind, Role, User
from labportal.core.models import Skill
from prototypes.models import Idea, IdeaStatus
from trainees.models import TraineeProfile

DEMO_PASSWORD = "labportal-demo"  # noqa: S105 - a demo, printed by `make run`

DEPARTMENTS = ["Socialförvaltningen", "Utbildningsförvaltningen", "Tekniska förvaltningen"]

PEOPLE = [
    # (email, name, role, department index or None)
    ("admin@demo.labportal.se", "Alva Admin", Role.ADMIN, None),
    ("labbansvarig@demo.labportal.se", "Lars Labbansvarig", Role.LAB_LEAD, None),
    ("social@demo.labportal.se", "Sara Socialsekreterare", Role.DEPARTMENT_STAFF, 0),
    ("skola@demo.labportal.se", "Omar Rektor", Role.DEPARTMENT_STAFF, 1),
    ("teknik@demo.labportal.se", "Tove Tekniker", Role.DEPARTMENT_STAFF, 2),
    ("trainee1@demo.labportal.se", "Amir Trainee", Role.TRAINEE, None),
    ("trainee2@demo.labportal.se", "Bea Trainee", Role.TRAINEE, None),
    ("trainee3@demo.labportal.se", "Cesar Trainee", Role.TRAINEE, None),
    ("trainee4@demo.labportal.se", "Dana Trainee", Role.TRAINEE, None),
]

IDEAS = [
    # (title, department index, status, skills in English)
    ("Digital anmälan till förskolekö", 1, IdeaStatus.SUBMITTED, ["Web development (front end)"]),
    (
        "Karta över trasig gatubelysning",
        2,
        IdeaStatus.ACCEPTED,
        ["APIs and integrations", "Open data"],
    ),
    ("Påminnelser om hembesök via sms", 0, IdeaStatus.NEEDS_INFORMATION, ["Python"]),
    ("Översikt av lediga lokaler", 2, IdeaStatus.IN_PROGRESS, ["Django", "UX design"]),
    (
        "Automatisk sammanställning av frånvaro",
        1,
        IdeaStatus.DELIVERED,
        ["Data analysis", "Power BI"],
    ),
    ("Chattbot för bygglovsfrågor", 2, IdeaStatus.DECLINED, ["Machine learning"]),
    ("Tidsbokning för budget- och skuldrådgivning", 0, IdeaStatus.DRAFT, []),
]


class Command(BaseCommand):
    help = "Load demo data: a municipality, departments, people, cohorts and ideas."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        municipality, _ = Organisation.objects.get_or_create(
            name="Demokommunen", defaults={"kind": OrganisationKind.MUNICIPALITY}
        )
        Organisation.objects.get_or_create(
            name="Partnerbolaget AB", defaults={"kind": OrganisationKind.PARTNER}
        )
        departments = [
            Department.objects.get_or_create(organisation=municipality, name=name)[0]
            for name in DEPARTMENTS
        ]
        users: dict[str, User] = {}
        for email, name, role, dept in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email,
                    DEMO_PASSWORD,
                    full_name=name,
                    role=role,
                    department=departments[dept] if dept is not None else None,
                    organisation=municipality,
                )
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"primary": True, "verified": True}
            )
            users[email] = user
        trainees = [u for u in users.values() if u.role == Role.TRAINEE]
        for trainee in trainees:
            TraineeProfile.objects.get_or_create(user=trainee)

        lead = users["labbansvarig@demo.labportal.se"]
        running, _ = Cohort.objects.get_or_create(
            name="Omgång 1",
            defaults={
                "organisation": municipality,
                "starts_on": today - timedelta(days=90),
                "ends_on": today + timedelta(days=90),
                "lab_lead": lead,
            },
        )
        planned, _ = Cohort.objects.get_or_create(
            name="Omgång 2",
            defaults={
                "organisation": municipality,
                "starts_on": today + timedelta(days=60),
                "ends_on": today + timedelta(days=60 + 270),
                "lab_lead": lead,
            },
        )
        for trainee in trainees[:2]:
            Enrolment.objects.get_or_create(cohort=running, trainee=trainee)
        for trainee in trainees[2:]:
            Enrolment.objects.get_or_create(cohort=planned, trainee=trainee)

        staff_by_department = {u.department_id: u for u in users.values() if u.department_id}
        for title, dept, status, skill_names in IDEAS:
            department = departments[dept]
            idea, created = Idea.objects.get_or_create(
                title=title,
                defaults={
                    "department": department,
                    "submitted_by": staff_by_department[department.pk],
                    "status": status,
                },
            )
            if created:
                idea.skills.set(Skill.objects.filter(name_en__in=skill_names))

        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
