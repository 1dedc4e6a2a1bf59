"""The demo's personal-data work (`manage.py load_demo`, `demo.privacy`): a former staff
member erased on request through the privacy service, whose comment on an idea stays
and shows "removed person"; one access request answered, in the audit log; both done
once however often the command runs, and never to a demo login."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from demo import privacy as demo_privacy
from demo.management.commands import load_demo
from demo.personas import LOKALER
from labportal.accounts.models import User
from labportal.core.models import AuditEntry
from privacy.models import Erasure
from prototypes.models import Idea, IdeaComment
from tests.conftest import client_for, english

pytestmark = pytest.mark.django_db

ADMIN = "admin@demo.labportal.se"
RUN_DEMO = Path(__file__).resolve().parents[2] / "scripts" / "run-demo.sh"


@pytest.fixture
def demo(settings):
    # the demo lets admins in without two-factor authentication (scripts/run-demo.sh)
    settings.REQUIRE_MFA_FOR_PRIVILEGED = False
    call_command("load_demo")


def privacy_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "comments": IdeaComment.objects.count(),
        "erasures": Erasure.objects.count(),
        "privacy audit": AuditEntry.objects.filter(action__startswith="privacy.").count(),
    }


def test_demo_former_staff_member_was_erased_and_shows_as_removed_person(demo):
    today = timezone.localdate()
    admin = User.objects.get(email=ADMIN)

    # the comment stays, by an account anonymised through the service, with its reason
    comment = IdeaComment.objects.select_related("author", "idea").get(body=demo_privacy.COMMENT)
    person = comment.author
    assert comment.idea.title == LOKALER
    assert comment.created_at < timezone.now() - datetime.timedelta(days=90)
    assert person.is_removed and not person.is_active
    assert person.full_name == "" and not person.has_usable_password()
    assert not User.objects.filter(email=demo_privacy.FORMER_STAFF_EMAIL).exists()
    erasure = Erasure.objects.get(person=person)
    assert erasure.requested_by == admin
    assert erasure.reason == demo_privacy.erasure_reason(today)
    assert erasure.reason.startswith("Begäran om radering ")
    entry = AuditEntry.objects.get(action="privacy.erased", object_id=str(person.pk))
    assert (entry.actor, entry.details["reason"]) == (admin, erasure.reason)

    # the idea's page shows the comment by "removed person", in the reader's language
    url = reverse("prototypes:detail", args=[comment.idea.pk])
    with translation.override("sv"):
        removed_sv = gettext("removed person")
    for language, removed in (("sv", removed_sv), ("en", "removed person")):
        client = english(admin) if language == "en" else client_for(admin)
        page = client.get(url).content.decode()
        assert f'<html lang="{language}">' in page
        assert demo_privacy.COMMENT in page
        assert removed in page
        assert demo_privacy.FORMER_STAFF_NAME not in page

    # the person erased was no demo login: every demo login still signs in
    logins = {email for email, _name, _role, _dept in load_demo.PEOPLE}
    assert demo_privacy.FORMER_STAFF_EMAIL not in logins
    assert demo_privacy.FORMER_STAFF_EMAIL not in RUN_DEMO.read_text()
    for email in logins:
        user = User.objects.get(email=email)
        assert user.is_active and not user.is_removed
        assert user.check_password(load_demo.DEMO_PASSWORD)


def test_demo_access_request_was_answered_and_is_in_the_audit_log(demo):
    today = timezone.localdate()
    admin = User.objects.get(email=ADMIN)
    subject = User.objects.get(email=demo_privacy.ACCESS_SUBJECT_EMAIL)

    entry = AuditEntry.objects.get(action="privacy.access_request")
    assert entry.actor == admin
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(subject.pk))
    assert entry.details["reason"] == demo_privacy.access_reason(today)
    assert entry.details["email"] == subject.email
    assert entry.details["rows"]["accounts.User"] == 1
    assert entry.details["rows"]["cohorts.Enrolment"] == 1

    response = english(admin).get(reverse("core:audit_list"), {"action": "privacy.access_"})
    assert response.status_code == 200
    assert [row.pk for row in response.context["page"].object_list] == [entry.pk]
    assert demo_privacy.access_reason(today) in response.content.decode()


def test_load_demo_a_second_time_erases_and_answers_nothing_more(demo):
    before = privacy_counts()
    assert before["erasures"] == 1

    call_command("load_demo")

    assert privacy_counts() == before
    assert Idea.objects.filter(title=LOKALER).count() == 1
