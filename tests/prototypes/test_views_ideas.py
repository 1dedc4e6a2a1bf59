"""The prototype-idea pages through Django's test client, against the real database."""

import datetime
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from labportal.accounts.models import Department
from labportal.core.models import OutboxEmail
from prototypes import flow
from prototypes.models import (
    Evaluation,
    Idea,
    IdeaAttachment,
    IdeaComment,
    IdeaEvent,
    IdeaStatus,
    PrototypeRecord,
)
from prototypes.services import CONTENT_FIELDS, REQUIRED_TO_SUBMIT
from tests.accounts.factories import DepartmentFactory, UserFactory
from tests.conftest import client_for
from tests.core.factories import SkillFactory
from tests.prototypes.factories import (
    PDF_BYTES,
    PNG_BYTES,
    IdeaAttachmentFactory,
    IdeaEventFactory,
    IdeaFactory,
    pdf_upload,
)

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 32
MIB = 1024 * 1024
CONFLICT = "Someone else changed this idea"


def english(user):
    """A signed-in client that sees the English interface (the user's saved language)."""
    user.language = "en"
    user.save(update_fields=["language"])
    return client_for(user)


def new_idea_data(**changes):
    """What a browser sends for a complete idea; empty inputs arrive as empty strings."""
    return {
        "title": "Digitala parkeringstillstånd",
        "problem": "Vi skriver in trehundra pappersblanketter i månaden för hand.",
        "affected_users": "both",
        "affected_description": "Tolv handläggare och tretusen sökande om året.",
        "improvement": "Ett e-formulär som fyller i verksamhetssystemet.",
        "benefit_kind": "time",
        "benefit_size": "3_large",
        "benefit_description": "Ungefär tjugo timmar mindre inmatning i månaden.",
        "urgency": "2_normal",
        "contact_person": "",
        "data_access": "unknown",
        "success_measure": "",
        "result_users": "",
        **changes,
    }


def edit_data(idea, version, **changes):
    """The update form as it comes back from the browser, with `changes` typed in."""
    data = {field: getattr(idea, field) or "" for field in CONTENT_FIELDS}
    return {**data, "version": version, "save": "1", **changes}


def titles(response):
    return [idea.title for idea in response.context["page"].object_list]


def quiet_section(html):
    start = html.index("Departments that have gone quiet")
    return html[start : html.index("</ul>", start)]


# Creating an idea -----------------------------------------------------------------
def test_idea_create_submit_with_pdf_stores_a_submitted_idea_and_its_attachment(
    department_staff,
):
    client = client_for(department_staff)

    response = client.post(
        reverse("prototypes:create"),
        {**new_idea_data(), "attachments": pdf_upload("underlag.pdf"), "submit": "1"},
    )

    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("prototypes:detail", args=[idea.pk])
    assert idea.status == IdeaStatus.SUBMITTED
    assert idea.submitted_at is not None
    assert idea.department == department_staff.department
    assert idea.submitted_by == department_staff
    assert idea.title == "Digitala parkeringstillstånd"
    assert idea.benefit_size == "3_large"
    assert idea.contact_person == department_staff.full_name
    attachment = idea.attachments.get()
    assert attachment.original_name == "underlag.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    assert IdeaEvent.objects.filter(
        idea=idea, from_status=IdeaStatus.DRAFT, to_status=IdeaStatus.SUBMITTED
    ).exists()


def test_idea_create_save_button_keeps_a_draft(department_staff):
    client = client_for(department_staff)

    response = client.post(
        reverse("prototypes:create"),
        {"title": "Bara en början", "urgency": "2_normal", "save": "1"},
    )

    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("prototypes:detail", args=[idea.pk])
    assert idea.status == IdeaStatus.DRAFT
    assert idea.submitted_at is None
    assert not IdeaEvent.objects.filter(idea=idea).exists()


def test_idea_create_complete_idea_with_save_button_is_still_a_draft(department_staff):
    client = client_for(department_staff)

    client.post(reverse("prototypes:create"), {**new_idea_data(), "save": "1"})

    assert Idea.objects.get().status == IdeaStatus.DRAFT


@pytest.mark.parametrize(
    ("upload", "name"),
    [
        (lambda: pdf_upload("stor-bilaga.pdf", size=MIB + 1), "stor-bilaga.pdf"),
        (lambda: SimpleUploadedFile("tool.exe", EXE_BYTES), "tool.exe"),
        (lambda: SimpleUploadedFile("omdopad.pdf", EXE_BYTES), "omdopad.pdf"),
    ],
    ids=["too-large", "wrong-type", "content-does-not-match-name"],
)
def test_idea_create_refused_attachment_keeps_what_the_user_typed(
    settings, department_staff, upload, name
):
    settings.IDEA_ATTACHMENT_MAX_MB = 1
    client = english(department_staff)
    data = new_idea_data(
        title="Felanmälan av gatubelysning",
        problem="Medborgarna ringer växeln om trasiga lampor i parken.",
    )

    response = client.post(
        reverse("prototypes:create"), {**data, "attachments": upload(), "submit": "1"}
    )

    assert response.status_code == 200
    assert not Idea.objects.exists()
    assert not IdeaAttachment.objects.exists()
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert name in html
    assert response.context["form"].errors["attachments"]
    assert name in " ".join(response.context["form"].errors["attachments"])
    assert "Felanmälan av gatubelysning" in html
    assert "Medborgarna ringer växeln om trasiga lampor i parken." in html


