import datetime

import factory
from django.utils import timezone

from cohorts.models import (
    Applicant,
    ApplicantSkill,
    Assignment,
    Cohort,
    CohortStatus,
    Enrolment,
    RotationPeriod,
)
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.core.factories import SkillFactory
from tests.prototypes.factories import IdeaFactory


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Omgång {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    starts_on = factory.LazyFunction(datetime.date.today)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=180))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    trainee = factory.SubFactory(UserFactory, role="trainee")
    starts_on = factory.LazyAttribute(lambda o: o.cohort.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.cohort.ends_on)


class RotationPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotationPeriod

    enrolment = factory.SubFactory(EnrolmentFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind="partner")
    starts_on = factory.LazyAttribute(lambda o: o.enrolment.starts_on + datetime.timedelta(days=60))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=27))


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    cohort = factory.SubFactory(CohortFactory, status=CohortStatus.RECRUITING)
    full_name = factory.Sequence(lambda n: f"Sökande {n}")
    email = factory.Sequence(lambda n: f"sokande{n}@example.se")
    background = "Gymnasieexamen, teknikprogrammet."
    wants_to_work_with = "Webbutveckling."
    consent_text = "Jag samtycker."
    consented_at = factory.LazyFunction(timezone.now)


class ApplicantSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantSkill

    applicant = factory.SubFactory(ApplicantFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 2


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    idea = factory.SubFactory(IdeaFactory, status="planned")
    cohort = factory.SubFactory(CohortFactory)
    starts_on = factory.LazyAttribute(lambda o: o.cohort.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=55))


# Recruitment ------------------------------------------------------------------------------
class ApplicantEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.ApplicantEvent"

    applicant = factory.SubFactory(ApplicantFactory)
    from_status = "new"
    to_status = "shortlisted"
    note = "Bra ansökan."


def application_answers(**overrides):
    """What an applicant writes on the public form (`cohorts.services.recruitment.Answers`)."""
    from cohorts.services.recruitment import Answers

    values = {
        "full_name": "Amira Haddad",
        "email": "amira.haddad@example.se",
        "phone": "070-123 45 67",
        "language": "sv",
        "background": "Systemvetenskap, 180 hp, Linnéuniversitetet.",
        "work_experience": "Supporttekniker 2019-2022.",
        "languages": "Svenska, arabiska, engelska",
        "wants_to_work_with": "Webbutveckling och tillgänglighet.",
    }
    return Answers(**{**values, **overrides})


# Planning (board, matching, assignments) ---------------------------------------------------
class AssignmentMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment.members.through

    assignment = factory.SubFactory(AssignmentFactory)
    enrolment = factory.SubFactory(
        EnrolmentFactory, cohort=factory.SelfAttribute("..assignment.cohort")
    )


class PlannableIdeaFactory(IdeaFactory):
    """An idea in the backlog: accepted, assessed and ready to plan."""

    status = "accepted"
    ready_to_plan = True
    size_weeks = 8
    decided_at = factory.LazyFunction(timezone.now)
