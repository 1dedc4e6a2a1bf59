"""Registry entries for prototypes and trainees (see `privacy.registry`).

Ideas, prototypes and their history belong to the departments; what names or was
written by a person is personal (the submitter, the contact person, comments)."""

from __future__ import annotations

from privacy.registry import Anonymise, Basis, Category, ModelEntry, PersonalField

PUBLIC_TASK = Basis.PUBLIC_TASK
CONSENT = Basis.CONSENT
BLANK = Anonymise.BLANK
KEEP = Anonymise.KEEP


def _contribution(anonymise: Anonymise, purpose: str) -> PersonalField:
    return PersonalField(Category.CONTRIBUTION, PUBLIC_TASK, anonymise, purpose)


def _competence(anonymise: Anonymise, purpose: str) -> PersonalField:
    return PersonalField(Category.COMPETENCE, PUBLIC_TASK, anonymise, purpose)


def _progress(anonymise: Anonymise, purpose: str) -> PersonalField:
    return PersonalField(Category.PROGRESS, PUBLIC_TASK, anonymise, purpose)


def _outcome(anonymise: Anonymise, purpose: str, basis: Basis = PUBLIC_TASK) -> PersonalField:
    return PersonalField(Category.OUTCOME, basis, anonymise, purpose)


def _profile(anonymise: Anonymise, purpose: str) -> PersonalField:
    return PersonalField(Category.PROFILE, PUBLIC_TASK, anonymise, purpose)


IDEA_CONTENT = frozenset(
    {
        "title",
        "department",
        "problem",
        "affected_users",
        "affected_description",
        "improvement",
        "benefit_kind",
        "benefit_size",
        "benefit_description",
        "urgency",
        "data_access",
        "success_measure",
        "result_users",
        "status",
        "decline_reason",
        "skills",
        "size_weeks",
        "ready_to_plan",
        "submitted_at",
        "triaged_at",
        "decided_at",
        "delivered_at",
        "version",
        "search_vector",
    }
)

