"""The public application pages (no account) and the lab's screening pages.

The public side: only recruiting cohorts, a form with the vocabulary's skills by
category and the consent text stored exactly as shown; the same thank-you page for a
new application, a repeated one and a robot's; a rate limit per client address; hostile
and huge answers refused with a message and nothing saved, HTML shown as text.

The screening side: the lab only; filtered, searched and sorted lists; the moves the
status table offers, a reason to decline, a refused move keeping the note."""

import datetime
import itertools
import logging
import secrets

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Applicant, ApplicantStatus, CohortStatus
from cohorts.services import recruitment_spam
from cohorts.services.recruitment import consent_text
from labportal.core.models import OutboxEmail, SkillCategory
from tests.cohorts.factories import ApplicantFactory, ApplicantSkillFactory, CohortFactory
from tests.conftest import client_for, english
from tests.core.factories import SkillFactory

pytestmark = pytest.mark.django_db

_addresses = itertools.count(1)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def fresh_address():
    # Random as well as counted: parallel test processes share the cache.
    number = next(_addresses) + secrets.randbelow(2**24)
    address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
    cache.delete(recruitment_spam.submission_key(address))
    return address


@pytest.fixture
def ip():
    """A client address of this test's own, so that rate counts never leak between tests."""
    address = fresh_address()
    yield address
    cache.delete(recruitment_spam.submission_key(address))


@pytest.fixture
def cohort():
    return CohortFactory(status=CohortStatus.RECRUITING, name="Omgång Vår")


def visitor(language="sv"):
    """An anonymous browser asking for `language`."""
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def form_data(cohort, language="sv", **overrides):
    data = {
        "full_name": "Amira Haddad",
        "email": "amira@example.se",
        "phone": "070-123 45 67",
        "language": language,
        "background": "Systemvetenskap, 180 hp.",
        "work_experience": "Supporttekniker.",
        "languages": "Svenska, arabiska",
        "wants_to_work_with": "Webbutveckling.",
        "consent": "on",
        "shown_language": language,
        recruitment_spam.HONEYPOT_FIELD: "",
    }
    data.update(overrides)
    return data


def post(client, cohort, data, ip):
    return client.post(reverse("cohorts:apply", args=[cohort.pk]), data, REMOTE_ADDR=ip)


# The public pages -------------------------------------------------------------------------
def test_apply_list_shows_only_recruiting_cohorts_to_anyone(cohort):
    planned = CohortFactory(status=CohortStatus.PLANNED, name="Omgång Planerad")

    response = visitor().get(reverse("cohorts:apply_list"))

    assert response.status_code == 200
    assert cohort.name in response.content.decode()
    assert planned.name not in response.content.decode()
    assert reverse("cohorts:apply", args=[cohort.pk]) in response.content.decode()


@pytest.mark.parametrize("status", [CohortStatus.PLANNED, CohortStatus.RUNNING, "finished"])
def test_the_form_of_a_cohort_that_does_not_recruit_is_404(status, ip):
    closed = CohortFactory(status=status)

    assert visitor().get(reverse("cohorts:apply", args=[closed.pk])).status_code == 404
    assert post(visitor(), closed, form_data(closed), ip).status_code == 404
    assert not Applicant.objects.exists()


def test_the_form_groups_active_skills_by_category_with_the_four_levels(cohort):
    web = SkillFactory(name_sv="Test-React", name_en="Test-React", category=SkillCategory.WEB)
    retired = SkillFactory(name_sv="Test-Flash", name_en="Test-Flash", is_active=False)

    response = visitor().get(reverse("cohorts:apply", args=[cohort.pk]))

    form = response.context["form"]
    groups = {group.label: [f.name for f in group.fields] for group in form.skill_groups()}
    assert f"skill_{web.pk}" in groups[str(SkillCategory.WEB.label)]
    assert f"skill_{retired.pk}" not in form.fields
    html = response.content.decode()
    assert f'<label class="form-label" for="id_skill_{web.pk}">Test-React</label>' in html
    assert 'name="website"' in html
    assert form.consent_text in html