def test_idea_create_submit_without_required_answers_shows_errors_and_saves_nothing(
    department_staff,
):
    client = english(department_staff)
    # What the browser sends when only the title is filled in.
    data = {field: "" for field in CONTENT_FIELDS}

    response = client.post(
        reverse("prototypes:create"),
        {**data, "title": "Bara en titel", "urgency": "2_normal", "submit": "1"},
    )

    assert response.status_code == 200
    assert not Idea.objects.exists()
    errors = response.context["form"].errors
    assert set(REQUIRED_TO_SUBMIT[1:]) <= set(errors)
    assert "title" not in errors
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "Bara en titel" in html


def test_idea_create_is_refused_to_the_lab_and_trainees(lab_lead, trainee):
    for user in (lab_lead, trainee):
        response = client_for(user).post(
            reverse("prototypes:create"), {**new_idea_data(), "submit": "1"}
        )
        assert response.status_code == 403
    assert not Idea.objects.exists()


# Editing ------------------------------------------------------------------------------
def test_idea_update_concurrent_edit_keeps_the_first_change_and_tells_the_second(
    department_staff, lab_lead
):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    submitter, lead = english(department_staff), english(lab_lead)
    url = reverse("prototypes:update", args=[idea.pk])
    first_form = submitter.get(url).context["form"]
    second_form = lead.get(url).context["form"]
    version = first_form["version"].value()
    assert second_form["version"].value() == version

    first = submitter.post(url, edit_data(idea, version, title="Ändrad av förvaltningen"))
    second = lead.post(
        url,
        edit_data(idea, version, title="Ändrad av labbet", problem="Labbets egen formulering."),
    )

    assert first.status_code == 302
    assert second.status_code == 200
    html = second.content.decode()
    assert CONFLICT in html
    assert 'id="error-summary"' in html
    assert "Ändrad av labbet" in html
    assert "Labbets egen formulering." in html
    idea.refresh_from_db()
    assert idea.title == "Ändrad av förvaltningen"
    assert idea.problem != "Labbets egen formulering."
    assert idea.version == version + 1


def test_idea_update_with_current_version_saves(department_staff):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    client = client_for(department_staff)
    url = reverse("prototypes:update", args=[idea.pk])
    version = client.get(url).context["form"]["version"].value()

    response = client.post(url, edit_data(idea, version, improvement="Ett bättre formulär."))

    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.improvement == "Ett bättre formulär."
    assert idea.version == version + 1


def test_idea_update_submitting_an_incomplete_draft_keeps_it_a_draft(department_staff):
    draft = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DRAFT,
        improvement="",
    )
    client = client_for(department_staff)
    url = reverse("prototypes:update", args=[draft.pk])
    version = client.get(url).context["form"]["version"].value()
    data = {**edit_data(draft, version, title="Nästan klar"), "submit": "1"}
    del data["save"]

    refused = client.post(url, data)

    draft.refresh_from_db()
    assert refused.status_code == 200
    assert "improvement" in refused.context["form"].errors
    assert draft.status == IdeaStatus.DRAFT
    assert draft.title != "Nästan klar"
    assert draft.version == version  # rolled back: the same form can be sent again

    completed = client.post(url, {**data, "improvement": "Ett e-formulär."})

    draft.refresh_from_db()
    assert completed.status_code == 302
    assert draft.status == IdeaStatus.SUBMITTED
    assert draft.title == "Nästan klar"


def test_idea_update_refused_attachment_keeps_the_edit_unsaved(settings, department_staff):
    settings.IDEA_ATTACHMENT_MAX_MB = 1
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    client = english(department_staff)
    url = reverse("prototypes:update", args=[idea.pk])
    version = client.get(url).context["form"]["version"].value()

    response = client.post(
        url,
        {
            **edit_data(idea, version, problem="En ny beskrivning av problemet."),
            "attachments": pdf_upload("jättestor.pdf", size=MIB + 1),
        },
    )

    idea.refresh_from_db()
    assert response.status_code == 200
    assert "jättestor.pdf" in response.content.decode()
    assert "En ny beskrivning av problemet." in response.content.decode()
    assert idea.problem != "En ny beskrivning av problemet."
    assert not idea.attachments.exists()


