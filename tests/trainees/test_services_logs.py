"""Weekly progress logs (`trainees.services.logs`): the trainee's week with its checks,
optimistic locking, and comments that reach the trainee in exactly one email."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone, translation

from labportal.core.models import AuditEntry, OutboxEmail
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import EnrolmentFactory
from tests.trainees.factories import ProgressLogFactory, last_monday
from trainees.models import LogComment, ProgressLog, monday_of
from trainees.services.logs import (
    WeekAlreadyLogged,
    comment_on_log,
    create_log,
    notify_trainee_of_comment,
    update_log,
)

DID = "Byggde sökfunktionen i prototypen för bygglov.\n\n  - testade med handläggare"


@pytest.fixture(autouse=True)
def _english():
    # The messages are asserted as written (in English), whatever the catalogue holds.
    with translation.override("en"):
        yield


def week_data(week=None, **overrides):
    data = {
        "week": week or last_monday(),
        "hours_practical": Decimal(32),
        "hours_education": Decimal(8),
        "did": DID,
        "learned": "Hur fulltextsökning i PostgreSQL fungerar.",
        "blockers": "",
        "prototypes_text": "Bygglovsguiden",
    }
    return {**data, **overrides}


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# Creating ---------------------------------------------------------------------------------
def test_create_log_saves_the_week_by_its_monday_with_the_enrolment(trainee, enrolment):
    wednesday = last_monday() + datetime.timedelta(days=2)

    log = create_log(actor=trainee, data=week_data(week=wednesday))

    log.refresh_from_db()
    assert log.week == last_monday()
    assert log.enrolment == enrolment
    assert log.trainee == trainee
    assert log.did == DID
    assert log.version == 1
    assert AuditEntry.objects.filter(action="log.created", object_id=str(log.pk)).exists()


def test_create_log_allows_the_current_week(trainee, enrolment):
    log = create_log(actor=trainee, data=week_data(week=timezone.localdate()))

    assert log.week == monday_of(timezone.localdate())


@pytest.mark.parametrize("field", ["hours_practical", "hours_education"])
def test_create_log_refuses_negative_hours(trainee, enrolment, field):
    with pytest.raises(ValidationError) as excinfo:
        create_log(actor=trainee, data=week_data(**{field: Decimal(-1)}))

    assert errors_of(excinfo)[field] == ["Hours cannot be negative."]
    assert not ProgressLog.objects.exists()


def test_create_log_refuses_more_than_sixty_hours_together(trainee, enrolment):
    with pytest.raises(ValidationError) as excinfo:
        create_log(
            actor=trainee,
            data=week_data(hours_practical=Decimal(45), hours_education=Decimal("15.5")),
        )

    (message,) = errors_of(excinfo)[NON_FIELD_ERRORS]
    assert "60.5" in message
    assert "60" in message
    assert not ProgressLog.objects.exists()


def test_create_log_allows_exactly_sixty_hours(trainee, enrolment):
    log = create_log(
        actor=trainee, data=week_data(hours_practical=Decimal(50), hours_education=Decimal(10))
    )

    assert log.total_hours == Decimal(60)


def test_create_log_refuses_a_week_in_the_future(trainee, enrolment):
    next_week = monday_of(timezone.localdate()) + datetime.timedelta(weeks=1)

    with pytest.raises(ValidationError) as excinfo:
        create_log(actor=trainee, data=week_data(week=next_week))

    assert "not started yet" in errors_of(excinfo)["week"][0]


def test_create_log_refuses_a_week_before_the_enrolment(trainee, enrolment):
    before = monday_of(enrolment.start) - datetime.timedelta(weeks=1)

    with pytest.raises(ValidationError) as excinfo:
        create_log(actor=trainee, data=week_data(week=before))

    assert "outside your enrolment" in errors_of(excinfo)["week"][0]


def test_create_log_allows_the_week_the_enrolment_begins_in(trainee, enrolment):
    log = create_log(actor=trainee, data=week_data(week=enrolment.start))

    assert log.week == monday_of(enrolment.start)


def test_create_log_uses_the_enrolments_own_dates(trainee, enrolment):
    # the trainee joined the cohort late: the weeks before are not theirs to log
    enrolment.starts_on = last_monday(2)
    enrolment.save()

    with pytest.raises(ValidationError):
        create_log(actor=trainee, data=week_data(week=last_monday(3)))
    log = create_log(actor=trainee, data=week_data(week=last_monday(2)))

    assert log.enrolment == enrolment


def test_create_log_refuses_a_trainee_without_an_enrolment(trainee):
    with pytest.raises(ValidationError) as excinfo:
        create_log(actor=trainee, data=week_data())

    assert "not enrolled" in errors_of(excinfo)["week"][0]


def test_create_log_refuses_a_second_log_for_the_same_week(trainee, enrolment):
    first = create_log(actor=trainee, data=week_data())

    with pytest.raises(WeekAlreadyLogged) as excinfo:
        create_log(actor=trainee, data=week_data(week=last_monday() + datetime.timedelta(days=4)))

    assert excinfo.value.existing == first
    assert "already written" in errors_of(excinfo)["week"][0]
    assert ProgressLog.objects.count() == 1


def test_create_log_names_every_problem_at_once(trainee, enrolment):
    create_log(actor=trainee, data=week_data())

    with pytest.raises(WeekAlreadyLogged) as excinfo:
        create_log(actor=trainee, data=week_data(hours_education=Decimal(-2), did="  "))

    assert set(errors_of(excinfo)) == {"week", "hours_education", "did"}


@pytest.mark.parametrize("persona", ["lab_lead", "supervisor", "department_staff"])
def test_create_log_is_for_trainees_only(request, enrolment, persona):
    with pytest.raises(PermissionDenied):
        create_log(actor=request.getfixturevalue(persona), data=week_data())

    assert not ProgressLog.objects.exists()


# Editing ----------------------------------------------------------------------------------
def test_update_log_saves_and_raises_the_version(trainee, enrolment):
    log = create_log(actor=trainee, data=week_data())

    saved = update_log(
        actor=trainee,
        log=log,
        data=week_data(blockers="Väntar på åtkomst till testmiljön."),
        expected_version=1,
    )

    saved.refresh_from_db()
    assert saved.blockers == "Väntar på åtkomst till testmiljön."
    assert saved.version == 2
    audit = AuditEntry.objects.get(action="log.updated", object_id=str(log.pk))
    assert audit.details["fields"] == ["blockers"]


def test_update_log_refuses_a_stale_version_and_changes_nothing(trainee, enrolment):
    log = create_log(actor=trainee, data=week_data())
    update_log(actor=trainee, log=log, data=week_data(learned="Första fliken."), expected_version=1)

    with pytest.raises(ValidationError) as excinfo:
        update_log(
            actor=trainee, log=log, data=week_data(learned="Andra fliken."), expected_version=1
        )

    assert excinfo.value.code == "conflict"
    log.refresh_from_db()
    assert log.learned == "Första fliken."
    assert log.version == 2


def test_update_log_refuses_moving_onto_a_logged_week(trainee, enrolment):
    earlier = create_log(actor=trainee, data=week_data(week=last_monday(2)))
    log = create_log(actor=trainee, data=week_data())

    with pytest.raises(WeekAlreadyLogged) as excinfo:
        update_log(actor=trainee, log=log, data=week_data(week=last_monday(2)), expected_version=1)

    assert excinfo.value.existing == earlier
    log.refresh_from_db()
    assert log.week == last_monday()


def test_update_log_keeps_its_own_week(trainee, enrolment):
    log = create_log(actor=trainee, data=week_data())

    saved = update_log(actor=trainee, log=log, data=week_data(did="Ny text."), expected_version=1)

    assert saved.week == log.week


def test_update_log_refuses_anyone_but_its_trainee(trainee, enrolment, other_trainee, lab_lead):
    log = create_log(actor=trainee, data=week_data())

    for actor in (other_trainee, lab_lead):
        with pytest.raises(PermissionDenied):
            update_log(actor=actor, log=log, data=week_data(did="Inte min."), expected_version=1)

    log.refresh_from_db()
    assert log.did == DID


# Comments ---------------------------------------------------------------------------------
@pytest.fixture
def log(trainee, enrolment):
    return ProgressLogFactory(trainee=trainee, enrolment=enrolment)


def test_comment_on_log_saves_audits_and_emails_the_trainee_once(log, trainee, supervisor):
    comment = comment_on_log(actor=supervisor, log=log, body="  Bra jobbat med sökningen!  ")

    assert comment.body == "Bra jobbat med sökningen!"
    assert comment.author == supervisor
    assert AuditEntry.objects.filter(action="log.commented", object_id=str(log.pk)).exists()
    email = OutboxEmail.objects.get(key=f"log-comment:{comment.pk}:{trainee.pk}")
    assert email.to == trainee.email
    assert "Bra jobbat med sökningen!" in email.body_text
    assert log.get_absolute_url() in email.body_text
    assert OutboxEmail.objects.count() == 1


def test_comment_email_is_in_the_trainees_language(log, trainee, lab_lead):
    trainee.language = "en"
    trainee.save(update_fields=["language"])

    comment_on_log(actor=lab_lead, log=log, body="Good week.")

    email = OutboxEmail.objects.get()
    assert "commented on your log for week" in email.subject


def test_comment_sent_twice_is_kept_and_emailed_once(log, supervisor):
    first = comment_on_log(actor=supervisor, log=log, body="Titta på blockeringen.")
    second = comment_on_log(actor=supervisor, log=log, body="Titta på blockeringen.")

    assert second == first
    assert LogComment.objects.count() == 1
    assert OutboxEmail.objects.count() == 1


def test_comment_notification_replayed_sends_one_email(log, supervisor):
    comment = comment_on_log(actor=supervisor, log=log, body="Snyggt!")

    notify_trainee_of_comment(comment)
    notify_trainee_of_comment(comment)

    assert OutboxEmail.objects.count() == 1


def test_two_different_comments_send_two_emails(log, supervisor, lab_lead):
    comment_on_log(actor=supervisor, log=log, body="Snyggt!")
    comment_on_log(actor=lab_lead, log=log, body="Håller med.")

    assert LogComment.objects.count() == 2
    assert OutboxEmail.objects.count() == 2


def test_comment_to_an_inactive_trainee_sends_no_email(log, trainee, lab_lead):
    trainee.is_active = False
    trainee.save(update_fields=["is_active"])

    comment_on_log(actor=lab_lead, log=log, body="Sparat för arkivet.")

    assert LogComment.objects.count() == 1
    assert not OutboxEmail.objects.exists()


def test_comment_must_have_text(log, supervisor):
    with pytest.raises(ValidationError) as excinfo:
        comment_on_log(actor=supervisor, log=log, body="   ")

    assert "body" in errors_of(excinfo)
    assert not LogComment.objects.exists()


@pytest.mark.parametrize(
    "who", ["trainee", "other_supervisor", "department_staff", "other_trainee"]
)
def test_comment_is_refused_to_others(log, trainee, other_trainee, department_staff, who):
    actor = {
        "trainee": trainee,
        "other_supervisor": UserFactory(role="supervisor"),
        "department_staff": department_staff,
        "other_trainee": other_trainee,
    }[who]

    with pytest.raises(PermissionDenied):
        comment_on_log(actor=actor, log=log, body="Hej!")

    assert not LogComment.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_supervisor_named_on_the_enrolment_may_comment(trainee, enrolment, department):
    person = UserFactory(role="department_staff", department=department)
    enrolment.supervisors.add(person)
    log = ProgressLogFactory(trainee=trainee, enrolment=enrolment)

    comment_on_log(actor=person, log=log, body="Handledare på arbetsplatsen här.")

    assert LogComment.objects.count() == 1


def test_create_log_ignores_other_trainees_enrolments(db):
    other = EnrolmentFactory()
    trainee = UserFactory(role="trainee")

    with pytest.raises(ValidationError):
        create_log(actor=trainee, data=week_data(week=other.cohort.starts_on))