def test_an_application_is_saved_with_skills_and_the_consent_as_shown(cohort, ip):
    skill = SkillFactory()
    client = visitor("en")
    shown = client.get(reverse("cohorts:apply", args=[cohort.pk])).context["form"].consent_text

    response = post(client, cohort, form_data(cohort, "en", **{f"skill_{skill.pk}": "3"}), ip)

    assert response.status_code == 302
    assert response.url == reverse("cohorts:apply_thanks")
    applicant = Applicant.objects.get()
    assert applicant.consent_text == shown == consent_text(cohort, "en")
    assert cohort.organisation.name in shown
    assert applicant.language == "en"
    assert list(applicant.skills.values_list("skill", "level")) == [(skill.pk, 3)]
    assert OutboxEmail.objects.filter(key=f"application-received:{applicant.pk}").exists()


def test_the_consent_is_stored_in_the_language_it_was_shown_in(cohort, ip):
    post(visitor("en"), cohort, form_data(cohort, language="en", shown_language="sv"), ip)

    assert Applicant.objects.get().consent_text == consent_text(cohort, "sv")


def test_without_consent_nothing_is_saved_and_the_answers_stay(cohort, ip):
    response = post(visitor(), cohort, form_data(cohort, consent=""), ip)

    assert response.status_code == 400
    assert "consent" in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert "Webbutveckling." in response.content.decode()
    assert not Applicant.objects.exists()


def test_the_thank_you_page_is_the_same_for_a_known_address(cohort, ip):
    thanks = reverse("cohorts:apply_thanks")
    first = post(visitor(), cohort, form_data(cohort), ip)
    again = post(visitor(), cohort, form_data(cohort, full_name="Någon annan"), ip)

    assert (first.status_code, first.url) == (302, thanks) == (again.status_code, again.url)
    assert Applicant.objects.count() == 1
    assert Applicant.objects.get().full_name == "Amira Haddad"
    assert OutboxEmail.objects.count() == 1
    page = visitor().get(thanks)
    assert page.status_code == 200
    assert "amira" not in page.content.decode().lower()


def test_a_filled_honeypot_looks_like_success_saves_nothing_and_is_logged(cohort, ip, caplog):
    data = form_data(cohort, **{recruitment_spam.HONEYPOT_FIELD: "https://spam.example"})

    with caplog.at_level(logging.INFO, logger="cohorts.views.recruitment"):
        response = post(visitor(), cohort, data, ip)

    assert (response.status_code, response.url) == (302, reverse("cohorts:apply_thanks"))
    assert not Applicant.objects.exists()
    assert not OutboxEmail.objects.exists()
    assert any("honeypot" in record.getMessage() for record in caplog.records)


def test_over_the_rate_limit_a_friendly_429_and_nothing_saved(cohort, ip, settings):
    settings.APPLICATION_RATE_LIMIT_PER_HOUR = 2
    for number in range(2):
        response = post(visitor(), cohort, form_data(cohort, email=f"p{number}@example.se"), ip)
        assert response.status_code == 302

    refused = post(visitor(), cohort, form_data(cohort, email="p3@example.se"), ip)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert reverse("cohorts:apply", args=[cohort.pk]) in refused.content.decode()
    assert Applicant.objects.count() == 2
    # ... while another address may still apply
    other_address = fresh_address()
    other = post(visitor(), cohort, form_data(cohort, email="p4@example.se"), other_address)
    cache.delete(recruitment_spam.submission_key(other_address))
    assert other.status_code == 302


def test_form_errors_do_not_count_against_the_rate_limit(cohort, ip, settings):
    settings.APPLICATION_RATE_LIMIT_PER_HOUR = 1
    for _ in range(3):
        assert post(visitor(), cohort, form_data(cohort, email="fel"), ip).status_code == 400

    assert post(visitor(), cohort, form_data(cohort), ip).status_code == 302