def test_idea_update_is_refused_to_the_department_once_accepted(department_staff):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.ACCEPTED,
    )

    response = client_for(department_staff).post(
        reverse("prototypes:update", args=[idea.pk]), edit_data(idea, idea.version, title="Nej")
    )

    idea.refresh_from_db()
    assert response.status_code == 403
    assert idea.title != "Nej"


# The inbox --------------------------------------------------------------------------------
@pytest.fixture
def inbox(department_staff, outsider):
    """Ideas of two departments that differ in every filtered and sorted column."""
    now = timezone.now()
    home, other = department_staff.department, outsider.department
    web, data = SkillFactory(name_en="Web"), SkillFactory(name_en="Data")
    ideas = {
        "parking": IdeaFactory(
            title="Parkeringstillstånd",
            department=home,
            submitted_by=department_staff,
            benefit_size="3_large",
            urgency="1_low",
            submitted_at=now - timedelta(days=40),
        ),
        "library": IdeaFactory(
            title="Bibliotekets bokningar",
            department=home,
            problem="Lokalbokningar görs i en delad kalender.",
            improvement="En bokningssida.",
            benefit_size="1_small",
            urgency="3_high",
            status=IdeaStatus.ACCEPTED,
            submitted_at=now - timedelta(days=10),
        ),
        "snow": IdeaFactory(
            title="Snöröjningskarta",
            department=other,
            submitted_by=outsider,
            problem="Ingen vet var plogbilarna har varit.",
            improvement="En karta i realtid.",
            benefit_size="2_medium",
            urgency="2_normal",
            submitted_at=now - timedelta(days=20),
        ),
    }
    ideas["library"].skills.add(web)
    ideas["snow"].skills.add(web, data)
    IdeaFactory(title="Kollegans utkast", department=home, status=IdeaStatus.DRAFT)
    return {**ideas, "web": web, "data": data, "home": home, "other": other}


def test_idea_list_lab_lead_sees_every_submitted_idea_but_no_drafts(lab_lead, inbox):
    response = client_for(lab_lead).get(reverse("prototypes:list"))

    assert response.status_code == 200
    assert set(titles(response)) == {
        "Parkeringstillstånd",
        "Bibliotekets bokningar",
        "Snöröjningskarta",
    }
    assert "department" in response.context["filter"].form.fields


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "accepted"}, {"library"}),
        ({"status": "submitted"}, {"parking", "snow"}),
        ({"department": "other"}, {"snow"}),
        ({"benefit_size": "3_large"}, {"parking"}),
        ({"urgency": "3_high"}, {"library"}),
        ({"skill": "web"}, {"library", "snow"}),
        ({"skill": "data"}, {"snow"}),
        ({"age": "30"}, {"parking"}),
        ({"age": "7"}, {"parking", "library", "snow"}),
        ({"status": "submitted", "benefit_size": "2_medium"}, {"snow"}),
    ],
)
def test_idea_list_filters_for_the_lab(lab_lead, inbox, params, expected):
    query = {
        key: inbox[value].pk if key in ("department", "skill") else value
        for key, value in params.items()
    }

    response = client_for(lab_lead).get(reverse("prototypes:list"), query)

    assert response.status_code == 200
    assert set(titles(response)) == {inbox[key].title for key in expected}


def test_idea_list_search_finds_inflected_swedish_words(lab_lead, inbox):
    # The Swedish stemmer maps "ansökningarna" and "Ansökningar" (the factory's
    # problem text) to the same stem; the snow idea never mentions applications.
    response = client_for(lab_lead).get(reverse("prototypes:list"), {"q": "ansökningarna"})

    assert response.status_code == 200
    assert titles(response) == ["Parkeringstillstånd"]
    html = response.content.decode()
    assert "Parkeringstillstånd" in html
    assert "Snöröjningskarta" not in html


def test_idea_list_search_finds_the_beginning_of_a_swedish_compound(lab_lead, inbox):
    client = client_for(lab_lead)

    compound = client.get(reverse("prototypes:list"), {"q": "parkering"})
    two_words = client.get(reverse("prototypes:list"), {"q": "snöröjning karta"})

    assert titles(compound) == ["Parkeringstillstånd"]
    assert titles(two_words) == ["Snöröjningskarta"]


def test_idea_list_search_matches_words_of_the_title_and_the_improvement(lab_lead, inbox):
    # Plural forms stem to the singular ("-or" is stripped; the definite "-an" is not).
    client = client_for(lab_lead)

    by_title = client.get(reverse("prototypes:list"), {"q": "snöröjningskartor"})
    by_improvement = client.get(reverse("prototypes:list"), {"q": "bokningssidor"})

    assert titles(by_title) == ["Snöröjningskarta"]
    assert titles(by_improvement) == ["Bibliotekets bokningar"]


