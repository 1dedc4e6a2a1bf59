"""The shared pagination (`templates/includes/_pagination.html`) with both kinds of page:
a WindowPage (`paginate_window`), never counted past 1,000, and Django's Page
(`paginate`), counted exactly."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from labportal.core.models import AuditEntry
from tests.accounts.factories import DepartmentFactory, OrganisationFactory, UserFactory
from tests.conftest import english

AUDIT_ROWS = 1060  # 22 pages of 50


def audit_entries(count: int) -> list[AuditEntry]:
    now = timezone.now()
    return AuditEntry.objects.bulk_create(
        AuditEntry(
            action="test.done",
            object_type="accounts.user",
            object_id=str(n),
            created_at=now - timedelta(minutes=n),
        )
        for n in range(count)
    )


def object_ids(response) -> list[str]:
    return [entry.object_id for entry in response.context["page"].object_list]


def test_a_list_past_the_cap_says_more_than_1000(admin):
    audit_entries(AUDIT_ROWS)

    response = english(admin).get(reverse("core:audit_list"))

    html = response.content.decode()
    page = response.context["page"]
    assert (page.total, page.total_is_capped, page.num_pages) == (1000, True, None)
    assert "More than 1,000 matches" in html
    assert '<span class="page-link"> Page 1 </span>' in " ".join(html.split())
    assert "Page 1 of" not in html
    assert 'href="?page=2"' in html
    assert "Previous" not in html


def test_a_list_past_the_cap_shows_page_two(admin):
    audit_entries(AUDIT_ROWS)
    client = english(admin)

    first = client.get(reverse("core:audit_list"))
    second = client.get(reverse("core:audit_list"), {"page": "2", "action": "test."})

    assert second.context["page"].number == 2
    assert object_ids(second) == [str(n) for n in range(50, 100)]
    assert not set(object_ids(first)) & set(object_ids(second))
    html = second.content.decode()
    # The links keep the filter.
    assert 'href="?page=1&amp;action=test."' in html or 'href="?action=test.&amp;page=1"' in html
    assert "More than 1,000 matches" in html


def test_a_bad_page_number_gives_the_first_or_the_last_page(admin):
    audit_entries(AUDIT_ROWS)
    client = english(admin)

    words = client.get(reverse("core:audit_list"), {"page": "abc"})
    negative = client.get(reverse("core:audit_list"), {"page": "-3"})
    past_the_end = client.get(reverse("core:audit_list"), {"page": "9999"})

    assert words.context["page"].number == 1
    assert negative.context["page"].number == 1
    last = past_the_end.context["page"]
    assert (last.number, last.total, last.total_is_capped) == (22, AUDIT_ROWS, False)
    assert object_ids(past_the_end) == [str(n) for n in range(1050, AUDIT_ROWS)]
    html = past_the_end.content.decode()
    assert "Page 22 of 22" in html
    assert "Next" not in html
    assert "1060 matches" in html  # the hidden status, exact


def test_a_list_below_the_cap_counts_its_pages(settings, admin):
    settings.PAGE_SIZE = 2
    UserFactory.create_batch(4, role="trainee")  # five people with the admin

    response = english(admin).get(reverse("accounts:user_list"), {"page": "2"})

    html = response.content.decode()
    assert (response.context["page"].total, response.context["page"].num_pages) == (5, 3)
    assert "Page 2 of 3" in html
    assert "5 matches" in html
    assert "More than" not in html


def test_a_counted_django_page_still_renders(settings, admin):
    settings.PAGE_SIZE = 2
    organisation = OrganisationFactory()
    DepartmentFactory.create_batch(3, organisation=organisation)

    response = english(admin).get(
        reverse("accounts:organisation_detail", args=[organisation.pk]), {"page": "2"}
    )

    html = response.content.decode()
    assert "Page 2 of 2" in html
    assert 'href="?page=1"' in html
