"""Registry entries for cohorts and reports (see `privacy.registry`).

An application is reached through ``cohorts.Applicant`` (`ModelEntry.applicant`),
by its email address and, once accepted, through its invitation's account."""

from __future__ import annotations

from privacy.registry import Anonymise, Basis, Category, ModelEntry, PersonalField

PUBLIC_TASK = Basis.PUBLIC_TASK
CONSENT = Basis.CONSENT
BLANK = Anonymise.BLANK
KEEP = Anonymise.KEEP
PLACEHOLDER = Anonymise.PLACEHOLDER
REMOVED = Anonymise.REMOVED


def _programme(anonymise: Anonymise, purpose: str, basis: Basis = PUBLIC_TASK) -> PersonalField:
    return PersonalField(Category.PROGRAMME, basis, anonymise, purpose)


def _contact(anonymise: Anonymise, purpose: str) -> PersonalField:
    return PersonalField(Category.EMPLOYER_CONTACT, PUBLIC_TASK, anonymise, purpose)


def _application(anonymise: Anonymise, purpose: str) -> PersonalField:
    return PersonalField(Category.APPLICATION, PUBLIC_TASK, anonymise, purpose)


APPLICANT_ACCOUNT = "invitation__accepted_user"

ENTRIES: tuple[ModelEntry, ...] = (
    ModelEntry(
        "cohorts.Cohort",
        personal={
            "lab_lead": _programme(KEEP, "The cohort's lab lead."),
            "supervisors": _programme(KEEP, "The cohort's supervisors."),
        },
        not_personal=frozenset(
            {
                "id",
                "created_at",
                "updated_at",
                "name",
                "organisation",
                "served_organisations",
                "starts_on",
                "ends_on",
                "capacity",
                "status",
                "education_target_percent",
                "notes",
                "application_intro",
                "version",
            }
        ),
    ),
    ModelEntry(
        "cohorts.Enrolment",
        personal={
            "cohort": _programme(KEEP, "The cohort; statistics."),
            "trainee": _programme(KEEP, "Who is enrolled."),
            "starts_on": _programme(KEEP, "Start of the enrolment."),
            "ends_on": _programme(KEEP, "End of the enrolment."),
            "left_early": _programme(KEEP, "Left before the end; statistics."),
            "leave_reason": _programme(BLANK, "Why the trainee left early."),
            "supervisors": _programme(KEEP, "The trainee's own supervisors."),
        },
        not_personal=frozenset({"id", "created_at", "updated_at", "version"}),
        people=("trainee",),
    ),
    ModelEntry(
        "cohorts.RotationPeriod",
        personal={
            "organisation": _programme(KEEP, "Where the trainee rotated."),
            "starts_on": _programme(KEEP, "Start of the rotation."),
            "ends_on": _programme(KEEP, "End of the rotation."),
            "note": _programme(BLANK, "Note on the rotation."),
        },
        not_personal=frozenset({"id", "created_at", "updated_at", "enrolment"}),
        people=("enrolment__trainee",),
    ),
    ModelEntry(
        "cohorts.EmployerContact",
        personal={
            "name": _contact(REMOVED, "Name of the partner's contact."),
            "title": _contact(BLANK, "Their title."),
            "email": _contact(PLACEHOLDER, "Where summaries are sent."),
            "phone": _contact(BLANK, "Their phone."),
            "notes": _contact(BLANK, "The lab's notes on the contact."),
        },
        not_personal=frozenset(
            {"id", "created_at", "updated_at", "organisation", "is_active", "version"}
        ),
        emails=("email",),
    ),
    ModelEntry(
        "cohorts.OpenRole",
        personal={
            "contact": _contact(KEEP, "The partner's contact for the role."),
            "created_by": _programme(KEEP, "Who added the role."),
        },
        not_personal=frozenset(
            {
                "id",
                "created_at",
                "updated_at",
                "organisation",
                "title",
                "description",
                "skills",
                "region",
                "closes_on",
                "status",
                "version",
            }
        ),
    ),
    ModelEntry("cohorts.RoleSkill", not_personal=frozenset({"id", "role", "skill", "min_level"})),
    ModelEntry(
        "cohorts.SummaryShare",
        personal={
            "trainee": _programme(KEEP, "Whose summary was shared.", CONSENT),
            "contact": _programme(KEEP, "Who received it.", CONSENT),
            "role": _programme(KEEP, "For which role.", CONSENT),
            "language": _programme(KEEP, "Language of the summary.", CONSENT),
            "consent_method": _programme(KEEP, "How the trainee consented.", CONSENT),
            "consent_given_on": _programme(KEEP, "When the trainee consented.", CONSENT),
            "consent_note": _programme(BLANK, "Note on the consent.", CONSENT),
            "shared_by": _programme(KEEP, "Who sent it.", CONSENT),
            "token": PersonalField(
                Category.PROGRAMME, CONSENT, PLACEHOLDER, "Key of the link.", secret=True
            ),
            "downloads": _programme(KEEP, "How often it was downloaded.", CONSENT),
            "last_downloaded_at": _programme(KEEP, "When it was last downloaded.", CONSENT),
        },
        not_personal=frozenset({"id", "enrolment", "created_at", "expires_at"}),
        people=("trainee",),
    ),
    ModelEntry(
        "cohorts.Assignment",
        personal={"created_by": _programme(KEEP, "Who planned it.")},
        not_personal=frozenset(
            {
                "id",
                "created_at",
                "updated_at",
                "idea",
                "cohort",
                "starts_on",
                "ends_on",
                "status",
                "members",
                "continues",
                "handover_notes",
                "version",
            }
        ),
    ),
    ModelEntry(
        "cohorts.AssignmentMember",
        personal={"assignment": _programme(KEEP, "The prototype the trainee worked on.")},
        not_personal=frozenset({"id", "enrolment", "created_at"}),
        people=("enrolment__trainee",),
    ),
    ModelEntry(
        "cohorts.AssignmentEvent",
        personal={"actor": _programme(KEEP, "Who changed the assignment.")},
        not_personal=frozenset(
            {"id", "assignment", "kind", "from_status", "to_status", "note", "created_at"}
        ),
    ),
    ModelEntry(
        "cohorts.Applicant",
        personal={
            "cohort": _application(KEEP, "The cohort applied to; statistics."),
            "full_name": _application(REMOVED, "Name."),
            "email": _application(BLANK, "Contact address."),
            "phone": _application(BLANK, "Phone."),
            "language": _application(KEEP, "Language of the emails."),
            "background": _application(BLANK, "Education."),
            "work_experience": _application(BLANK, "Earlier work."),
            "languages": _application(BLANK, "Languages spoken."),
            "wants_to_work_with": _application(BLANK, "What the applicant wants to work with."),
            "consented_at": _application(KEEP, "When the applicant agreed to the terms."),
            "status": _application(KEEP, "Where the screening stands; statistics."),
            "decline_reason": _application(BLANK, "Why the applicant was not taken."),
            "decided_at": _application(KEEP, "When it was decided."),
            "invitation": _application(KEEP, "The invitation sent on acceptance."),
        },
        not_personal=frozenset({"id", "created_at", "updated_at", "consent_text", "version"}),
        people=(APPLICANT_ACCOUNT,),
        applicant="pk",
        emails=("email",),
        note="consent_text is the same text for every applicant of its time.",
    ),
    ModelEntry(
        "cohorts.ApplicantSkill",
        personal={
            "skill": _application(KEEP, "A skill the applicant named."),
            "level": _application(KEEP, "The applicant's own level."),
        },
        not_personal=frozenset({"id", "applicant"}),
        people=(f"applicant__{APPLICANT_ACCOUNT}",),
        applicant="applicant",
    ),
    ModelEntry(
        "cohorts.ApplicantEvent",
        personal={
            "actor": _application(KEEP, "Who moved the application."),
            "from_status": _application(KEEP, "Status before."),
            "to_status": _application(KEEP, "Status after."),
            "note": _application(BLANK, "The lead's note."),
        },
        not_personal=frozenset({"id", "applicant", "created_at"}),
        people=(f"applicant__{APPLICANT_ACCOUNT}",),
        applicant="applicant",
    ),
    ModelEntry(
        "reports.ExportJob",
        personal={
            "requested_by": PersonalField(
                Category.SECURITY, Basis.LEGAL_OBLIGATION, KEEP, "Who exported data."
            ),
            "reason": PersonalField(
                Category.SECURITY, Basis.LEGAL_OBLIGATION, KEEP, "Why names were exported."
            ),
        },
        not_personal=frozenset(
            {
                "id",
                "created_at",
                "updated_at",
                "file_format",
                "named",
                "filters",
                "status",
                "rows_total",
                "rows_done",
                "file",
                "finished_at",
                "expires_at",
                "error",
            }
        ),
        people=("requested_by",),
        note="The export file holds other people's data; it expires and is deleted.",
    ),
)
