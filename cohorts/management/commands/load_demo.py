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
from prototypes.models import (
    ACCEPTED_STATUSES,
    AffectedUsers,
    BenefitKind,
    BenefitSize,
    Idea,
    IdeaComment,
    IdeaEvent,
    IdeaStatus,
    PrototypeRecord,
)
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
    # (title, department index, status, skills in English, days since submitted, problem)
    (
        "Digital anmälan till förskolekö",
        1,
        IdeaStatus.SUBMITTED,
        ["Web development (front end)"],
        12,
        "Vårdnadshavare fyller i en pappersblankett som vi skriver in i systemet för hand.",
    ),
    (
        "Karta över trasig gatubelysning",
        2,
        IdeaStatus.ACCEPTED,
        ["APIs and integrations", "Open data"],
        70,
        "Felanmälningar om gatubelysning kommer per telefon och e-post: svåra att överblicka.",
    ),
    (
        "Påminnelser om hembesök via sms",
        0,
        IdeaStatus.NEEDS_INFORMATION,
        ["Python"],
        20,
        "Många hembesök blir inställda för att brukaren har glömt tiden.",
    ),
    (
        "Översikt av lediga lokaler",
        2,
        IdeaStatus.IN_PROGRESS,
        ["Django", "UX design"],
        150,
        "Föreningar ringer och frågar vilka lokaler som är lediga; svaret finns i ett kalkylark.",
    ),
    (
        "Automatisk sammanställning av frånvaro",
        1,
        IdeaStatus.DELIVERED,
        ["Data analysis", "Power BI"],
        240,
        "Rektorerna sammanställer elevernas frånvaro för hand varje månad.",
    ),
    (
        "Chattbot för bygglovsfrågor",
        2,
        IdeaStatus.DECLINED,
        ["Machine learning"],
        200,
        "Bygglovshandläggarna svarar på samma frågor många gånger om dagen.",
    ),
    ("Tidsbokning för budget- och skuldrådgivning", 0, IdeaStatus.DRAFT, [], 0, ""),
]

# The path each demo idea took to its status, for its history.
PATHS = {
    IdeaStatus.DRAFT: [],
    IdeaStatus.SUBMITTED: [IdeaStatus.SUBMITTED],
    IdeaStatus.NEEDS_INFORMATION: [IdeaStatus.SUBMITTED, IdeaStatus.NEEDS_INFORMATION],
    IdeaStatus.ACCEPTED: [IdeaStatus.SUBMITTED, IdeaStatus.ACCEPTED],
    IdeaStatus.DECLINED: [IdeaStatus.SUBMITTED, IdeaStatus.DECLINED],
    IdeaStatus.IN_PROGRESS: [
        IdeaStatus.SUBMITTED,
        IdeaStatus.ACCEPTED,
        IdeaStatus.PLANNED,
        IdeaStatus.IN_PROGRESS,
    ],
    IdeaStatus.DELIVERED: [
        IdeaStatus.SUBMITTED,
        IdeaStatus.ACCEPTED,
        IdeaStatus.PLANNED,
        IdeaStatus.IN_PROGRESS,
        IdeaStatus.DELIVERED,
    ],
}
QUESTION = "Hur många hembesök per vecka gäller det, och har brukarna mobiltelefon?"
DECLINE_REASON = (
    "En chattbot kräver mer träningsdata än vi har. Vi föreslår en bättre FAQ-sida i stället."
)


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
        now = timezone.now()
        for title, dept, status, skill_names, days_ago, problem in IDEAS:
            department = departments[dept]
            if Idea.objects.filter(title=title).exists():
                continue
            self._create_idea(
                title=title,
                department=department,
                submitter=staff_by_department[department.pk],
                lead=lead,
                status=status,
                skills=Skill.objects.filter(name_en__in=skill_names),
                submitted_at=now - timedelta(days=days_ago) if days_ago else None,
                problem=problem,
            )

        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))

    def _create_idea(
        self,
        *,
        title: str,
        department: Department,
        submitter: User,
        lead: User,
        status: str,
        skills: Any,
        submitted_at: Any,
        problem: str,
    ) -> Idea:
        """A demo idea with the history it would have had; no emails are sent."""
        idea = Idea.objects.create(
            title=title,
            department=department,
            submitted_by=submitter,
            status=status,
            problem=problem,
            affected_users=AffectedUsers.BOTH if problem else "",
            improvement="Ett enkelt digitalt flöde som sparar tid och ger färre fel."
            if problem
            else "",
            benefit_kind=BenefitKind.TIME if problem else "",
            benefit_size=BenefitSize.MEDIUM if problem else "",
            contact_person=submitter.full_name,
            submitted_at=submitted_at,
            decline_reason=DECLINE_REASON if status == IdeaStatus.DECLINED else "",
            size_weeks=6 if status in ACCEPTED_STATUSES else None,
            ready_to_plan=status == IdeaStatus.ACCEPTED,
        )
        idea.skills.set(skills)
        moment, source = submitted_at, IdeaStatus.DRAFT
        for step, target in enumerate(PATHS.get(status, [])):
            moment = submitted_at + timedelta(days=5 * step)
            note = {
                IdeaStatus.NEEDS_INFORMATION: QUESTION,
                IdeaStatus.DECLINED: DECLINE_REASON,
            }.get(target, "")
            actor = submitter if target == IdeaStatus.SUBMITTED else lead
            event = IdeaEvent.objects.create(
                idea=idea, actor=actor, from_status=source, to_status=target, note=note
            )
            IdeaEvent.objects.filter(pk=event.pk).update(created_at=moment)
            if target == IdeaStatus.NEEDS_INFORMATION:
                comment = IdeaComment.objects.create(
                    idea=idea, author=lead, from_lab=True, body=QUESTION
                )
                IdeaComment.objects.filter(pk=comment.pk).update(created_at=moment)
            source = target
        Idea.objects.filter(pk=idea.pk).update(
            triaged_at=submitted_at + timedelta(days=5) if len(PATHS.get(status, [])) > 1 else None,
            decided_at=submitted_at + timedelta(days=5)
            if status in ACCEPTED_STATUSES or status == IdeaStatus.DECLINED
            else None,
            delivered_at=moment if status == IdeaStatus.DELIVERED else None,
        )
        if status in (IdeaStatus.IN_PROGRESS, IdeaStatus.DELIVERED):
            PrototypeRecord.objects.create(
                idea=idea,
                working_title=title,
                repository_url="https://git.demokommunen.example/labbet/" + str(idea.pk),
                deliverables="Klickbar prototyp och en kort användartest-rapport.",
                handover_notes="Se README i repot. Testdata ligger i mappen fixtures.",
            )
        return idea