ENTRIES: tuple[ModelEntry, ...] = (
    ModelEntry(
        "prototypes.Idea",
        personal={
            "submitted_by": _contribution(KEEP, "Who wrote the idea for the department."),
            "contact_person": _contribution(BLANK, "Whom the lab may ask about the idea."),
        },
        not_personal=IDEA_CONTENT | {"id", "created_at", "updated_at"},
        people=("submitted_by",),
        note="What an idea says is the department's, written on its behalf.",
    ),
    ModelEntry(
        "prototypes.IdeaAttachment",
        personal={"uploaded_by": _contribution(KEEP, "Who attached the file.")},
        not_personal=frozenset(
            {"id", "idea", "file", "original_name", "content_type", "size", "created_at"}
        ),
        people=("uploaded_by",),
    ),
    ModelEntry(
        "prototypes.IdeaEvent",
        personal={"actor": _contribution(KEEP, "Who changed the idea's status.")},
        not_personal=frozenset({"id", "idea", "from_status", "to_status", "note", "created_at"}),
    ),
    ModelEntry(
        "prototypes.IdeaComment",
        personal={
            "author": _contribution(KEEP, "Who wrote the message."),
            "body": _contribution(BLANK, "The message."),
        },
        not_personal=frozenset({"id", "idea", "from_lab", "created_at"}),
        people=("author",),
    ),
    ModelEntry(
        "prototypes.PrototypeRecord",
        not_personal=frozenset(
            {
                "id",
                "created_at",
                "updated_at",
                "idea",
                "working_title",
                "repository_url",
                "demo_url",
                "deliverables",
                "handover_notes",
            }
        ),
    ),
    ModelEntry(
        "prototypes.Evaluation",
        personal={
            "evaluated_by": _contribution(KEEP, "Who evaluated the prototype."),
            "comments": _contribution(BLANK, "The evaluator's comments."),
        },
        not_personal=frozenset({"id", "idea", "benefit_realised", "adoption", "created_at"}),
        people=("evaluated_by",),
    ),
    ModelEntry(
        "trainees.SkillRecord",
        personal={
            "trainee": _competence(KEEP, "Whose skill it is."),
            "skill": _competence(KEEP, "The skill; counts in the statistics."),
            "self_level": _competence(KEEP, "The trainee's own level."),
            "evidence_link": _competence(BLANK, "Link to the trainee's evidence."),
            "evidence_file": _competence(BLANK, "The trainee's evidence file."),
            "evidence_note": _competence(BLANK, "The trainee's note on the evidence."),
            "validated_level": _competence(KEEP, "Level validated by the lab."),
            "validation_method": _competence(KEEP, "How the lab validated it."),
            "validation_evidence": _competence(BLANK, "What the lab observed."),
            "validated_by": _competence(KEEP, "Who validated it."),
            "validated_at": _competence(KEEP, "When it was validated."),
        },
        not_personal=frozenset({"id", "created_at", "updated_at"}),
        people=("trainee",),
    ),
    ModelEntry(
        "trainees.SkillEvent",
        personal={
            "kind": _competence(KEEP, "Self-assessed or validated."),
            "level": _competence(KEEP, "The level then."),
            "method": _competence(KEEP, "How it was validated."),
            "evidence": _competence(BLANK, "Evidence given then."),
            "actor": _competence(KEEP, "Who made the change."),
        },
        not_personal=frozenset({"id", "record", "created_at"}),
        people=("record__trainee",),
    ),
    ModelEntry(
        "trainees.ProgressLog",
        personal={
            "trainee": _progress(KEEP, "Whose week it is."),
            "week": _progress(KEEP, "The week; counts in the statistics."),
            "hours_practical": _progress(KEEP, "Hours of practical work; statistics."),
            "hours_education": _progress(KEEP, "Hours of education; statistics."),
            "did": _progress(BLANK, "What the trainee did."),
            "learned": _progress(BLANK, "What the trainee learned."),
            "blockers": _progress(BLANK, "What blocked the trainee."),
            "prototypes_text": _progress(BLANK, "Prototypes the trainee named."),
            "prototypes": _progress(KEEP, "Prototypes worked on that week."),
        },
        not_personal=frozenset({"id", "created_at", "updated_at", "enrolment", "version"}),
        people=("trainee",),
    ),
    ModelEntry(
        "trainees.LogComment",
        personal={
            "author": _progress(KEEP, "Who commented."),
            "body": _progress(BLANK, "The comment on the trainee's week."),
        },
        not_personal=frozenset({"id", "log", "created_at"}),
        people=("author", "log__trainee"),
    ),
    ModelEntry(
        "trainees.MilestoneType",
        not_personal=frozenset(
            {"id", "created_at", "updated_at", "name_sv", "name_en", "position", "is_active"}
        ),
    ),
    ModelEntry(
        "trainees.Milestone",
        personal={
            "trainee": _progress(KEEP, "Whose milestone it is."),
            "type": _progress(KEEP, "Which milestone; statistics."),
            "due_on": _progress(KEEP, "When it is due."),
            "status": _progress(KEEP, "Done, to do or not needed; statistics."),
            "done_at": _progress(KEEP, "When it was done."),
            "note": _progress(BLANK, "The coach's note."),
        },
        not_personal=frozenset({"id", "created_at", "updated_at"}),
        people=("trainee",),
    ),
    ModelEntry(
        "trainees.Outcome",
        personal={
            "trainee": _outcome(KEEP, "Whose outcome it is."),
            "months_after": _outcome(KEEP, "When after the programme; statistics."),
            "category": _outcome(KEEP, "Work, studies or other; statistics."),
            "employer": _outcome(BLANK, "Employer."),
            "role": _outcome(BLANK, "Job title."),
            "region": _outcome(BLANK, "Where the job is."),
            "starts_on": _outcome(KEEP, "Start of the job; the median days to a job."),
            "employment_type": _outcome(KEEP, "Kind of employment; statistics."),
            "via_lab_network": _outcome(KEEP, "Found through the lab; statistics."),
            "partner": _outcome(KEEP, "Partner organisation; statistics."),
            "source": _outcome(KEEP, "Recorded by the lab or from a follow-up."),
            "note": _outcome(BLANK, "The lab's note."),
            "recorded_by": _outcome(KEEP, "Who recorded it."),
        },
        not_personal=frozenset({"id", "created_at", "updated_at", "enrolment", "version"}),
        people=("trainee",),
        note="Outcomes after the end come from follow-ups, which need consent; the "
        "outcome itself is the programme's follow-up duty (public task).",
    ),
    ModelEntry(
        "trainees.FollowUpConsent",
        personal={
            "trainee": _outcome(KEEP, "Whose consent it is.", CONSENT),
            "given": _outcome(KEEP, "Consents to follow-ups or not.", CONSENT),
            "decided_at": _outcome(KEEP, "When the trainee decided.", CONSENT),
        },
        not_personal=frozenset({"id", "created_at", "updated_at"}),
        people=("trainee",),
    ),
    ModelEntry(
        "trainees.ConsentEvent",
        personal={
            "trainee": _outcome(KEEP, "Whose decision it is.", CONSENT),
            "given": _outcome(KEEP, "Given, declined or withdrawn.", CONSENT),
            "channel": _outcome(KEEP, "Where the decision was made.", CONSENT),
            "actor": _outcome(KEEP, "Who recorded it.", CONSENT),
        },
        not_personal=frozenset({"id", "created_at"}),
        people=("trainee",),
    ),
    ModelEntry(
        "trainees.FollowUp",
        personal={
            "trainee": _outcome(KEEP, "Who is followed up.", CONSENT),
            "months_after": _outcome(KEEP, "When after the programme.", CONSENT),
            "due_on": _outcome(KEEP, "When it is due.", CONSENT),
            "status": _outcome(KEEP, "Sent, answered or not.", CONSENT),
            "emails_sent": _outcome(KEEP, "How many emails were sent.", CONSENT),
            "last_sent_at": _outcome(KEEP, "When the last email was sent.", CONSENT),
            "nonce": PersonalField(
                Category.OUTCOME, CONSENT, BLANK, "Key of the emailed links.", secret=True
            ),
            "answered_at": _outcome(KEEP, "When the trainee answered.", CONSENT),
            "answer": _outcome(BLANK, "The trainee's answer as given.", CONSENT),
        },
        not_personal=frozenset({"id", "created_at", "updated_at", "enrolment"}),
        people=("trainee",),
    ),
    ModelEntry(
        "trainees.TraineeProfile",
        personal={
            "user": _profile(KEEP, "Whose profile it is."),
            "background": _profile(BLANK, "Education."),
            "work_experience": _profile(BLANK, "Earlier work."),
            "languages": _profile(BLANK, "Languages spoken."),
            "wants_to_work_with": _profile(BLANK, "What the trainee wants to work with."),
            "reference_contact": _profile(KEEP, "The lab's reference for employers."),
        },
        not_personal=frozenset({"id", "created_at", "updated_at", "version"}),
        people=("user",),
    ),
)
