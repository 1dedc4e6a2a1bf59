"""Who may open and post the competence pages: every URL of the capability by every
persona. The `trainee` persona owns the profile and the skill record tried; for a
POST the table also says whether that trainee's data changed.

    ok     200            done   302, and the write happened
    own    302, the persona wrote to their own profile: nothing of the trainee's changed
    login  sent to sign in (nothing written)
    403    a page for other roles (nothing written)
    404    a trainee or record the persona may not see (nothing written)

`profile_edit` and `skill_add` take no argument: they act on the signed-in trainee's
own profile, so another trainee reaches their own page (and writes nothing of ours).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import client_for
from tests.core.factories import SkillFactory
from tests.prototypes.factories import PDF_BYTES
from tests.trainees.factories import TraineeProfileFactory
from trainees import access
from trainees.models import SkillRecord, TraineeProfile
from trainees.services.competence import add_skill, record_token

PERSONAS = (
    "anonymous",
    "admin",
    "lab_lead",
    "trainee",
    "other_trainee",
    "supervisor",
    "department_staff",
    "outsider",
)
OK, DONE, OWN, LOGIN = "ok", "done", "own", "login"


def row(anonymous, admin, lab_lead, trainee, other_trainee, supervisor, staff, outsider):
    return dict(
        zip(
            PERSONAS,
            (anonymous, admin, lab_lead, trainee, other_trainee, supervisor, staff, outsider),
            strict=True,
        )
    )


# (method, url name, argument: "trainee" | "record" | None) → persona → outcome
TABLE = {
    ("get", "list", None): row(LOGIN, OK, OK, "403", "403", "403", "403", "403"),
    ("get", "profile", "trainee"): row(LOGIN, OK, OK, OK, "404", "404", "404", "404"),
    ("get", "profile_edit", None): row(LOGIN, "403", "403", OK, OK, "403", "403", "403"),
    ("post", "profile_edit", None): row(LOGIN, "403", "403", DONE, OWN, "403", "403", "403"),
    ("get", "reference_contact", "trainee"): row(LOGIN, OK, OK, "403", "403", "403", "403", "403"),
    ("post", "reference_contact", "trainee"): row(
        LOGIN, DONE, DONE, "403", "403", "403", "403", "403"
    ),
    ("get", "skill_add", None): row(LOGIN, "403", "403", OK, OK, "403", "403", "403"),
    ("post", "skill_add", None): row(LOGIN, "403", "403", DONE, OWN, "403", "403", "403"),
    ("get", "skill_edit", "record"): row(LOGIN, "403", "403", OK, "404", "403", "403", "403"),
    ("post", "skill_edit", "record"): row(LOGIN, "403", "403", DONE, "404", "403", "403", "403"),
    ("get", "skill_remove", "record"): row(LOGIN, "403", "403", OK, "404", "403", "403", "403"),
    ("post", "skill_remove", "record"): row(LOGIN, "403", "403", DONE, "404", "403", "403", "403"),
    ("get", "skill_evidence", "record"): row(LOGIN, OK, OK, OK, "404", "404", "404", "404"),
    ("get", "skill_validate", "record"): row(LOGIN, OK, OK, "403", "403", "403", "403", "403"),
    ("post", "skill_validate", "record"): row(LOGIN, DONE, DONE, "403", "403", "403", "403", "403"),
    ("get", "skill_history", "record"): row(LOGIN, OK, OK, OK, "404", "404", "404", "404"),
}

CASES = [
    pytest.param(method, name, argument, persona, outcome, id=f"{method}:{name}-{persona}")
    for (method, name, argument), outcomes in TABLE.items()
    for persona, outcome in outcomes.items()
]


@pytest.fixture
def world(trainee, supervisor, lab_lead):
    """The trainee (supervised by `supervisor`) with a profile and a skill with a file."""
    TraineeProfileFactory(user=trainee)
    record = add_skill(
        actor=trainee,
        trainee=trainee,
        skill=SkillFactory(),
        self_level=2,
        evidence_file=SimpleUploadedFile("intyg.pdf", PDF_BYTES),
        evidence_note="Min text.",
    )
    return {"trainee": trainee, "record": record, "new_skill": SkillFactory()}


def probe(trainee) -> tuple:
    """The trainee's data every POST above might change."""
    profile = TraineeProfile.objects.get(user=trainee)
    records = list(
        SkillRecord.objects.filter(trainee=trainee)
        .order_by("pk")
        .values_list("skill", "self_level", "validated_level")
    )
    return (profile.background, profile.reference_contact_id, records)


def post_data(name, world, lab_lead) -> dict:
    record = SkillRecord.objects.filter(pk=world["record"].pk).first()
    seen = record_token(record) if record else ""
    return {
        "profile_edit": {"background": "Ändrad", "version": 1},
        "reference_contact": {"reference_contact": lab_lead.pk},
        "skill_add": {"skill": world["new_skill"].pk, "self_level": "3"},
        "skill_edit": {"self_level": "4", "seen": seen},
        "skill_remove": {},
        "skill_validate": {
            "validated_level": "3",
            "validation_method": "task",
            "validation_evidence": "Löste uppgiften.",
            "seen": seen,
        },
    }[name]


@pytest.mark.parametrize(("method", "name", "argument", "persona", "outcome"), CASES)
def test_competence_url_as_persona(
    request, world, lab_lead, method, name, argument, persona, outcome
):
    # given
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    args = {"trainee": [world["trainee"].pk], "record": [world["record"].pk], None: []}[argument]
    url = reverse(f"trainees:{name}", args=args)
    client = client_for(user)
    before = probe(world["trainee"])

    # when
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, post_data(name, world, lab_lead))

    # then
    after = probe(world["trainee"])
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif outcome in (DONE, OWN):
        assert response.status_code == 302, response.content[:500]
    elif outcome == OK:
        assert response.status_code == 200
    else:
        assert response.status_code == int(outcome)
    if method == "post":
        assert (after != before) == (outcome == DONE), f"{persona} {name}: {before} → {after}"


def test_skill_remove_of_a_validated_skill_is_refused_for_the_trainee(world, trainee, lab_lead):
    record = world["record"]
    record.validated_level, record.validated_at, record.validated_by = (
        3,
        record.created_at,
        lab_lead,
    )
    record.save()

    response = client_for(trainee).post(reverse("trainees:skill_remove", args=[record.pk]))

    assert response.status_code == 302
    assert SkillRecord.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_competence_rules_per_persona(request, world, persona):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    record, trainee = world["record"], world["trainee"]
    lab = persona in ("admin", "lab_lead")
    own = persona == "trainee"

    assert access.can_list_trainees(user) == lab
    assert access.can_edit_skill(user, record) == own
    assert access.can_remove_skill(user, record) == own
    assert access.can_validate_skill(user, record) == lab
    assert access.can_see_journey(user, trainee) == (lab or own)
    assert access.skill_records_visible_to(user).filter(pk=record.pk).exists() == (lab or own)