@pytest.mark.parametrize(
    "query",
    ['"', "-", "OR", "a & b | !c", "(ansökan", "'; drop table", "ansökan:*", "  "],
)
def test_idea_list_search_accepts_whatever_people_type(lab_lead, inbox, query):
    response = client_for(lab_lead).get(reverse("prototypes:list"), {"q": query})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"age": "abc"}, {"sort": "bogus"}, {"status": "bogus"}, {"skill": "999999"}, {"page": "99"}],
)
def test_idea_list_tolerates_bad_parameters(lab_lead, inbox, params):
    response = client_for(lab_lead).get(reverse("prototypes:list"), params)

    assert response.status_code == 200


def test_idea_list_search_without_match_shows_the_empty_filter_state(lab_lead, inbox):
    response = english(lab_lead).get(reverse("prototypes:list"), {"q": "rymdfärja"})

    assert response.status_code == 200
    assert titles(response) == []
    assert "No idea matches the filter." in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["library", "snow", "parking"]),
        ("newest", ["library", "snow", "parking"]),
        ("oldest", ["parking", "snow", "library"]),
        ("benefit", ["parking", "snow", "library"]),
        ("urgency", ["library", "snow", "parking"]),
        ("title", ["library", "parking", "snow"]),
    ],
)
def test_idea_list_sorts(lab_lead, inbox, sort, expected):
    response = client_for(lab_lead).get(reverse("prototypes:list"), {"sort": sort})

    assert response.status_code == 200
    assert titles(response) == [inbox[key].title for key in expected]


def test_idea_list_sort_by_relevance_puts_a_title_match_first(lab_lead, department):
    body_match = IdeaFactory(
        title="Blanketter på webben",
        department=department,
        problem="Felanmälan av vägskador sker på papper.",
        submitted_at=timezone.now(),
    )
    title_match = IdeaFactory(
        title="Felanmälan av vägskador",
        department=department,
        problem="Medborgarna ringer in.",
        submitted_at=timezone.now() - timedelta(days=30),
    )
    IdeaFactory(title="Något annat", department=department, problem="Helt orelaterat.")

    response = client_for(lab_lead).get(
        reverse("prototypes:list"), {"q": "vägskador", "sort": "relevance"}
    )

    assert titles(response) == [title_match.title, body_match.title]


def test_idea_list_sort_by_relevance_without_search_keeps_a_defined_order(lab_lead, inbox):
    # Without a search there is no rank: the list must still have an explicit order
    # (an unordered, grouped query pages unpredictably).
    response = client_for(lab_lead).get(reverse("prototypes:list"), {"sort": "relevance"})

    assert response.status_code == 200
    assert response.context["page"].paginator.object_list.ordered
    assert titles(response) == [inbox[key].title for key in ("library", "snow", "parking")]


def test_idea_list_department_staff_see_only_their_department_without_department_filter(
    department_staff, inbox
):
    client = client_for(department_staff)

    response = client.get(reverse("prototypes:list"))
    tampered = client.get(reverse("prototypes:list"), {"department": inbox["other"].pk})

    assert response.status_code == 200
    assert set(titles(response)) == {"Parkeringstillstånd", "Bibliotekets bokningar"}
    assert "department" not in response.context["filter"].form.fields
    assert 'name="department"' not in response.content.decode()
    assert "Snöröjningskarta" not in tampered.content.decode()
    assert "Kollegans utkast" not in response.content.decode()


def test_idea_list_department_staff_see_their_own_draft(department_staff):
    IdeaFactory(
        title="Mitt utkast",
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DRAFT,
    )

    response = client_for(department_staff).get(reverse("prototypes:list"))

    assert titles(response) == ["Mitt utkast"]


def test_idea_list_trainee_gets_403(trainee, inbox):
    assert client_for(trainee).get(reverse("prototypes:list")).status_code == 403


# The idea's page and its attachments --------------------------------------------------------
@pytest.fixture
def idea_with_attachment(department_staff):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    attachment = IdeaAttachmentFactory(
        idea=idea,
        file=SimpleUploadedFile("skiss.png", PNG_BYTES),
        original_name="skiss.png",
        content_type="image/png",
        size=len(PNG_BYTES),
    )
    return idea, attachment


