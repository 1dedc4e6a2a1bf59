import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F

from prototypes.models import Idea, IdeaEvent, IdeaStatus
from tests.accounts.factories import UserFactory
from tests.prototypes.factories import IdeaFactory


@pytest.fixture
def ideas(department, department_staff):
    """Ideas of the persona's department and of another one, in several statuses."""
    colleague = UserFactory(role="department_staff", department=department)
    return {
        "submitted": IdeaFactory(department=department, submitted_by=department_staff),
        "accepted": IdeaFactory(
            department=department, submitted_by=colleague, status=IdeaStatus.ACCEPTED
        ),
        "archived": IdeaFactory(
            department=department, submitted_by=colleague, status=IdeaStatus.ARCHIVED
        ),
        "own_draft": IdeaFactory(
            department=department, submitted_by=department_staff, status=IdeaStatus.DRAFT
        ),
        "colleagues_draft": IdeaFactory(
            department=department, submitted_by=colleague, status=IdeaStatus.DRAFT
        ),
        "other_department": IdeaFactory(status=IdeaStatus.NEEDS_INFORMATION),
        "other_department_draft": IdeaFactory(status=IdeaStatus.DRAFT),
    }


def visible(user):
    return set(Idea.objects.visible_to(user))


@pytest.mark.parametrize("persona", ["admin", "lab_lead"])
def test_idea_visible_to_lab_is_every_idea_except_drafts(request, ideas, persona):
    user = request.getfixturevalue(persona)
    assert visible(user) == {
        ideas["submitted"],
        ideas["accepted"],
        ideas["archived"],
        ideas["other_department"],
    }


def test_idea_visible_to_department_staff_is_own_department_and_own_drafts(ideas, department_staff):
    assert visible(department_staff) == {
        ideas["submitted"],
        ideas["accepted"],
        ideas["archived"],
        ideas["own_draft"],
    }


def test_idea_visible_to_department_staff_excludes_a_colleagues_draft(ideas, department_staff):
    assert ideas["colleagues_draft"] not in visible(department_staff)
    assert ideas["colleagues_draft"] in visible(ideas["colleagues_draft"].submitted_by)


def test_idea_visible_to_author_only_when_archived_without_ever_being_submitted(
    department, department_staff, lab_lead, admin
):
    colleague = UserFactory(role="department_staff", department=department)
    archived_draft = IdeaFactory(
        department=department,
        submitted_by=department_staff,
        status=IdeaStatus.ARCHIVED,
        submitted_at=None,
    )
    assert archived_draft in visible(department_staff)
    assert archived_draft not in visible(colleague)
    assert archived_draft not in visible(lab_lead)
    assert archived_draft not in visible(admin)


def test_idea_visible_to_outsider_is_none_of_another_departments_ideas(ideas, outsider):
    assert visible(outsider) == set()


def test_idea_visible_to_outsider_includes_their_own_departments_ideas(ideas, outsider):
    # The same rule seen from the other side: an outsider is somebody's insider.
    theirs = IdeaFactory(department=outsider.department)
    assert visible(outsider) == {theirs}


def test_idea_visible_to_trainee_is_none(ideas, trainee):
    assert visible(trainee) == set()


@pytest.mark.parametrize("persona", ["admin", "lab_lead", "department_staff"])
def test_idea_visible_to_inactive_user_is_none(request, ideas, persona):
    user = request.getfixturevalue(persona)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert visible(user) == set()


def test_idea_visible_to_anonymous_is_none(ideas):
    assert visible(AnonymousUser()) == set()


def test_idea_waiting_for_triage_is_only_submitted_ideas(ideas):
    assert set(Idea.objects.waiting_for_triage()) == {ideas["submitted"]}


def test_idea_is_accepted_for_accepted_statuses_only():
    accepted = {status for status in IdeaStatus if Idea(status=status).is_accepted}
    assert accepted == {
        IdeaStatus.ACCEPTED,
        IdeaStatus.PLANNED,
        IdeaStatus.IN_PROGRESS,
        IdeaStatus.DELIVERED,
        IdeaStatus.EVALUATED,
    }