@pytest.mark.parametrize("field", ["background", "wants_to_work_with", "full_name", "languages"])
def test_a_megabyte_answer_is_refused_with_a_message_and_not_echoed(cohort, ip, field):
    huge = "x" * (1024 * 1024)

    response = post(visitor("en"), cohort, form_data(cohort, "en", **{field: huge}), ip)

    assert response.status_code == 400
    assert "too long" in str(response.context["form"].errors[field])
    assert len(response.content) < 200_000
    assert not Applicant.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("full_name", "Amira\r\nBcc: alla@example.se"), ("phone", "<b>070</b>"), ("email", HOSTILE)],
)
def test_hostile_single_line_answers_are_refused(cohort, ip, field, value):
    response = post(visitor(), cohort, form_data(cohort, **{field: value}), ip)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Applicant.objects.exists()


def test_html_in_the_answers_is_kept_as_text_and_shown_escaped(cohort, ip, lab_lead):
    post(visitor(), cohort, form_data(cohort, background=HOSTILE, full_name="<i>Amira</i>"), ip)
    applicant = Applicant.objects.get()
    assert applicant.background == HOSTILE

    html = client_for(lab_lead).get(applicant.get_absolute_url()).content.decode()

    assert HOSTILE not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<i>Amira</i>" not in html
    listing = client_for(lab_lead).get(reverse("cohorts:applicant_list")).content.decode()
    assert "&lt;i&gt;Amira&lt;/i&gt;" in listing


def test_html_in_a_refused_form_is_shown_escaped(cohort, ip):
    response = post(visitor(), cohort, form_data(cohort, background=HOSTILE, consent=""), ip)

    html = response.content.decode()
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html


