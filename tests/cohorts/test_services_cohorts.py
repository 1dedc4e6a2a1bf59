"""The cohort services: creating and editing cohorts (dates, places, version), status
moves through the workflow table, enrolling (capacity, own dates, overlaps refused by
the database and named), changing and leaving enrolments, rotation periods. Every
write is audited and nothing is half-saved."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import translation

from cohorts.models import Cohort, CohortStatus, Enrolment, RotationPeriod
from cohorts.services import cohort_enrolments as enrolments
from cohorts.services.cohorts import (
    change_cohort_status,
    create_cohort,
    day,
    update_cohort,
)
from labportal.core.models import AuditEntry
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory, RotationPeriodFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2031, 2, 3)
END = datetime.date(2031, 8, 29)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def cohort():
    return CohortFactory(name="Omgång Vår", starts_on=START, ends_on=END, capacity=3)


def cohort_data(**changes):
    data = {
        "name": "Omgång Höst",
        "organisation": OrganisationFactory(),
        "served_organisations": [OrganisationFactory(), OrganisationFactory()],
        "starts_on": START,
        "ends_on": END,
        "capacity": 12,
        "lab_lead": None,
        "supervisors": [],
        "education_target_percent": 20,
        "notes": "Två partnerföretag.",
    }
    data.update(changes)
    return data


def data_of(cohort, **changes):
    data = {
        "name": cohort.name,
        "organisation": cohort.organisation,
        "served_organisations": list(cohort.served_organisations.all()),
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "capacity": cohort.capacity,
        "lab_lead": cohort.lab_lead,
        "supervisors": list(cohort.supervisors.all()),
        "education_target_percent": cohort.education_target_percent,
        "notes": cohort.notes,
    }
    data.update(changes)
    return data


def audits(action):
    return AuditEntry.objects.filter(action=action)


def trainee_named(name):
    return UserFactory(role="trainee", full_name=name)


# Cohorts ---------------------------------------------------------------------------------
def test_create_cohort_saves_it_planned_with_its_organisations_and_people(lab_lead):
    supervisor = UserFactory(role="supervisor")
    data = cohort_data(lab_lead=lab_lead, supervisors=[supervisor, lab_lead])

    cohort = create_cohort(actor=lab_lead, data=data)

    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.PLANNED
    assert cohort.lab_lead == lab_lead
    assert set(cohort.served_organisations.all()) == set(data["served_organisations"])
    assert set(cohort.supervisors.all()) == {supervisor, lab_lead}
    assert audits("cohort.created").get().object_id == str(cohort.pk)


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "department_staff"])
def test_create_cohort_is_for_the_lab(request, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        create_cohort(actor=user, data=cohort_data())

    assert not Cohort.objects.filter(name="Omgång Höst").exists()


@pytest.mark.parametrize("ends_on", [START, START - datetime.timedelta(days=1)])
def test_create_cohort_refuses_an_end_on_or_before_the_start(lab_lead, ends_on):
    with pytest.raises(ValidationError) as refused:
        create_cohort(actor=lab_lead, data=cohort_data(ends_on=ends_on))

    message = refused.value.message_dict["ends_on"][0]
    assert day(START) in message and day(ends_on) in message
    assert not Cohort.objects.filter(name="Omgång Höst").exists()


def test_create_cohort_refuses_department_staff_as_supervisor(lab_lead, department_staff):
    with pytest.raises(ValidationError) as refused:
        create_cohort(actor=lab_lead, data=cohort_data(supervisors=[department_staff]))

    assert department_staff.full_name in refused.value.message_dict["supervisors"][0]
    assert not Cohort.objects.exists()


def test_update_cohort_saves_and_raises_the_version(lab_lead, cohort):
    changed = update_cohort(
        actor=lab_lead,
        cohort=cohort,
        data=data_of(cohort, notes="Ny anteckning", capacity=5),
        expected_version=cohort.version,
    )

    cohort.refresh_from_db()
    assert (cohort.notes, cohort.capacity, cohort.version) == ("Ny anteckning", 5, 2)
    assert changed.version == 2
    assert audits("cohort.updated").get().details["fields"] == ["capacity", "notes"]


def test_update_cohort_from_an_old_form_is_refused(lab_lead, cohort):
    with pytest.raises(ValidationError) as refused:
        update_cohort(
            actor=lab_lead,
            cohort=cohort,
            data=data_of(cohort, notes="Ny"),
            expected_version=cohort.version - 1,
        )

    assert refused.value.code == "conflict"
    cohort.refresh_from_db()
    assert (cohort.notes, cohort.version) == ("", 1)


def test_update_cohort_refuses_fewer_places_than_enrolled_and_names_both(lab_lead, cohort):
    EnrolmentFactory.create_batch(3, cohort=cohort)
    EnrolmentFactory(cohort=CohortFactory(), left_early=True)  # another cohort's

    with pytest.raises(ValidationError) as refused:
        update_cohort(
            actor=lab_lead, cohort=cohort, data=data_of(cohort, capacity=2), expected_version=1
        )

    message = refused.value.message_dict["capacity"][0]
    assert "3 trainees are enrolled" in message and "you gave 2" in message
    cohort.refresh_from_db()
    assert cohort.capacity == 3


def test_update_cohort_does_not_count_who_left_early(lab_lead, cohort):
    EnrolmentFactory.create_batch(2, cohort=cohort)
    EnrolmentFactory(cohort=cohort, left_early=True, ends_on=START + datetime.timedelta(days=9))

    update_cohort(
        actor=lab_lead, cohort=cohort, data=data_of(cohort, capacity=2), expected_version=1
    )

    cohort.refresh_from_db()
    assert cohort.capacity == 2


def test_new_cohort_dates_move_the_enrolments_that_followed_them(lab_lead, cohort):
    following = EnrolmentFactory(cohort=cohort)
    late = EnrolmentFactory(cohort=cohort, starts_on=START + datetime.timedelta(days=30))
    new_start, new_end = START + datetime.timedelta(days=7), END + datetime.timedelta(days=14)

    update_cohort(
        actor=lab_lead,
        cohort=cohort,
        data=data_of(cohort, starts_on=new_start, ends_on=new_end),
        expected_version=1,
    )

    following.refresh_from_db()
    late.refresh_from_db()
    assert (following.starts_on, following.ends_on, following.version) == (new_start, new_end, 2)
    assert (late.starts_on, late.ends_on) == (START + datetime.timedelta(days=30), new_end)


def test_new_cohort_dates_that_overlap_a_trainees_next_cohort_are_refused(lab_lead, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    later = CohortFactory(
        name="Omgång Höst",
        starts_on=END + datetime.timedelta(days=10),
        ends_on=END + datetime.timedelta(days=200),
    )
    EnrolmentFactory(cohort=later, trainee=enrolment.trainee)

    with pytest.raises(ValidationError) as refused:
        update_cohort(
            actor=lab_lead,
            cohort=cohort,
            data=data_of(cohort, ends_on=END + datetime.timedelta(days=30)),
            expected_version=1,
        )

    message = " ".join(refused.value.messages)
    assert "Omgång Höst" in message and day(later.starts_on) in message
    cohort.refresh_from_db()
    enrolment.refresh_from_db()
    assert cohort.ends_on == END and enrolment.ends_on == END
    assert not audits("cohort.updated").exists()


def test_status_moves_through_the_table_and_is_audited(lab_lead, cohort):
    change_cohort_status(actor=lab_lead, cohort=cohort, target=CohortStatus.RECRUITING)

    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.RECRUITING
    assert cohort.version == 2
    entry = audits("cohort.status_changed").get()
    assert entry.details == {"source": "planned", "target": "recruiting"}


def test_a_move_the_table_lacks_is_refused_naming_both_statuses(lab_lead, cohort):
    with pytest.raises(ValidationError) as refused:
        change_cohort_status(actor=lab_lead, cohort=cohort, target=CohortStatus.FINISHED)

    assert refused.value.code == "illegal_transition"
    assert "Planned" in refused.value.messages[0] and "Finished" in refused.value.messages[0]
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.PLANNED


def test_a_status_change_from_an_old_page_is_refused(lab_lead, cohort):
    Cohort.objects.filter(pk=cohort.pk).update(status=CohortStatus.RUNNING)

    with pytest.raises(ValidationError) as refused:
        change_cohort_status(
            actor=lab_lead,
            cohort=cohort,
            target=CohortStatus.RECRUITING,
            expected_status=CohortStatus.PLANNED,
        )

    assert refused.value.code == "stale"


def test_status_change_is_for_the_lab(trainee, cohort):
    with pytest.raises(PermissionDenied):
        change_cohort_status(actor=trainee, cohort=cohort, target=CohortStatus.RECRUITING)


# Enrolments ------------------------------------------------------------------------------
def test_enrol_on_the_cohorts_dates_by_default(lab_lead, cohort):
    person = trainee_named("Alva Ek")
    supervisor = UserFactory(role="supervisor")

    enrolment = enrolments.enrol_trainee(
        actor=lab_lead, cohort=cohort, trainee=person, supervisors=[supervisor]
    )

    enrolment.refresh_from_db()
    assert (enrolment.starts_on, enrolment.ends_on) == (START, END)
    assert list(enrolment.supervisors.all()) == [supervisor]
    assert audits("enrolment.created").get().details["trainee"] == person.pk


def test_enrol_with_own_dates_joining_late_and_staying_longer(lab_lead, cohort):
    start, end = START + datetime.timedelta(days=21), END + datetime.timedelta(days=30)

    enrolment = enrolments.enrol_trainee(
        actor=lab_lead,
        cohort=cohort,
        trainee=trainee_named("Bo Ek"),
        starts_on=start,
        ends_on=end,
    )

    assert (enrolment.starts_on, enrolment.ends_on) == (start, end)


def test_an_overlapping_enrolment_is_refused_naming_the_other_cohort(lab_lead, cohort):
    person = trainee_named("Cia Ek")
    other = CohortFactory(
        name="Omgång Sommar",
        starts_on=END - datetime.timedelta(days=40),
        ends_on=END + datetime.timedelta(days=100),
    )
    EnrolmentFactory(cohort=other, trainee=person)

    with pytest.raises(ValidationError) as refused:
        enrolments.enrol_trainee(actor=lab_lead, cohort=cohort, trainee=person)

    message = refused.value.messages[0]
    assert refused.value.code == "overlap"
    assert "Cia Ek" in message and "Omgång Sommar" in message
    assert day(other.starts_on) in message and day(other.ends_on) in message
    assert not cohort.enrolments.exists()
    assert not audits("enrolment.created").exists()


def test_enrolling_someone_already_in_the_cohort_is_refused(lab_lead, cohort):
    first = EnrolmentFactory(cohort=cohort, ends_on=START + datetime.timedelta(days=9))

    with pytest.raises(ValidationError) as refused:
        enrolments.enrol_trainee(
            actor=lab_lead,
            cohort=cohort,
            trainee=first.trainee,
            starts_on=START + datetime.timedelta(days=30),
        )

    assert "already enrolled in Omgång Vår" in refused.value.message_dict["trainee"][0]


def test_enrolling_beyond_the_places_is_refused(lab_lead, cohort):
    EnrolmentFactory.create_batch(3, cohort=cohort)

    with pytest.raises(ValidationError) as refused:
        enrolments.enrol_trainee(actor=lab_lead, cohort=cohort, trainee=trainee_named("Di"))

    assert refused.value.code == "full"
    assert "all 3 places are taken" in refused.value.messages[0]
    assert cohort.enrolments.count() == 3


def test_a_place_left_early_can_be_taken(lab_lead, cohort):
    EnrolmentFactory.create_batch(2, cohort=cohort)
    EnrolmentFactory(cohort=cohort, left_early=True, ends_on=START + datetime.timedelta(days=9))

    enrolments.enrol_trainee(actor=lab_lead, cohort=cohort, trainee=trainee_named("Ea"))

    assert cohort.enrolments.count() == 4


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field", "code"),
    [
        (START - datetime.timedelta(days=1), END, "starts_on", "starts_before_cohort"),
        (END + datetime.timedelta(days=1), None, "starts_on", "starts_after_cohort"),
        (START + datetime.timedelta(days=9), START, "ends_on", "ends_before_start"),
    ],
)
def test_enrolment_dates_outside_the_rules_are_refused(
    lab_lead, cohort, starts_on, ends_on, field, code
):
    with pytest.raises(ValidationError) as refused:
        enrolments.enrol_trainee(
            actor=lab_lead,
            cohort=cohort,
            trainee=trainee_named("Fa"),
            starts_on=starts_on,
            ends_on=ends_on,
        )

    assert field in refused.value.message_dict
    assert refused.value.error_dict[field][0].code == code
    assert not cohort.enrolments.exists()


@pytest.mark.parametrize("person", ["supervisor", "inactive_trainee"])
def test_only_active_trainees_are_enrolled(lab_lead, cohort, person, supervisor):
    who = supervisor if person == "supervisor" else UserFactory(role="trainee", is_active=False)

    with pytest.raises(ValidationError) as refused:
        enrolments.enrol_trainee(actor=lab_lead, cohort=cohort, trainee=who)

    assert "trainee" in refused.value.message_dict


def test_a_finished_cohort_takes_no_new_trainees(lab_lead, cohort):
    Cohort.objects.filter(pk=cohort.pk).update(status=CohortStatus.FINISHED)

    with pytest.raises(ValidationError) as refused:
        enrolments.enrol_trainee(actor=lab_lead, cohort=cohort, trainee=trainee_named("Ga"))

    assert refused.value.code == "finished"


def test_enrolling_is_for_the_lab(supervisor, cohort):
    with pytest.raises(PermissionDenied):
        enrolments.enrol_trainee(actor=supervisor, cohort=cohort, trainee=trainee_named("Ha"))


def test_update_enrolment_changes_dates_and_supervisors(lab_lead, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    supervisor = UserFactory(role="supervisor")
    end = END + datetime.timedelta(days=30)

    enrolments.update_enrolment(
        actor=lab_lead,
        enrolment=enrolment,
        starts_on=START,
        ends_on=end,
        supervisors=[supervisor],
        expected_version=1,
    )

    enrolment.refresh_from_db()
    assert (enrolment.ends_on, enrolment.version) == (end, 2)
    assert list(enrolment.supervisors.all()) == [supervisor]
    assert audits("enrolment.updated").exists()


def test_update_enrolment_from_an_old_form_is_refused(lab_lead, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)

    with pytest.raises(ValidationError) as refused:
        enrolments.update_enrolment(
            actor=lab_lead,
            enrolment=enrolment,
            starts_on=START,
            ends_on=END - datetime.timedelta(days=5),
            supervisors=[],
            expected_version=0,
        )

    assert refused.value.code == "conflict"


def test_update_enrolment_that_would_leave_a_rotation_outside_is_refused(lab_lead, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    rotation = RotationPeriodFactory(
        enrolment=enrolment,
        organisation=OrganisationFactory(name="Lilla kommun", kind="municipality"),
        starts_on=END - datetime.timedelta(days=20),
        ends_on=END - datetime.timedelta(days=5),
    )

    with pytest.raises(ValidationError) as refused:
        enrolments.update_enrolment(
            actor=lab_lead,
            enrolment=enrolment,
            starts_on=START,
            ends_on=END - datetime.timedelta(days=10),
            supervisors=[],
            expected_version=1,
        )

    assert "Lilla kommun" in refused.value.messages[0]
    assert day(rotation.starts_on) in refused.value.messages[0]
    enrolment.refresh_from_db()
    assert enrolment.ends_on == END


def test_update_enrolment_into_an_overlap_is_refused_naming_it(lab_lead, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    later = CohortFactory(
        name="Omgång Höst", starts_on=END + datetime.timedelta(days=1), ends_on=END.replace(2032)
    )
    EnrolmentFactory(cohort=later, trainee=enrolment.trainee)

    with pytest.raises(ValidationError) as refused:
        enrolments.update_enrolment(
            actor=lab_lead,
            enrolment=enrolment,
            starts_on=START,
            ends_on=END + datetime.timedelta(days=20),
            supervisors=[],
            expected_version=1,
        )

    assert "Omgång Höst" in refused.value.messages[0]
    enrolment.refresh_from_db()
    assert (enrolment.ends_on, enrolment.version) == (END, 1)


def test_leaving_early_ends_the_enrolment_and_cuts_its_rotations(lab_lead, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    spanning = RotationPeriodFactory(
        enrolment=enrolment,
        starts_on=START + datetime.timedelta(days=50),
        ends_on=START + datetime.timedelta(days=80),
    )
    after = RotationPeriodFactory(
        enrolment=enrolment,
        starts_on=START + datetime.timedelta(days=100),
        ends_on=START + datetime.timedelta(days=120),
    )
    left_on = START + datetime.timedelta(days=60)

    enrolments.record_early_leave(
        actor=lab_lead,
        enrolment=enrolment,
        left_on=left_on,
        reason="  Fick jobb på ett IT-företag.  ",
        expected_version=1,
    )

    enrolment.refresh_from_db()
    assert (enrolment.ends_on, enrolment.left_early) == (left_on, True)
    assert enrolment.leave_reason == "Fick jobb på ett IT-företag."
    spanning.refresh_from_db()
    assert spanning.ends_on == left_on
    assert not RotationPeriod.objects.filter(pk=after.pk).exists()
    entry = audits("enrolment.left_early").get()
    assert entry.details["rotations_removed"] == [after.pk]
    assert entry.details["rotations_cut"] == [spanning.pk]


@pytest.mark.parametrize(
    ("left_on", "reason", "field"),
    [
        (START + datetime.timedelta(days=9), "  ", "reason"),
        (START - datetime.timedelta(days=1), "Flyttade", "left_on"),
        (END, "Flyttade", "left_on"),
    ],
)
def test_leaving_early_needs_a_reason_and_a_day_within(lab_lead, cohort, left_on, reason, field):
    enrolment = EnrolmentFactory(cohort=cohort)

    with pytest.raises(ValidationError) as refused:
        enrolments.record_early_leave(
            actor=lab_lead, enrolment=enrolment, left_on=left_on, reason=reason, expected_version=1
        )

    assert field in refused.value.message_dict
    enrolment.refresh_from_db()
    assert (enrolment.ends_on, enrolment.left_early) == (END, False)


def test_leaving_twice_is_refused(lab_lead, cohort):
    enrolment = EnrolmentFactory(
        cohort=cohort, left_early=True, ends_on=START + datetime.timedelta(days=30)
    )

    with pytest.raises(ValidationError) as refused:
        enrolments.record_early_leave(
            actor=lab_lead,
            enrolment=enrolment,
            left_on=START + datetime.timedelta(days=10),
            reason="Igen",
            expected_version=1,
        )

    assert refused.value.code == "already_left"


# Rotation periods ----------------------------------------------------------------------------
def test_add_rotation_within_the_enrolment(lab_lead, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    partner = OrganisationFactory(name="Partner AB", kind="partner")
    start = START + datetime.timedelta(days=30)

    rotation = enrolments.add_rotation(
        actor=lab_lead,
        enrolment=enrolment,
        organisation=partner,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=27),
        note=" Fyra veckor ",
    )

    assert (rotation.organisation, rotation.note) == (partner, "Fyra veckor")
    assert audits("rotation.created").get().details["enrolment"] == enrolment.pk


def test_a_rotation_outside_the_enrolment_is_refused(lab_lead, cohort):
    enrolment = EnrolmentFactory(cohort=cohort, starts_on=START + datetime.timedelta(days=30))

    with pytest.raises(ValidationError) as refused:
        enrolments.add_rotation(
            actor=lab_lead,
            enrolment=enrolment,
            organisation=OrganisationFactory(kind="partner"),
            starts_on=START,
            ends_on=START + datetime.timedelta(days=40),
        )

    assert refused.value.code == "outside_enrolment"
    assert day(enrolment.starts_on) in refused.value.messages[0]
    assert not RotationPeriod.objects.exists()


def test_an_overlapping_rotation_is_refused_naming_the_other(lab_lead, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    first = RotationPeriodFactory(
        enrolment=enrolment, organisation=OrganisationFactory(name="Första AB", kind="partner")
    )

    with pytest.raises(ValidationError) as refused:
        enrolments.add_rotation(
            actor=lab_lead,
            enrolment=enrolment,
            organisation=OrganisationFactory(kind="municipality"),
            starts_on=first.ends_on,
            ends_on=first.ends_on + datetime.timedelta(days=10),
        )

    message = refused.value.messages[0]
    assert "Första AB" in message and day(first.starts_on) in message
    assert enrolment.rotations.count() == 1
    assert not audits("rotation.created").exists()


def test_a_rotation_at_a_region_is_refused(lab_lead, cohort):
    enrolment = EnrolmentFactory(cohort=cohort)

    with pytest.raises(ValidationError) as refused:
        enrolments.add_rotation(
            actor=lab_lead,
            enrolment=enrolment,
            organisation=OrganisationFactory(kind="region"),
            starts_on=START,
            ends_on=START + datetime.timedelta(days=9),
        )

    assert "organisation" in refused.value.message_dict


def test_remove_rotation_is_audited_and_idempotent(lab_lead, cohort):
    rotation = RotationPeriodFactory(enrolment=EnrolmentFactory(cohort=cohort))

    enrolments.remove_rotation(actor=lab_lead, rotation=rotation)
    enrolments.remove_rotation(actor=lab_lead, rotation=rotation)

    assert not RotationPeriod.objects.exists()
    assert audits("rotation.removed").count() == 1


def test_rotations_are_for_the_lab(trainee, cohort):
    rotation = RotationPeriodFactory(enrolment=EnrolmentFactory(cohort=cohort))

    with pytest.raises(PermissionDenied):
        enrolments.remove_rotation(actor=trainee, rotation=rotation)

    assert RotationPeriod.objects.exists()


# Two leads at the same moment (two connections) --------------------------------------------
def _race(first, second):
    """Run `first` in a thread that holds its transaction open until `second` (in this
    thread) has started and is waiting on the database; return `second`'s outcome."""
    started = threading.Event()
    errors = []

    def hold():
        try:
            with transaction.atomic():
                first()
                started.set()
                threading.Event().wait(1.0)  # `second` now waits on our row or index entry
        except Exception as error:
            errors.append(error)
            started.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    started.wait(10)
    try:
        second()
        outcome = None
    except ValidationError as error:
        outcome = error
    thread.join(10)
    assert not errors
    return outcome