@pytest.mark.parametrize(
    ("prop", "status"),
    [
        ("is_draft", IdeaStatus.DRAFT),
        ("is_waiting_for_triage", IdeaStatus.SUBMITTED),
        ("is_waiting_for_answer", IdeaStatus.NEEDS_INFORMATION),
        ("is_declined", IdeaStatus.DECLINED),
        ("is_delivered", IdeaStatus.DELIVERED),
        ("is_archived", IdeaStatus.ARCHIVED),
    ],
)
def test_idea_status_properties_hold_for_their_status_only(prop, status):
    assert {s for s in IdeaStatus if getattr(Idea(status=s), prop)} == {status}


def test_idea_event_is_receipt_only_for_the_submission_of_a_draft():
    def event(source, target):
        return IdeaEvent(from_status=source, to_status=target)

    assert event(IdeaStatus.DRAFT, IdeaStatus.SUBMITTED).is_receipt
    assert not event(IdeaStatus.NEEDS_INFORMATION, IdeaStatus.SUBMITTED).is_receipt
    assert not event(IdeaStatus.DRAFT, IdeaStatus.ARCHIVED).is_receipt
    assert event(IdeaStatus.SUBMITTED, IdeaStatus.DECLINED).is_decline
    assert not event(IdeaStatus.SUBMITTED, IdeaStatus.ACCEPTED).is_decline


# Full-text search through the generated search_vector column ----------------------------
def search(text):
    return Idea.objects.filter(
        search_vector=SearchQuery(text, config="swedish", search_type="websearch")
    )


@pytest.fixture
def handwritten(db):
    return IdeaFactory(
        title="Digitala blanketter",
        problem="Vi skriver ansökningar för hand",
        improvement="Ett formulär på webben.",
    )


@pytest.fixture
def unrelated(db):
    return IdeaFactory(
        title="Snöröjning",
        problem="Plogbilarna vet inte vilka gator som är röjda.",
        improvement="En karta som visar var plogbilarna har kört.",
    )


@pytest.mark.parametrize(
    "query",
    [
        "ansökningar",  # the word as written
        "ansökning",  # singular indefinite: the Swedish stemmer reduces both to "ansökning"
        "ansökningarna",  # plural definite
        "Ansökningen",  # singular definite, capitalised
    ],
)
def test_idea_search_vector_finds_inflected_swedish_forms(handwritten, unrelated, query):
    assert list(search(query)) == [handwritten]


def test_idea_search_vector_uses_the_swedish_stemmer_not_a_prefix_match(handwritten, unrelated):
    # "ansökan" is a different Swedish word form that the Snowball stemmer does not
    # reduce to "ansökning"; a search for it finds nothing rather than everything.
    assert list(search("ansökan")) == []


def test_idea_search_vector_covers_title_and_other_weighted_fields(handwritten, unrelated):
    assert list(search("blanketten")) == [handwritten]  # title, definite form
    assert list(search("plogbil")) == [unrelated]  # problem and improvement
    assert set(search("ansökningar or plogbilar")) == {handwritten, unrelated}
    assert list(search("ansökningar -blankett")) == []


def test_idea_search_vector_ranks_a_title_match_above_a_body_match(db):
    in_title = IdeaFactory(title="Bygglov på nätet", problem="Det tar lång tid.")
    in_body = IdeaFactory(title="Snabbare handläggning", problem="Bygglov tar lång tid.")
    query = SearchQuery("bygglov", config="swedish", search_type="websearch")
    ranked = list(
        Idea.objects.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank")
    )
    assert ranked == [in_title, in_body]


def test_idea_search_vector_follows_edits_of_the_text(handwritten, unrelated):
    Idea.objects.filter(pk=unrelated.pk).update(
        problem="Fakturor skrivs ut och skannas.", improvement="Fakturor läses in direkt."
    )
    assert list(search("fakturorna")) == [unrelated]
    assert list(search("plogbilar")) == []