# Screening --------------------------------------------------------------------------------
SCREENING = ["cohorts:applicant_list", "cohorts:applicant_detail"]
EXPECTED = {
    "anonymous": "login",
    "admin": 200,
    "lab_lead": 200,
    "trainee": 403,
    "supervisor": 403,
    "department_staff": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", EXPECTED)
@pytest.mark.parametrize("name", SCREENING)
def test_screening_pages_are_for_the_lab(request, persona, name):
    applicant = ApplicantFactory()
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    args = [applicant.pk] if name == "cohorts:applicant_detail" else []

    response = client_for(user).get(reverse(name, args=args))

    if EXPECTED[persona] == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == EXPECTED[persona]


@pytest.mark.parametrize("persona", EXPECTED)
def test_only_the_lab_moves_applicants(request, persona):
    applicant = ApplicantFactory()
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = client_for(user).post(
        reverse("cohorts:applicant_move", args=[applicant.pk]),
        {"target": "shortlisted", "version": applicant.version, "note": ""},
    )

    moved = Applicant.objects.get(pk=applicant.pk).status == "shortlisted"
    if persona in ("admin", "lab_lead"):
        assert response.status_code == 302
        assert moved
    else:
        assert response.status_code in (302, 403)
        assert not moved


def test_an_unknown_applicant_is_404(lab_lead):
    response = client_for(lab_lead).get(reverse("cohorts:applicant_detail", args=[987654]))

    assert response.status_code == 404


def test_the_list_filters_searches_and_sorts(lab_lead):
    spring, autumn = CohortFactory(name="Vår"), CohortFactory(name="Höst")
    anna = ApplicantFactory(cohort=spring, full_name="Anna Berg", email="anna@example.se")
    bo = ApplicantFactory(cohort=autumn, full_name="Bo Ek", status=ApplicantStatus.SHORTLISTED)
    cia = ApplicantFactory(cohort=spring, full_name="Cia Dahl", status=ApplicantStatus.SHORTLISTED)
    client = client_for(lab_lead)
    url = reverse("cohorts:applicant_list")

    def names(query):
        return [a.full_name for a in client.get(url + query).context["page"].object_list]

    assert names("?sort=name") == ["Anna Berg", "Bo Ek", "Cia Dahl"]
    assert names("?sort=newest") == [cia.full_name, bo.full_name, anna.full_name]
    assert names(f"?cohort={spring.pk}&sort=name") == ["Anna Berg", "Cia Dahl"]
    assert names("?status=shortlisted&sort=name") == ["Bo Ek", "Cia Dahl"]
    assert names("?q=anna@example") == ["Anna Berg"]
    assert names("?q=dahl cia") == ["Cia Dahl"]


def test_the_cohort_choice_leaves_out_cohorts_ended_long_ago_unless_asked_for(lab_lead):
    today = timezone.localdate()
    recent = CohortFactory(
        name="Nyss",
        starts_on=today - datetime.timedelta(days=500),
        ends_on=today - datetime.timedelta(days=200),
    )
    old = CohortFactory(
        name="Förr",
        starts_on=today - datetime.timedelta(days=900),
        ends_on=today - datetime.timedelta(days=500),
    )
    ApplicantFactory(cohort=old, full_name="Ola Gammal")
    client = client_for(lab_lead)
    url = reverse("cohorts:applicant_list")

    def choices(query=""):
        form = client.get(url + query).context["filter"].form
        return {label for _value, label in form.fields["cohort"].choices}

    assert recent.name in choices() and old.name not in choices()
    # a link from the old cohort's page still filters by it
    response = client.get(url + f"?cohort={old.pk}")
    assert old.name in choices(f"?cohort={old.pk}")
    assert [a.full_name for a in response.context["page"].object_list] == ["Ola Gammal"]


def test_the_detail_shows_answers_skills_history_and_the_moves_offered(lab_lead):
    applicant = ApplicantFactory(status=ApplicantStatus.SHORTLISTED, phone="070-1")
    ApplicantSkillFactory(applicant=applicant, skill=SkillFactory(name_en="Test-Vue"), level=4)
    client = english(lab_lead)

    response = client.get(applicant.get_absolute_url())

    html = response.content.decode()
    assert applicant.background in html
    assert "Test-Vue" in html
    assert "4. Advanced" in html
    assert [row.move.target for row in response.context["moves"]] == ["interviewed", "declined"]
    assert html.count(f'action="{reverse("cohorts:applicant_move", args=[applicant.pk])}"') == 2


def test_declining_without_a_reason_keeps_nothing_but_the_note_form(lab_lead):
    applicant = ApplicantFactory()
    url = reverse("cohorts:applicant_move", args=[applicant.pk])

    response = client_for(lab_lead).post(
        url, {"target": "declined", "version": applicant.version, "note": ""}
    )

    assert response.status_code == 400
    (row,) = [row for row in response.context["moves"] if row.move.target == "declined"]
    assert "note" in row.form.errors
    assert Applicant.objects.get(pk=applicant.pk).status == "new"


def test_a_stale_move_is_refused_and_the_note_kept(lab_lead, admin):
    applicant = ApplicantFactory()
    seen = applicant.version
    client_for(admin).post(
        reverse("cohorts:applicant_move", args=[applicant.pk]),
        {"target": "shortlisted", "version": seen},
    )

    response = english(lab_lead).post(
        reverse("cohorts:applicant_move", args=[applicant.pk]),
        {"target": "declined", "version": seen, "note": "Saknar erfarenhet av webb."},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else moved this applicant" in html
    assert "Saknar erfarenhet av webb." in html
    assert Applicant.objects.get(pk=applicant.pk).status == "shortlisted"


def test_a_move_the_table_lacks_is_refused_with_a_message(lab_lead):
    applicant = ApplicantFactory()

    response = english(lab_lead).post(
        reverse("cohorts:applicant_move", args=[applicant.pk]),
        {"target": "accepted", "version": applicant.version},
    )

    assert response.status_code == 400
    assert "cannot become" in response.content.decode()
    assert Applicant.objects.get(pk=applicant.pk).status == "new"


def test_accepting_from_the_page_sends_the_invitation(lab_lead):
    applicant = ApplicantFactory(status=ApplicantStatus.OFFERED)

    response = client_for(lab_lead).post(
        reverse("cohorts:applicant_move", args=[applicant.pk]),
        {"target": "accepted", "version": applicant.version, "note": "Välkommen!"},
        follow=True,
    )

    applicant.refresh_from_db()
    assert applicant.status == ApplicantStatus.ACCEPTED
    assert applicant.invitation is not None
    assert OutboxEmail.objects.filter(key=f"invitation:{applicant.invitation.pk}").exists()
    assert response.context["moves"] == []


def test_rate_limit_setting_has_a_default():
    assert settings.APPLICATION_RATE_LIMIT_PER_HOUR >= 1
    assert settings.APPLICANT_RETENTION_MONTHS == 6