@pytest.mark.parametrize("url_name", ["detail", "update", "attachment", "attachment_delete"])
def test_idea_pages_answer_404_to_staff_of_another_department(
    department_staff, outsider, idea_with_attachment, url_name
):
    idea, attachment = idea_with_attachment
    args = [idea.pk, attachment.pk] if url_name.startswith("attachment") else [idea.pk]
    url = reverse(f"prototypes:{url_name}", args=args)

    assert client_for(department_staff).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "target", "status"),
    [
        ("comment", None, 404),
        ("transition", "accepted", 404),
        ("evaluate", None, 404),
        # pages of the lab: refused for the role before any idea is looked up
        ("triage", None, 403),
        ("prototype", None, 403),
    ],
)
def test_idea_writes_are_refused_to_staff_of_another_department(
    outsider, idea_with_attachment, url_name, target, status
):
    idea, _attachment = idea_with_attachment
    args = [idea.pk, target] if target else [idea.pk]
    data = {"body": "Hej", "note": "", "benefit_realised": "5", "adoption": "use"}

    response = client_for(outsider).post(reverse(f"prototypes:{url_name}", args=args), data)

    assert response.status_code == status
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED
    assert not IdeaEvent.objects.filter(idea=idea).exists()
    assert not IdeaComment.objects.exists()


def test_idea_detail_is_403_for_a_trainee_and_404_for_the_lab_on_a_draft(trainee, lab_lead):
    draft = IdeaFactory(status=IdeaStatus.DRAFT)
    submitted = IdeaFactory()

    assert client_for(trainee).get(
        reverse("prototypes:detail", args=[submitted.pk])
    ).status_code == (403)
    assert client_for(lab_lead).get(reverse("prototypes:detail", args=[draft.pk])).status_code == (
        404
    )


def test_idea_detail_of_own_draft_lists_what_is_missing(department_staff):
    draft = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DRAFT,
        problem="",
        benefit_size="",
    )

    response = english(department_staff).get(reverse("prototypes:detail", args=[draft.pk]))

    assert response.status_code == 200
    assert set(response.context["missing"]) == {"problem", "benefit_size"}
    html = response.content.decode()
    assert "This is a draft: only you can see it." in html
    assert "size of the benefit" in html


