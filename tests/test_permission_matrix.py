"""Every URL of the project, visited as every role.

A new URL fails `test_every_project_url_is_in_the_matrix` until it gets a row here:
that row is the decision of who may reach it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accounts.factories import InvitationFactory
from tests.conftest import client_for
from tests.core.factories import SkillFactory
from tests.prototypes.factories import IdeaAttachmentFactory, IdeaFactory

ROLES = ("anonymous", "admin", "lab_lead", "department_staff", "trainee")
PROJECT_MODULES = ("labportal.", "prototypes.", "trainees.", "cohorts.", "reports.")

OK, FORBIDDEN, NOT_FOUND, LOGIN = "ok", "forbidden", "not found", "login"
NOT_ALLOWED = "method not allowed"
REDIRECT = "redirect"


@dataclass
class Row:
    expected: dict[str, str]
    args: Callable[[dict], list] = lambda objects: []
    method: str = "get"
    data: dict = field(default_factory=dict)


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome: str, **overrides: str) -> dict[str, str]:
    return {**dict.fromkeys(ROLES, outcome), "anonymous": LOGIN, **overrides}


MANAGERS_ONLY = signed_in(OK, department_staff=FORBIDDEN, trainee=FORBIDDEN)
ADMIN_ONLY = signed_in(FORBIDDEN, admin=OK)
# An idea of the department_staff persona's department: trainees are refused by role.
IDEA_READERS = signed_in(OK, trainee=FORBIDDEN)
# Actions on an idea that redirect back to it when done (or refused with a message).
IDEA_READERS_REDIRECTED = signed_in(REDIRECT, trainee=FORBIDDEN)

MATRIX: dict[str, Row] = {
    "healthz": Row(everyone("any")),  # 200 or 503 depending on the worker: public by design
    "core:home": Row(signed_in(OK)),
    "core:accessibility": Row(everyone(OK)),
    "core:set_language": Row(everyone(REDIRECT), method="post", data={"language": "en"}),
    "core:skill_list": Row(signed_in(OK)),
    "core:skill_create": Row(ADMIN_ONLY),
    "core:skill_update": Row(ADMIN_ONLY, args=lambda o: [o["skill"].pk]),
    "core:audit_list": Row(ADMIN_ONLY),
    "accounts:user_list": Row(MANAGERS_ONLY),
    "accounts:user_detail": Row(MANAGERS_ONLY, args=lambda o: [o["department_staff"].pk]),
    "accounts:user_update": Row(MANAGERS_ONLY, args=lambda o: [o["department_staff"].pk]),
    "accounts:invitation_list": Row(MANAGERS_ONLY),
    "accounts:invitation_create": Row(MANAGERS_ONLY),
    "accounts:invitation_revoke": Row(MANAGERS_ONLY, args=lambda o: [o["invitation"].pk]),
    # the invitation link is for people without an account; signed-in users are sent home
    "accounts:invitation_accept": Row(
        {**everyone(REDIRECT), "anonymous": OK}, args=lambda o: [o["token"]]
    ),
    "accounts:organisation_list": Row(ADMIN_ONLY),
    "accounts:organisation_create": Row(ADMIN_ONLY),
    "accounts:organisation_detail": Row(ADMIN_ONLY, args=lambda o: [o["organisation"].pk]),
    "accounts:organisation_update": Row(ADMIN_ONLY, args=lambda o: [o["organisation"].pk]),
    "accounts:department_create": Row(ADMIN_ONLY, args=lambda o: [o["organisation"].pk]),
    "accounts:department_update": Row(
        ADMIN_ONLY, args=lambda o: [o["organisation"].pk, o["department"].pk]
    ),
    # Ideas: department staff see their department's, the lab all; trainees none (yet).
    "prototypes:list": Row(signed_in(OK, trainee=FORBIDDEN)),
    "prototypes:create": Row(signed_in(FORBIDDEN, department_staff=OK)),
    "prototypes:flow": Row(MANAGERS_ONLY),
    "prototypes:detail": Row(IDEA_READERS, args=lambda o: [o["idea"].pk]),
    "prototypes:update": Row(IDEA_READERS, args=lambda o: [o["idea"].pk]),
    # The lab may accept: it sees the confirmation; department staff are sent back to the idea.
    "prototypes:transition": Row(
        {**IDEA_READERS_REDIRECTED, "admin": OK, "lab_lead": OK},
        args=lambda o: [o["idea"].pk, "accepted"],
    ),
    "prototypes:comment": Row(
        {**IDEA_READERS_REDIRECTED, "trainee": FORBIDDEN, "anonymous": LOGIN},
        args=lambda o: [o["idea"].pk],
        method="post",
        data={"body": "Hur många ansökningar kommer in per månad?"},
    ),
    "prototypes:triage": Row(
        signed_in(FORBIDDEN, admin=OK, lab_lead=OK), args=lambda o: [o["idea"].pk]
    ),
    "prototypes:prototype": Row(
        signed_in(FORBIDDEN, admin=OK, lab_lead=OK), args=lambda o: [o["accepted_idea"].pk]
    ),
    "prototypes:evaluate": Row(
        signed_in(FORBIDDEN, department_staff=OK), args=lambda o: [o["delivered_idea"].pk]
    ),
    "prototypes:attachment": Row(IDEA_READERS, args=lambda o: [o["idea"].pk, o["attachment"].pk]),
    "prototypes:attachment_delete": Row(
        IDEA_READERS, args=lambda o: [o["idea"].pk, o["attachment"].pk]
    ),
}


def project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                if module.startswith(PROJECT_MODULES):
                    names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_project_url_is_in_the_matrix():
    missing = project_url_names() - MATRIX.keys()
    stale = MATRIX.keys() - project_url_names()
    assert not missing, f"URLs without a row in the permission matrix: {sorted(missing)}"
    assert not stale, f"Rows for URLs that no longer exist: {sorted(stale)}"


def outcome_of(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code == 405:
        return NOT_ALLOWED
    if response.status_code in (301, 302):
        return LOGIN if response.url.startswith(reverse("account_login")) else REDIRECT
    return str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, personas, department):
    invitation = InvitationFactory(token="matrix-token", role="trainee")
    staff = personas["department_staff"]
    idea = IdeaFactory(department=department, submitted_by=staff)
    objects = {
        **personas,
        "skill": SkillFactory(),
        "invitation": invitation,
        "token": "matrix-token",
        "organisation": department.organisation,
        "department": department,
        "idea": idea,
        "attachment": IdeaAttachmentFactory(idea=idea, uploaded_by=staff),
        "accepted_idea": IdeaFactory(department=department, submitted_by=staff, status="accepted"),
        "delivered_idea": IdeaFactory(
            department=department, submitted_by=staff, status="delivered"
        ),
    }
    client = client_for(personas.get(role))
    failures = []
    for name, row in MATRIX.items():
        expected = row.expected[role]
        url = reverse(name, args=row.args(objects))
        response = getattr(client, row.method)(url, row.data)
        actual = outcome_of(response)
        if expected != "any" and actual != expected:
            failures.append(f"{name} as {role}: expected {expected}, got {actual}")
    assert not failures, "\n".join(failures)