@pytest.mark.django_db(transaction=True)
def test_two_leads_enrolling_one_trainee_in_overlapping_cohorts_at_once(lab_lead, admin):
    spring = CohortFactory(name="Omgång Vår", starts_on=START, ends_on=END)
    summer = CohortFactory(name="Omgång Sommar", starts_on=END - datetime.timedelta(days=30))
    person = trainee_named("Ida Ek")

    refused = _race(
        lambda: enrolments.enrol_trainee(actor=lab_lead, cohort=spring, trainee=person),
        lambda: enrolments.enrol_trainee(actor=admin, cohort=summer, trainee=person),
    )

    assert refused is not None and refused.code == "overlap"
    assert "Omgång Vår" in refused.messages[0]
    assert list(Enrolment.objects.values_list("cohort__name", flat=True)) == ["Omgång Vår"]


@pytest.mark.django_db(transaction=True)
def test_two_leads_taking_the_last_place_at_once(lab_lead, admin):
    cohort = CohortFactory(starts_on=START, ends_on=END, capacity=1)

    refused = _race(
        lambda: enrolments.enrol_trainee(
            actor=lab_lead, cohort=cohort, trainee=trainee_named("Jan")
        ),
        lambda: enrolments.enrol_trainee(actor=admin, cohort=cohort, trainee=trainee_named("Kim")),
    )

    assert refused is not None and refused.code == "full"
    assert cohort.enrolments.count() == 1