def test_idea_detail_colleague_sees_a_submitted_idea_but_not_a_draft(department_staff):
    colleague = UserFactory(role="department_staff", department=department_staff.department)
    submitted = IdeaFactory(department=colleague.department, submitted_by=colleague)
    draft = IdeaFactory(
        department=colleague.department, submitted_by=colleague, status=IdeaStatus.DRAFT
    )
    client = client_for(department_staff)

    assert client.get(reverse("prototypes:detail", args=[submitted.pk])).status_code == 200
    assert client.get(reverse("prototypes:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("prototypes:update", args=[draft.pk])).status_code == 404
    assert client_for(colleague).get(reverse("prototypes:detail", args=[draft.pk])).status_code == (
        200
    )


def test_idea_archived_draft_stays_its_authors_own(department_staff, lab_lead):
    colleague = UserFactory(role="department_staff", department=department_staff.department)
    draft = IdeaFactory(
        title="Övergivet utkast",
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DRAFT,
    )
    author = client_for(department_staff)

    archived = author.post(
        reverse("prototypes:transition", args=[draft.pk, "archived"]), {"note": ""}
    )

    draft.refresh_from_db()
    assert archived.status_code == 302
    assert draft.status == IdeaStatus.ARCHIVED
    detail = reverse("prototypes:detail", args=[draft.pk])
    assert author.get(detail).status_code == 200
    for user in (colleague, lab_lead):
        client = client_for(user)
        assert client.get(detail).status_code == 404
        assert "Övergivet utkast" not in client.get(reverse("prototypes:list")).content.decode()


def test_idea_detail_shows_the_idea_its_attachments_and_thread(lab_lead, idea_with_attachment):
    idea, attachment = idea_with_attachment
    IdeaComment.objects.create(idea=idea, author=lab_lead, body="Hur många ärenden?", from_lab=True)

    response = client_for(lab_lead).get(reverse("prototypes:detail", args=[idea.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert idea.title in html
    assert attachment.get_absolute_url() in html
    assert "Hur många ärenden?" in html


def test_attachment_download_returns_the_file_as_an_attachment(
    lab_lead, department_staff, idea_with_attachment
):
    idea, attachment = idea_with_attachment
    url = reverse("prototypes:attachment", args=[idea.pk, attachment.pk])

    for user in (lab_lead, department_staff):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG_BYTES
        assert response["Content-Disposition"].startswith("attachment")
        assert 'filename="skiss.png"' in response["Content-Disposition"]
        assert response["Content-Type"] == "image/png"


def test_attachment_download_of_another_ideas_attachment_is_404(department_staff):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    foreign = IdeaAttachmentFactory()

    url = reverse("prototypes:attachment", args=[idea.pk, foreign.pk])

    assert client_for(department_staff).get(url).status_code == 404


def test_attachment_delete_asks_on_get_and_deletes_on_post(
    department_staff, idea_with_attachment, django_capture_on_commit_callbacks
):
    idea, attachment = idea_with_attachment
    storage, name = attachment.file.storage, attachment.file.name
    client = english(department_staff)
    url = reverse("prototypes:attachment_delete", args=[idea.pk, attachment.pk])

    confirm = client.get(url)

    assert confirm.status_code == 200
    assert "skiss.png" in confirm.content.decode()
    assert 'method="post"' in confirm.content.decode()
    assert IdeaAttachment.objects.filter(pk=attachment.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("prototypes:detail", args=[idea.pk])
    assert not IdeaAttachment.objects.filter(pk=attachment.pk).exists()
    assert not storage.exists(name)


def test_attachment_delete_is_refused_once_the_lab_has_accepted(department_staff):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.ACCEPTED,
    )
    attachment = IdeaAttachmentFactory(idea=idea)
    url = reverse("prototypes:attachment_delete", args=[idea.pk, attachment.pk])

    response = client_for(department_staff).post(url)

    assert response.status_code == 403
    assert IdeaAttachment.objects.filter(pk=attachment.pk).exists()


# The question and answer cycle, and status changes --------------------------------------------
def test_idea_question_answer_and_decline_cycle(department_staff, lab_lead, admin):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    lead, submitter = english(lab_lead), english(department_staff)
    detail = reverse("prototypes:detail", args=[idea.pk])

    # the lab asks
    asked = lead.post(
        reverse("prototypes:comment", args=[idea.pk]),
        {"body": "Hur många ansökningar kommer per månad?", "ask_for_information": "on"},
    )
    idea.refresh_from_db()
    question = IdeaComment.objects.get(idea=idea)
    assert asked.status_code == 302
    assert asked.url.startswith(detail)
    assert idea.status == IdeaStatus.NEEDS_INFORMATION
    assert question.from_lab
    emails = OutboxEmail.objects.all()
    assert [(email.key, email.to) for email in emails] == [
        (f"idea-comment:{question.pk}:{department_staff.pk}", department_staff.email)
    ]

    # the department answers
    answered = submitter.post(
        reverse("prototypes:comment", args=[idea.pk]), {"body": "Ungefär trehundra."}
    )
    idea.refresh_from_db()
    answer = IdeaComment.objects.exclude(pk=question.pk).get()
    assert answered.status_code == 302
    assert idea.status == IdeaStatus.SUBMITTED
    assert not answer.from_lab
    answer_emails = OutboxEmail.objects.filter(key__startswith=f"idea-comment:{answer.pk}:")
    assert [email.to for email in answer_emails] == [lab_lead.email]

    # the lab declines: a reason is required
    transition = reverse("prototypes:transition", args=[idea.pk, "declined"])
    assert lead.get(transition).status_code == 200
    without_note = lead.post(transition, {"note": "  "})
    idea.refresh_from_db()
    assert without_note.status_code == 200
    assert without_note.context["form"].errors["note"]
    assert 'id="error-summary"' in without_note.content.decode()
    assert idea.status == IdeaStatus.SUBMITTED

    declined = lead.post(transition, {"note": "Det finns redan en e-tjänst för detta."})
    idea.refresh_from_db()
    assert declined.status_code == 302
    assert declined.url == detail
    assert idea.status == IdeaStatus.DECLINED
    assert idea.decline_reason == "Det finns redan en e-tjänst för detta."
    assert idea.decided_at is not None

    page = submitter.get(detail).content.decode()
    assert "Why the lab declined:" in page
    assert "Det finns redan en e-tjänst för detta." in page


def test_idea_comment_from_the_lab_without_question_keeps_the_status(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).post(
        reverse("prototypes:comment", args=[idea.pk]), {"body": "Tack, vi tittar på den."}
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.status == IdeaStatus.SUBMITTED
    assert OutboxEmail.objects.filter(to=department_staff.email).count() == 1


def test_idea_comment_empty_body_shows_the_page_with_an_error(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).post(
        reverse("prototypes:comment", args=[idea.pk]), {"body": ""}
    )

    assert response.status_code == 400
    assert response.context["comment_form"].errors["body"]
    assert not IdeaComment.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_idea_transition_illegal_target_redirects_with_an_error(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    client = english(lab_lead)

    response = client.get(reverse("prototypes:transition", args=[idea.pk, "delivered"]))
    posted = client.post(
        reverse("prototypes:transition", args=[idea.pk, "delivered"]), {"note": "x"}
    )

    assert response.status_code == 302
    assert response.url == reverse("prototypes:detail", args=[idea.pk])
    assert posted.status_code == 302
    page = client.get(response.url).content.decode()
    assert "cannot become “Delivered”" in page
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED
    assert not IdeaEvent.objects.filter(idea=idea).exists()


def test_idea_transition_submitting_an_incomplete_draft_is_refused_on_the_page(
    department_staff,
):
    draft = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DRAFT,
        benefit_kind="",
    )
    client = english(department_staff)
    url = reverse("prototypes:transition", args=[draft.pk, "submitted"])
    assert client.get(url).status_code == 200

    response = client.post(url, {"note": ""})

    draft.refresh_from_db()
    assert response.status_code == 200
    assert "The idea is not complete yet" in response.content.decode()
    assert draft.status == IdeaStatus.DRAFT


def test_idea_transition_question_by_the_lab_needs_a_note_and_emails_the_submitter(
    department_staff, lab_lead
):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    client = client_for(lab_lead)
    url = reverse("prototypes:transition", args=[idea.pk, "needs_information"])

    refused = client.post(url, {"note": ""})
    asked = client.post(url, {"note": "Vilket system används i dag?"})

    idea.refresh_from_db()
    assert refused.status_code == 200
    assert asked.status_code == 302
    assert idea.status == IdeaStatus.NEEDS_INFORMATION
    assert idea.triaged_at is not None
    assert [email.to for email in OutboxEmail.objects.all()] == [department_staff.email]


def test_idea_transition_unknown_target_is_404(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).get(reverse("prototypes:transition", args=[idea.pk, "nope"]))

    assert response.status_code == 404


def test_idea_transition_accept_by_lab_lead(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).post(
        reverse("prototypes:transition", args=[idea.pk, "accepted"]), {"note": ""}
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.status == IdeaStatus.ACCEPTED
    assert idea.triaged_at is not None
    assert idea.decided_at is not None
    assert OutboxEmail.objects.filter(to=department_staff.email).count() == 1


def test_idea_transition_department_cannot_accept_its_own_idea(department_staff):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(department_staff).post(
        reverse("prototypes:transition", args=[idea.pk, "accepted"]), {"note": ""}
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.status == IdeaStatus.SUBMITTED
    assert not IdeaEvent.objects.filter(idea=idea).exists()


# Triage, prototype record and evaluation -------------------------------------------------------
def test_idea_triage_saves_skills_and_size(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    web, data = SkillFactory(), SkillFactory()
    client = client_for(lab_lead)
    url = reverse("prototypes:triage", args=[idea.pk])
    version = client.get(url).context["form"]["version"].value()

    response = client.post(
        url, {"skills": [web.pk, data.pk], "size_weeks": "6", "version": version}
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert set(idea.skills.all()) == {web, data}
    assert idea.size_weeks == 6
    assert not idea.ready_to_plan
    assert idea.version == version + 1


def test_idea_triage_refuses_ready_to_plan_before_acceptance(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).post(
        reverse("prototypes:triage", args=[idea.pk]),
        {"size_weeks": "6", "ready_to_plan": "on", "version": idea.version},
    )

    # The field is disabled for an idea that is not accepted: the posted value is ignored.
    idea.refresh_from_db()
    assert response.status_code == 302
    assert not idea.ready_to_plan
    assert idea.size_weeks == 6


def test_idea_triage_is_forbidden_to_department_staff(department_staff):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(department_staff).get(reverse("prototypes:triage", args=[idea.pk]))

    assert response.status_code == 403


def test_prototype_record_form_creates_the_record_of_an_accepted_idea(department_staff, lab_lead):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.ACCEPTED,
    )
    client = client_for(lab_lead)
    url = reverse("prototypes:prototype", args=[idea.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "working_title": "Parkeringsappen",
            "repository_url": "https://git.example.se/lab/parkering",
            "demo_url": "",
            "deliverables": "Ett e-formulär och en koppling till ärendesystemet.",
            "handover_notes": "Kontot ägs av IT-avdelningen.",
        },
    )

    assert response.status_code == 302
    record = PrototypeRecord.objects.get(idea=idea)
    assert record.working_title == "Parkeringsappen"
    assert record.repository_url == "https://git.example.se/lab/parkering"
    assert record.handover_notes == "Kontot ägs av IT-avdelningen."


def test_prototype_record_form_is_refused_for_a_submitted_idea(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).post(
        reverse("prototypes:prototype", args=[idea.pk]), {"working_title": "För tidigt"}
    )

    assert response.status_code == 403
    assert not PrototypeRecord.objects.exists()


def test_idea_evaluate_records_the_evaluation_of_a_delivered_idea(department_staff, lab_lead):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DELIVERED,
    )
    client = client_for(department_staff)
    url = reverse("prototypes:evaluate", args=[idea.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"benefit_realised": "4", "adoption": "use", "comments": " Det fungerar bra. "}
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.status == IdeaStatus.EVALUATED
    evaluation = Evaluation.objects.get(idea=idea)
    assert evaluation.benefit_realised == 4
    assert evaluation.adoption == "use"
    assert evaluation.evaluated_by == department_staff
    assert evaluation.comments == "Det fungerar bra."
    assert IdeaEvent.objects.filter(
        idea=idea, from_status=IdeaStatus.DELIVERED, to_status=IdeaStatus.EVALUATED
    ).exists()
    # the lab cannot evaluate on the department's behalf
    assert client_for(lab_lead).get(url).status_code == 403


def test_idea_evaluate_is_refused_before_delivery(department_staff):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.IN_PROGRESS,
    )

    response = client_for(department_staff).post(
        reverse("prototypes:evaluate", args=[idea.pk]),
        {"benefit_realised": "4", "adoption": "use", "comments": ""},
    )

    assert response.status_code == 403
    assert not Evaluation.objects.exists()


# The flow page -------------------------------------------------------------------------------
def test_idea_flow_page_counts_per_department_and_lists_the_quiet_ones(lab_lead):
    busy = DepartmentFactory(name="Stadsbyggnad")
    steady = DepartmentFactory(name="Kultur och fritid")
    quiet = DepartmentFactory(name="Tekniska nämnden")
    now = timezone.now()
    IdeaFactory.create_batch(2, department=busy, submitted_at=now)
    IdeaFactory(department=steady, submitted_at=now)
    IdeaFactory(department=quiet, status=IdeaStatus.DRAFT)  # a draft is no idea yet

    response = english(lab_lead).get(reverse("prototypes:flow"))

    assert response.status_code == 200
    rows = {row.department: row for row in response.context["report"].rows}
    assert rows[busy].counts[-1] == 2
    assert rows[steady].counts[-1] == 1
    assert rows[quiet].counts == [0, 0, 0, 0]
    assert response.context["report"].totals[-1] == 3
    quiet_names = {row.department for row in response.context["report"].quiet}
    assert quiet in quiet_names
    assert not quiet_names & {busy, steady}
    html = response.content.decode()
    section = quiet_section(html)
    assert "Tekniska nämnden" in section
    assert "Stadsbyggnad" not in section
    assert "Kultur och fritid" not in section


def test_idea_flow_page_is_for_the_lab_only(department_staff, trainee):
    for user in (department_staff, trainee):
        assert client_for(user).get(reverse("prototypes:flow")).status_code == 403


def test_idea_flow_median_days_to_first_answer_and_acceptance_rate(lab_lead):
    department = DepartmentFactory()
    other = DepartmentFactory()
    now = timezone.now()

    def idea(days_to_triage=None, decision=None, status=IdeaStatus.SUBMITTED, dept=department):
        submitted_at = now - timedelta(days=10)
        created = IdeaFactory(
            department=dept,
            status=status,
            submitted_at=submitted_at,
            triaged_at=None
            if days_to_triage is None
            else submitted_at + timedelta(days=days_to_triage),
            decided_at=submitted_at + timedelta(days=7) if decision else None,
        )
        if decision:
            IdeaEventFactory(idea=created, from_status=IdeaStatus.SUBMITTED, to_status=decision)
        return created

    idea(days_to_triage=1, decision=IdeaStatus.ACCEPTED, status=IdeaStatus.ACCEPTED)
    idea(days_to_triage=2, decision=IdeaStatus.DECLINED, status=IdeaStatus.DECLINED)
    # accepted, later archived: still an accepted idea
    idea(days_to_triage=6, decision=IdeaStatus.ACCEPTED, status=IdeaStatus.ARCHIVED)
    idea()  # waiting: not answered, not decided
    idea(days_to_triage=3, dept=other)
    # submitted before the quarters shown: not counted
    IdeaFactory(department=department, submitted_at=now - timedelta(days=800))

    report = flow.idea_flow(
        Idea.objects.visible_to(lab_lead),
        Department.objects.filter(pk__in=[department.pk, other.pk]),
        quarters=flow.quarters_back(4),
    )

    rows = {row.department: row for row in report.rows}
    row = rows[department]
    assert row.total == 4
    assert sum(row.counts) == 4
    assert row.median_days_to_triage == pytest.approx(2.0)
    assert (row.accepted, row.decided) == (2, 3)
    assert row.acceptance_rate == pytest.approx(2 / 3)
    assert not row.is_quiet
    assert rows[other].total == 1
    assert rows[other].median_days_to_triage == pytest.approx(3.0)
    assert rows[other].decided == 0
    assert rows[other].acceptance_rate is None


def test_idea_flow_counts_ideas_in_their_quarter(lab_lead):
    department = DepartmentFactory()
    quarters = flow.quarters_back(4, today=datetime.date(2025, 5, 15))
    tz = timezone.get_current_timezone()
    for month, day in ((1, 10), (4, 1), (5, 2), (5, 3)):
        IdeaFactory(
            department=department,
            submitted_at=datetime.datetime(2025, month, day, 0, 30, tzinfo=tz),
        )

    report = flow.idea_flow(
        Idea.objects.visible_to(lab_lead),
        Department.objects.filter(pk=department.pk),
        quarters=quarters,
    )

    assert [quarter.label for quarter in quarters] == [
        "2024 Q3",
        "2024 Q4",
        "2025 Q1",
        "2025 Q2",
    ]
    assert report.rows[0].counts == [0, 0, 1, 3]
