"""Registry entries for the privacy app's own models (see `privacy.registry`): the
records of retention and erasure, kept to show that requests were honoured (art. 5.2)."""

from __future__ import annotations

from privacy.registry import Anonymise, Basis, Category, ModelEntry, PersonalField


def _record(purpose: str) -> PersonalField:
    return PersonalField(Category.SECURITY, Basis.LEGAL_OBLIGATION, Anonymise.KEEP, purpose)


ENTRIES: tuple[ModelEntry, ...] = (
    ModelEntry(
        "privacy.RetentionRule",
        personal={"updated_by": _record("Who last changed the rule.")},
        not_personal=frozenset(
            {
                "id",
                "category",
                "months",
                "anchor",
                "action",
                "is_active",
                "note",
                "updated_at",
                "version",
            }
        ),
    ),
    ModelEntry(
        "privacy.RetentionRun",
        personal={"triggered_by": _record("Who started the run by hand.")},
        not_personal=frozenset({"id", "started_at", "finished_at", "counts", "error"}),
    ),
    ModelEntry(
        "privacy.Erasure",
        personal={
            "person": _record("Whose data was erased."),
            "applicant_id": _record("Which application was erased."),
            "reason": _record("The request, as the admin recorded it."),
            "requested_by": _record("Who carried out the erasure."),
        },
        not_personal=frozenset({"id", "done_at", "categories_done", "categories_kept"}),
        people=("person",),
    ),
    ModelEntry(
        "privacy.Installation",
        not_personal=frozenset({"id", "key", "created_at"}),
    ),
)
