"""The demo's applicants to the recruiting cohort, made as they are in the lab: each
sends the public application form (`submit_application`, with the consent text the
page shows and their self-assessed skills), and the lab lead screens them
(`move_applicant`): one is new, the others shortlisted, interviewed, offered a place,
accepted (which invites them as a trainee: the invitation email is queued) or not
taken, with the reason. Then only the times move back to when it would have happened
(applied over the last weeks, a screening step every few days); the audit log and
the outbox keep the real time.

Safe to run again: an applicant whose address already applied to the cohort is
left as they are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cohorts.models import Applicant, ApplicantEvent, ApplicantStatus, Cohort, CohortStatus
from cohorts.services.recruitment import (
    Answers,
    consent_text,
    move_applicant,
    submit_application,
)
from demo.cohorts import NEXT
from demo.timing import at
from labportal.accounts.models import User
from labportal.core.models import Skill

A = ApplicantStatus
# The screening steps that lead to each status, after the application ("new").
STEPS: dict[str, tuple[str, ...]] = {
    A.NEW: (),
    A.SHORTLISTED: (A.SHORTLISTED,),
    A.INTERVIEWED: (A.SHORTLISTED, A.INTERVIEWED),
    A.OFFERED: (A.SHORTLISTED, A.INTERVIEWED, A.OFFERED),
    A.ACCEPTED: (A.SHORTLISTED, A.INTERVIEWED, A.OFFERED, A.ACCEPTED),
    A.DECLINED: (A.SHORTLISTED, A.INTERVIEWED, A.DECLINED),
}
STEP_DAYS = 3
NOTES: dict[str, str] = {
    A.INTERVIEWED: "Intervju i labbet: gick igenom ett eget projekt och vad hen vill lära sig.",
    A.OFFERED: "Erbjuden plats per telefon; svarar inom en vecka.",
}


@dataclass(frozen=True)
class Application:
    full_name: str
    email: str
    language: str
    background: str
    work_experience: str
    languages: str
    wants_to_work_with: str
    skills: tuple[tuple[str, int], ...]  # (skill in English, own level 1-4)
    status: str
    days_ago: int  # when they applied
    reason: str = ""  # why they were not taken


APPLICATIONS = (
    Application(
        "Jonas Lindqvist",
        "jonas.lindqvist@example.org",
        "sv",
        "Systemvetenskap, 120 hp (Linnéuniversitetet).",
        "Lagerchef i sex år; byggde lagrets rapporter i Excel och Access.",
        "svenska, engelska",
        "Data och rapporter som gör verksamheten enklare.",
        (("SQL and relational databases", 2), ("Excel for analysis", 4), ("Power BI", 1)),
        A.NEW,
        3,
    ),
    Application(
        "Maryam Haddad",
        "maryam.haddad@example.org",
        "en",
        "BSc in Software Engineering (Damascus University).",
        "Four years as a PHP developer for an online shop.",
        "Arabic, English, Swedish (SFI level C)",
        "Web development, and getting to use my Swedish at work.",
        (("PHP", 4), ("JavaScript", 3), ("SQL and relational databases", 3), ("Django", 1)),
        A.SHORTLISTED,
        12,
    ),
    Application(
        "Oskar Berg",
        "oskar.berg@example.org",
        "sv",
        "Webbutvecklare, yrkeshögskola (2023).",
        "Praktik på en webbyrå; timanställd i hemtjänsten sedan examen.",
        "svenska, engelska",
        "Tillgängliga webbtjänster för kommunens invånare.",
        (
            ("Web development (front end)", 3),
            ("HTML and CSS", 3),
            ("Digital accessibility (WCAG)", 2),
            ("React", 2),
        ),
        A.INTERVIEWED,
        17,
    ),
    Application(
        "Leila Ahmadi",
        "leila.ahmadi@example.org",
        "sv",
        "Civilingenjör i datateknik (Teheran). Kompletterande kurser i Python.",
        "IT-konsult i fem år med integrationer mellan affärssystem.",
        "persiska, svenska, engelska",
        "Integrationer och API:er mellan kommunens system.",
        (("APIs and integrations", 4), ("Python", 3), ("C#/.NET", 3), ("Open data", 2)),
        A.OFFERED,
        21,
    ),
    Application(
        "Erik Johansson",
        "erik.johansson@example.org",
        "sv",
        "Kandidatexamen i informatik (Umeå universitet).",
        "Supporttekniker på ett energibolag i tre år.",
        "svenska, engelska, tyska",
        "Utveckling i Python och drift av tjänsterna.",
        (("Python", 3), ("Linux", 3), ("Containers (Docker)", 2), ("IT support", 4)),
        A.ACCEPTED,
        26,
    ),
    Application(
        "Viktor Nilsson",
        "viktor.nilsson@example.org",
        "sv",
        "Gymnasieexamen, el- och energiprogrammet.",
        "Nätverkstekniker i två år.",
        "svenska",
        "Nätverk och drift.",
        (("Networking", 3), ("Windows Server and Active Directory", 2)),
        A.DECLINED,
        19,
        "Söker drift och nätverk; omgången bygger webb- och dataprototyper. Tipsad om "
        "kommunens IT-avdelnings praktikplatser.",
    ),
)


def load_applicants(*, lead: User, today: datetime.date) -> None:
    """The applicants to Omgång 2 while it recruits (see the module)."""
    cohort = (
        Cohort.objects.filter(name=NEXT, status=CohortStatus.RECRUITING)
        .select_related("organisation")
        .first()
    )
    if cohort is None:
        return
    known = set(Applicant.objects.filter(cohort=cohort).values_list("email", flat=True))
    skills = Skill.objects.in_bulk(
        [name for app in APPLICATIONS for name, _level in app.skills], field_name="name_en"
    )
    for app in APPLICATIONS:
        if app.email in known:
            continue
        applicant = submit_application(
            cohort=cohort,
            answers=Answers(
                full_name=app.full_name,
                email=app.email,
                phone="",
                language=app.language,
                background=app.background,
                work_experience=app.work_experience,
                languages=app.languages,
                wants_to_work_with=app.wants_to_work_with,
            ),
            skills={skills[name].pk: level for name, level in app.skills},
            consent_text=consent_text(cohort, app.language),
        )
        if applicant is None:  # pragma: no cover - `known` holds every address
            continue
        for target in STEPS[app.status]:
            applicant = move_applicant(
                actor=lead,
                applicant=applicant,
                target=target,
                note=app.reason if target == A.DECLINED else NOTES.get(target, ""),
                expected_version=applicant.version,
            )
        _move_into_the_past(applicant, today - datetime.timedelta(days=app.days_ago))


def _move_into_the_past(applicant: Applicant, applied_on: datetime.date) -> None:
    """The application on `applied_on`, each screening step STEP_DAYS later."""
    applied = at(applied_on, 10, 15)
    last = applied
    for index, event in enumerate(applicant.events.order_by("created_at", "pk")):
        last = at(applied_on + datetime.timedelta(days=STEP_DAYS * index), 14 if index else 10, 15)
        ApplicantEvent.objects.filter(pk=event.pk).update(created_at=last)
    Applicant.objects.filter(pk=applicant.pk).update(
        created_at=applied,
        consented_at=applied,
        updated_at=last,
        decided_at=last if applicant.is_decided else None,
    )
