"""The personal-data registry covers every field of every model, and its paths lead
where they say: a model or field added without a decision fails here."""

from __future__ import annotations

import dataclasses

import pytest
from django.apps import apps

from privacy.registry import (
    OUT_OF_SCOPE_APPS,
    REGISTRY,
    Anonymise,
    Basis,
    Category,
    ModelEntry,
    PersonalField,
    registry_problems,
)

MODELS = list(apps.get_models())
SOME = PersonalField(Category.PROGRESS, Basis.PUBLIC_TASK, Anonymise.BLANK, "test")


def _with(label: str, **changes: object) -> dict[str, ModelEntry]:
    """The real registry with one entry changed."""
    registry = dict(REGISTRY)
    registry[label] = dataclasses.replace(REGISTRY[label], **changes)  # type: ignore[arg-type]
    return registry


def test_registry_classifies_every_field_of_every_installed_model():
    assert registry_problems(REGISTRY, MODELS) == []


@pytest.mark.parametrize(
    "app_label", ["accounts", "core", "prototypes", "trainees", "cohorts", "reports"]
)
def test_registry_has_an_entry_for_each_model_of_the_programme_apps(app_label):
    labels = {m._meta.label for m in apps.get_app_config(app_label).get_models()}
    assert labels
    assert labels <= set(REGISTRY)


def test_registry_covers_allauth_and_sessions():
    for label in (
        "account.EmailAddress",
        "mfa.Authenticator",
        "socialaccount.SocialAccount",
        "socialaccount.SocialToken",
        "sessions.Session",
    ):
        assert REGISTRY[label].personal, label
    assert OUT_OF_SCOPE_APPS["django_celery_beat"]


def test_registry_check_reports_an_unclassified_field():
    entry = REGISTRY["trainees.ProgressLog"]
    personal = {k: v for k, v in entry.personal.items() if k != "blockers"}

    problems = registry_problems(_with("trainees.ProgressLog", personal=personal), MODELS)

    assert problems == ["trainees.ProgressLog.blockers: not classified"]


def test_registry_check_reports_a_field_classified_twice():
    entry = REGISTRY["trainees.ProgressLog"]
    registry = _with("trainees.ProgressLog", not_personal=entry.not_personal | {"did"})

    assert registry_problems(registry, MODELS) == [
        "trainees.ProgressLog.did: classified both personal and not personal"
    ]


def test_registry_check_reports_a_field_that_does_not_exist():
    entry = REGISTRY["trainees.Milestone"]
    registry = _with("trainees.Milestone", personal={**entry.personal, "mood": SOME})

    assert registry_problems(registry, MODELS) == ["trainees.Milestone.mood: no such field"]


def test_registry_check_reports_a_model_that_does_not_exist():
    registry = dict(REGISTRY)
    registry["trainees.Diary"] = ModelEntry("trainees.Diary", personal={"text": SOME})

    assert registry_problems(registry, MODELS) == ["trainees.Diary: no such model"]


def test_registry_check_reports_a_model_without_entry():
    registry = {k: v for k, v in REGISTRY.items() if k != "trainees.LogComment"}

    assert registry_problems(registry, MODELS) == [
        "trainees.LogComment: no entry (and its app is not out of scope)"
    ]


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        (("enrolment",), "does not lead to accounts.User"),  # leads to cohorts.Enrolment
        (("trainee__nickname",), "has no field named 'nickname'"),
        (("did__trainee",), "did is not a relation"),
    ],
)
def test_registry_check_reports_people_paths_not_leading_to_the_user(people, expected):
    problems = registry_problems(_with("trainees.ProgressLog", people=people), MODELS)

    assert len(problems) == 1
    assert problems[0].startswith(f"trainees.ProgressLog people {people[0]!r}")
    assert expected in problems[0]


def test_registry_check_reports_applicant_and_email_paths_that_are_wrong():
    registry = _with("cohorts.ApplicantEvent", applicant="actor")
    registry["cohorts.Applicant"] = _with("cohorts.Applicant", emails=("full_name",))[
        "cohorts.Applicant"
    ]

    assert sorted(registry_problems(registry, MODELS)) == [
        "cohorts.Applicant emails 'full_name': not an email field",
        "cohorts.ApplicantEvent applicant 'actor': does not lead to cohorts.Applicant",
    ]


def test_registry_people_paths_of_the_examples():
    assert REGISTRY["trainees.LogComment"].people == ("author", "log__trainee")
    assert REGISTRY["prototypes.Idea"].people == ("submitted_by",)
    assert REGISTRY["core.AuditEntry"].people == ("actor",)
    assert REGISTRY["cohorts.Applicant"].applicant == "pk"


def test_registry_marks_credentials_secret():
    secret = {(label, name) for label, entry in REGISTRY.items() for name in entry.secret_fields}
    assert {
        ("accounts.User", "password"),
        ("accounts.Invitation", "token_hash"),
        ("trainees.FollowUp", "nonce"),
        ("core.OutboxEmail", "secret_values"),
        ("sessions.Session", "session_data"),
        ("cohorts.SummaryShare", "token"),
        ("mfa.Authenticator", "data"),
    } <= secret


def test_registry_keeps_what_the_statistics_count():
    outcome = REGISTRY["trainees.Outcome"].personal
    assert outcome["category"].anonymise == Anonymise.KEEP
    assert outcome["months_after"].anonymise == Anonymise.KEEP
    assert outcome["starts_on"].anonymise == Anonymise.KEEP  # the median days to a job
    assert outcome["employer"].anonymise == Anonymise.BLANK
    user = REGISTRY["accounts.User"].personal
    assert user["full_name"].anonymise == Anonymise.REMOVED
    assert user["email"].anonymise == Anonymise.PLACEHOLDER


def test_registry_unique_fields_are_never_blanked():
    # Two anonymised rows with "" in a unique column would collide.
    for label, entry in REGISTRY.items():
        model = apps.get_model(label)
        for name, spec in entry.personal.items():
            field = model._meta.get_field(name)
            if getattr(field, "unique", False) and not field.primary_key:
                assert spec.anonymise in (Anonymise.PLACEHOLDER, Anonymise.KEEP), (label, name)
