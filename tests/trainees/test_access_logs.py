"""Who reaches the weekly log pages: every URL and persona → status, and for each POST
whether the write happened. A trainee's logs are theirs, their supervisors' and the
lab's; anyone else gets 404 for a log or trainee and 403 for a page of another role."""

import pytest
from django.urls import reverse

from labportal.core.models import OutboxEmail
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.trainees.factories import ProgressLogFactory, last_monday
from trainees.models import LogComment, ProgressLog

PERSONAS = [
    "admin",
    "lab_lead",
    "trainee",
    "other_trainee",
    "supervisor",
    "other_supervisor",
    "department_staff",
    "outsider",
    "anonymous",
]
LOGIN = "login"


@pytest.fixture
def other_supervisor(db):
    """A supervisor of another cohort: none of `trainee`'s."""
    return UserFactory(role="supervisor", full_name="Inte Din Handledare")


@pytest.fixture
def user_of(request, enrolment, supervisor):
    def user(persona):
        return None if persona == "anonymous" else request.getfixturevalue(persona)

    return user


@pytest.fixture
def log(trainee, enrolment):
    return ProgressLogFactory(trainee=trainee, enrolment=enrolment, week=last_monday(2))


def status_of(response) -> int | str:
    if response.status_code == 302 and reverse("account_login") in response.url:
        return LOGIN
    return response.status_code


def log_form(week, **extra):
    return {
        "week": str(week),
        "hours_practical": "30",
        "hours_education": "10",
        "did": "Skrev tester.",
        **extra,
    }


EXPECTED_GET = {
    # url name: persona → status
    "log_list": dict(zip(PERSONAS, [200, 200, 200, 200, 200, 403, 403, 403, LOGIN], strict=True)),
    "log_list_of_trainee": dict(
        zip(PERSONAS, [200, 200, 200, 404, 200, 404, 404, 404, LOGIN], strict=True)
    ),
    "log_create": dict(zip(PERSONAS, [403, 403, 200, 200, 403, 403, 403, 403, LOGIN], strict=True)),
    "log_detail": dict(zip(PERSONAS, [200, 200, 200, 404, 200, 404, 404, 404, LOGIN], strict=True)),
    "log_edit": dict(zip(PERSONAS, [403, 403, 200, 404, 403, 404, 404, 404, LOGIN], strict=True)),
    "log_comment": dict(
        zip(PERSONAS, [405, 405, 405, 405, 405, 405, 405, 405, LOGIN], strict=True)
    ),
}


def url_for(name, log, trainee):
    if name == "log_list":
        return reverse("trainees:log_list")
    if name == "log_list_of_trainee":
        return f"{reverse('trainees:log_list')}?trainee={trainee.pk}"
    if name == "log_create":
        return reverse("trainees:log_create")
    return reverse(f"trainees:{name}", args=[log.pk])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(EXPECTED_GET))
def test_log_pages_answer_each_persona(user_of, log, trainee, name, persona):
    response = client_for(user_of(persona)).get(url_for(name, log, trainee))

    assert status_of(response) == EXPECTED_GET[name][persona]


@pytest.mark.parametrize(
    ("persona", "expected", "written"),
    [
        ("admin", 403, False),
        ("lab_lead", 403, False),
        ("trainee", 302, True),
        # their own log, refused only because they have no enrolment
        ("other_trainee", 400, False),
        ("supervisor", 403, False),
        ("other_supervisor", 403, False),
        ("department_staff", 403, False),
        ("outsider", 403, False),
        ("anonymous", LOGIN, False),
    ],
)
def test_log_create_post_per_persona(user_of, log, persona, expected, written):
    response = client_for(user_of(persona)).post(
        reverse("trainees:log_create"), log_form(last_monday(1))
    )

    assert status_of(response) == expected
    assert ProgressLog.objects.filter(week=last_monday(1)).exists() is written


@pytest.mark.parametrize(
    ("persona", "expected", "written"),
    [
        ("admin", 403, False),
        ("lab_lead", 403, False),
        ("trainee", 302, True),
        ("other_trainee", 404, False),
        ("supervisor", 403, False),
        ("other_supervisor", 404, False),
        ("department_staff", 404, False),
        ("outsider", 404, False),
        ("anonymous", LOGIN, False),
    ],
)
def test_log_edit_post_per_persona(user_of, log, persona, expected, written):
    response = client_for(user_of(persona)).post(
        reverse("trainees:log_edit", args=[log.pk]), log_form(log.week, version=log.version)
    )

    assert status_of(response) == expected
    log.refresh_from_db()
    assert (log.did == "Skrev tester.") is written


@pytest.mark.parametrize(
    ("persona", "expected", "written"),
    [
        ("admin", 302, True),
        ("lab_lead", 302, True),
        # the trainee reads the comments; their own words are the log itself
        ("trainee", 403, False),
        ("other_trainee", 404, False),
        ("supervisor", 302, True),
        ("other_supervisor", 404, False),
        ("department_staff", 404, False),
        ("outsider", 404, False),
        ("anonymous", LOGIN, False),
    ],
)
def test_log_comment_post_per_persona(user_of, log, persona, expected, written):
    response = client_for(user_of(persona)).post(
        reverse("trainees:log_comment", args=[log.pk]), {"body": "En kommentar."}
    )

    assert status_of(response) == expected
    assert LogComment.objects.filter(log=log).exists() is written
    assert OutboxEmail.objects.filter(key__startswith="log-comment:").exists() is written


def test_log_list_of_a_non_trainee_is_not_found(lab_lead, supervisor):
    response = client_for(lab_lead).get(reverse("trainees:log_list"), {"trainee": supervisor.pk})

    assert response.status_code == 404


def test_log_list_with_a_malformed_trainee_is_not_found(lab_lead):
    response = client_for(lab_lead).get(reverse("trainees:log_list"), {"trainee": "1 OR 1=1"})

    assert response.status_code == 404


def test_department_staff_named_as_supervisor_reads_and_comments(
    trainee, enrolment, department_staff, log
):
    enrolment.supervisors.add(department_staff)
    client = client_for(department_staff)

    assert client.get(reverse("trainees:log_detail", args=[log.pk])).status_code == 200
    assert client.get(reverse("trainees:log_list"), {"trainee": trainee.pk}).status_code == 200
    response = client.post(reverse("trainees:log_comment", args=[log.pk]), {"body": "Bra!"})
    assert response.status_code == 302
    assert LogComment.objects.filter(log=log, author=department_staff).exists()


def test_a_supervisor_removed_from_the_cohort_loses_access(trainee, enrolment, supervisor, log):
    enrolment.cohort.supervisors.remove(supervisor)

    response = client_for(supervisor).get(reverse("trainees:log_detail", args=[log.pk]))

    assert response.status_code == 404
