"""Load demo data for a local trial: safe to run again (it changes nothing the second
time), refused in production.

The ideas are made as their people would make them, through the services: the
department submits, the lab asks, accepts, declines, assesses and delivers, the
department evaluates. So the demo shows exactly what the application writes, the
history, the audit rows and the emails included (`make run` prints the emails).
The cohorts, their trainees and the plan that assigns the accepted ideas to teams
are made the same way, in `demo.cohorts`; the trainees' half year in the running
cohort (profiles, validated skills, weekly logs with the supervisor's and the lead's
comments, milestones) in `demo.trainees`; the recruiting cohort's applicants in
`demo.applicants`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from cohorts.models import Assignment, AssignmentEvent, AssignmentMember
from demo.applicants import load_applicants
from demo.cohorts import BESOK, PLANS, finish_plans, load_cohorts, plan_step, work_days
from demo.employers import load_employers
from demo.outcomes import load_outcomes
from demo.personas import PERSONAS
from demo.privacy import load_privacy
from demo.trainees import load_journeys
from labportal.accounts.models import Department, Organisation, OrganisationKind, Role, User
from labportal.core.models import Skill
from prototypes.models import (
    ACCEPTED_STATUSES,
    Adoption,
    AffectedUsers,
    BenefitKind,
    BenefitSize,
    Evaluation,
    Idea,
    IdeaAttachment,
    IdeaComment,
    IdeaEvent,
    IdeaStatus,
    PrototypeRecord,
)
from prototypes.services.comments import add_comment
from prototypes.services.evaluation import record_evaluation
from prototypes.services.ideas import create_idea
from prototypes.services.prototype_record import save_prototype_record
from prototypes.services.status import transition_idea
from prototypes.services.triage import update_triage

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
    ("trainee5@demo.labportal.se", "Elin Trainee", Role.TRAINEE, None),
    ("trainee6@demo.labportal.se", "Farah Trainee", Role.TRAINEE, None),
    ("trainee7@demo.labportal.se", "Gustav Trainee", Role.TRAINEE, None),
    ("trainee8@demo.labportal.se", "Hiba Trainee", Role.TRAINEE, None),
    # former trainees of the finished Omgång 0 (demo.outcomes)
    ("trainee9@demo.labportal.se", "Ida Trainee", Role.TRAINEE, None),
    ("trainee10@demo.labportal.se", "Jonas Trainee", Role.TRAINEE, None),
    ("trainee11@demo.labportal.se", "Klara Trainee", Role.TRAINEE, None),
    ("trainee12@demo.labportal.se", "Leo Trainee", Role.TRAINEE, None),
    ("trainee13@demo.labportal.se", "Maja Trainee", Role.TRAINEE, None),
    ("trainee14@demo.labportal.se", "Nils Trainee", Role.TRAINEE, None),
    # of the partner company, named on the running cohort
    ("handledare@demo.labportal.se", "Hanna Handledare", Role.SUPERVISOR, None),
]
SUPERVISOR_EMAIL = "handledare@demo.labportal.se"

S = IdeaStatus
IDEAS = [
    # (title, department index, status, skills in English, days since submitted, problem)
    (
        "Digital anmälan till förskolekö",
        1,
        S.SUBMITTED,
        ["Web development (front end)"],
        12,
        "Vårdnadshavare fyller i en pappersblankett som vi skriver in i systemet för hand.",
    ),
    (
        "Karta över trasig gatubelysning",
        2,
        S.IN_PROGRESS,
        ["APIs and integrations", "Open data"],
        70,
        "Felanmälningar om gatubelysning kommer per telefon och e-post: svåra att överblicka.",
    ),
    (
        "Påminnelser om hembesök via sms",
        0,
        S.NEEDS_INFORMATION,
        ["Python"],
        20,
        "Många hembesök blir inställda för att brukaren har glömt tiden.",
    ),
    (
        "Översikt av lediga lokaler",
        2,
        S.IN_PROGRESS,
        ["Django", "UX design"],
        127,
        "Föreningar ringer och frågar vilka lokaler som är lediga; svaret finns i ett kalkylark.",
    ),
    (
        "Automatisk sammanställning av frånvaro",
        1,
        S.DELIVERED,
        ["Data analysis", "Power BI"],
        183,
        "Rektorerna sammanställer elevernas frånvaro för hand varje månad.",
    ),
    (
        "Felanmälan av lekplatser med mobilen",
        2,
        S.EVALUATED,
        ["Mobile apps", "User testing"],
        185,
        "Trasiga lekplatsredskap anmäls på lappar i receptionen och blir liggande i veckor.",
    ),
    (
        "Chattbot för bygglovsfrågor",
        2,
        S.DECLINED,
        ["Machine learning"],
        200,
        "Bygglovshandläggarna svarar på samma frågor många gånger om dagen.",
    ),
    ("Tidsbokning för budget- och skuldrådgivning", 0, S.DRAFT, [], 0, ""),
    (
        BESOK,
        0,
        S.PLANNED,
        ["UX design", "Web development (front end)", "Digital accessibility (WCAG)"],
        30,
        "Anhöriga ringer avdelningen för att boka besök; personalen för listor på papper.",
    ),
    (
        "Öppna data om återvinningsstationer",
        2,
        S.ACCEPTED,
        ["Open data", "APIs and integrations", "Python"],
        24,
        "Invånare frågar var närmaste återvinningsstation finns och när den töms.",
    ),
]

# The way each demo idea went after it was submitted, one step every STEP_DAYS days.
# An idea of `demo.cohorts.PLANS` is planned and started on the planning board.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [],
    S.NEEDS_INFORMATION: [S.NEEDS_INFORMATION],
    S.ACCEPTED: [S.ACCEPTED],
    S.DECLINED: [S.DECLINED],
    S.PLANNED: [S.ACCEPTED, S.PLANNED],
    S.IN_PROGRESS: [S.ACCEPTED, S.PLANNED, S.IN_PROGRESS],
    S.DELIVERED: [S.ACCEPTED, S.PLANNED, S.IN_PROGRESS, S.DELIVERED],
    S.EVALUATED: [S.ACCEPTED, S.PLANNED, S.IN_PROGRESS, S.DELIVERED, S.EVALUATED],
}
STEP_DAYS = 5
QUESTION = "Hur många hembesök per vecka gäller det, och har brukarna mobiltelefon?"
DECLINE_REASON = (
    "En chattbot kräver mer träningsdata än vi har. Vi föreslår en bättre FAQ-sida i stället."
)
IMPROVEMENT = "Ett enkelt digitalt flöde som sparar tid och ger färre fel."

# Where an idea's history keeps its times (see `_move_into_the_past`).
HISTORY = [
    (Idea, "pk"),
    (IdeaEvent, "idea"),
    (IdeaComment, "idea"),
    (IdeaAttachment, "idea"),
    (PrototypeRecord, "idea"),
    (Evaluation, "idea"),
    (Assignment, "idea"),
    (AssignmentEvent, "assignment__idea"),
    (AssignmentMember, "assignment__idea"),
]


class Command(BaseCommand):
    help = (
        "Load demo data: a municipality, departments, people, a finished cohort with its "
        "outcomes and follow-ups, two overlapping cohorts, ideas and their plan, the "
        "trainees' journey and applicants."
    )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError(
                "load_demo creates demo accounts with a published password, so it does not "
                "run in production (ENVIRONMENT=production). Use it on a local or test "
                "installation."
            )
        today = timezone.localdate()
        municipality, _ = Organisation.objects.get_or_create(
            name="Demokommunen", defaults={"kind": OrganisationKind.MUNICIPALITY}
        )
        partner, _ = Organisation.objects.get_or_create(
            name="Partnerbolaget AB", defaults={"kind": OrganisationKind.PARTNER}
        )
        departments = [
            Department.objects.get_or_create(organisation=municipality, name=name)[0]
            for name in DEPARTMENTS
        ]
        users: dict[str, User] = {}
        language_of = {persona.email: persona.language for persona in PERSONAS}
        # Hashing a password is slow on purpose (~0.4 s): once for all the demo people.
        password_hash = ""
        for email, name, role, dept in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                password_hash = password_hash or make_password(DEMO_PASSWORD)
                user = User.objects.create_user(
                    email,
                    None,
                    full_name=name,
                    role=role,
                    department=departments[dept] if dept is not None else None,
                    organisation=partner if role == Role.SUPERVISOR else municipality,
                    language=language_of.get(email, settings.LANGUAGE_CODE),
                )
                user.password = password_hash
                user.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"primary": True, "verified": True}
            )
            users[email] = user

        lead = users["labbansvarig@demo.labportal.se"]
        supervisor = users[SUPERVISOR_EMAIL]
        # first: its former trainees are enrolled there, not in the running cohort
        load_outcomes(users=users, lead=lead, host=municipality, partner=partner, today=today)
        load_cohorts(
            users=users,
            lead=lead,
            supervisor=supervisor,
            host=municipality,
            partner=partner,
            today=today,
        )

        staff_by_department = {u.department_id: u for u in users.values() if u.department_id}
        for title, dept, status, skill_names, days_ago, problem in IDEAS:
            if Idea.objects.filter(title=title).exists():
                continue
            self._make_idea(
                title=title,
                submitter=staff_by_department[departments[dept].pk],
                lead=lead,
                status=status,
                skills=list(Skill.objects.filter(name_en__in=skill_names)),
                days_ago=days_ago,
                problem=problem,
                today=today,
            )
        finish_plans(lead=lead, today=today)

        load_journeys(users=users, lead=lead, supervisor=supervisor, today=today)
        load_applicants(lead=lead, today=today)
        load_employers(lead=lead, partner=partner, today=today)
        load_privacy(admin=users["admin@demo.labportal.se"], today=today)

        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))

    def _make_idea(
        self,
        *,
        title: str,
        submitter: User,
        lead: User,
        status: IdeaStatus,
        skills: list[Skill],
        days_ago: int,
        problem: str,
        today: date,
    ) -> Idea:
        """The idea, made by its people step by step; then its history is moved back
        so that it was submitted `days_ago` days ago, one step every STEP_DAYS days."""
        data: dict[str, Any] = {"title": title}
        if problem:
            data |= {
                "problem": problem,
                "affected_users": AffectedUsers.BOTH,
                "improvement": IMPROVEMENT,
                "benefit_kind": BenefitKind.TIME,
                "benefit_size": BenefitSize.MEDIUM,
            }
        idea = create_idea(actor=submitter, data=data, submit=status != S.DRAFT)
        if status == S.DRAFT:
            return idea
        path = PATHS[status]
        planned = title in PLANS
        # one step every STEP_DAYS days, but a team's work takes as long as its plan
        gaps = [work_days(title, target) or STEP_DAYS for target in path]
        if S.ACCEPTED not in path:
            self._assess(lead, idea, skills, ready=False)
        for target, gap in zip(path, gaps, strict=True):
            self._move_into_the_past(idea, gap)
            if target == S.NEEDS_INFORMATION:
                add_comment(actor=lead, idea=idea, body=QUESTION, ask_for_information=True)
            elif target == S.DECLINED:
                transition_idea(actor=lead, idea=idea, target=target, note=DECLINE_REASON)
            elif target in (S.PLANNED, S.IN_PROGRESS, S.DELIVERED) and planned:
                plan_step(lead=lead, idea=idea, target=target, today=today)
            elif target == S.EVALUATED:
                record_evaluation(
                    actor=submitter,
                    idea=idea,
                    benefit_realised=4,
                    adoption=Adoption.TAKE_INTO_USE,
                    comments="Anmälningarna kommer in med bild och plats; vi åtgärdar på dagar.",
                )
            else:
                transition_idea(actor=lead, idea=idea, target=target)
            idea.refresh_from_db()
            if target == S.ACCEPTED:
                self._assess(lead, idea, skills, ready=status == S.ACCEPTED or planned)
            if target == S.IN_PROGRESS:
                save_prototype_record(
                    actor=lead,
                    record=PrototypeRecord(
                        idea=idea,
                        working_title=title,
                        repository_url=f"https://git.demokommunen.example/labbet/{idea.pk}",
                        deliverables="Klickbar prototyp och en kort användartest-rapport.",
                        handover_notes="Se README i repot. Testdata ligger i mappen fixtures.",
                    ),
                )
        self._move_into_the_past(idea, days_ago - sum(gaps))
        return idea

    def _assess(self, lead: User, idea: Idea, skills: list[Skill], *, ready: bool) -> None:
        idea.refresh_from_db()
        update_triage(
            actor=lead,
            idea=idea,
            expected_version=idea.version,
            skills=skills,
            size_weeks=6 if idea.status in ACCEPTED_STATUSES else None,
            ready_to_plan=ready,
        )

    def _move_into_the_past(self, idea: Idea, days: int) -> None:
        """Shift every time in the idea's history `days` back, keeping its order.

        Only the times move: what happened was written by the services above. The
        audit log and the outbox keep the real time: they record this command's run."""
        delta = timedelta(days=days)
        for model, key in HISTORY:
            fields = [f.name for f in model._meta.fields if isinstance(f, models.DateTimeField)]
            model._default_manager.filter(**{key: idea.pk}).update(
                **{name: F(name) - delta for name in fields}
            )
