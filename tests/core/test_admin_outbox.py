"""The outgoing emails in the Django admin: read-only, with "Send again" for failed ones."""

from django.urls import reverse

from labportal.core.models import AuditEntry, OutboxEmail, OutboxStatus
from tests.conftest import client_for
from tests.core.factories import OutboxEmailFactory

LINK = "https://labportal.example.se/accounts/invitations/accept/hemlig-token-0123456789/"


def test_admin_sends_failed_emails_again(admin, django_capture_on_commit_callbacks):
    # given: a failed email and one already sent
    failed = OutboxEmailFactory(status=OutboxStatus.FAILED, attempts=8, last_error="550 no")
    sent = OutboxEmailFactory(status=OutboxStatus.SENT)

    # when: the admin picks both and chooses "Send again"
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(admin).post(
            reverse("admin:core_outboxemail_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    # then: the failed one waits to be sent, with a new set of attempts; the other is left
    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (OutboxStatus.PENDING, 0)
    assert OutboxEmail.objects.get(pk=sent.pk).status == OutboxStatus.SENT
    assert AuditEntry.objects.filter(action="outbox.sent_again", object_id=str(failed.pk)).exists()
    assert len(callbacks) == 1
    assert len(list(response.context["messages"])) == 2  # one queued, one left as it is


def test_outbox_rows_are_read_only_in_the_admin(admin):
    email = OutboxEmailFactory(subject="Före", secret_values={"url": LINK})
    client = client_for(admin)
    change_url = reverse("admin:core_outboxemail_change", args=[email.pk])

    page = client.get(change_url)
    assert page.status_code == 200
    assert LINK not in page.content.decode()  # the waiting link is never shown

    client.post(change_url, {"subject": "Efter"})
    assert OutboxEmail.objects.get(pk=email.pk).subject == "Före"
    assert client.get(reverse("admin:core_outboxemail_add")).status_code == 403
    delete_url = reverse("admin:core_outboxemail_delete", args=[email.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert OutboxEmail.objects.filter(pk=email.pk).exists()
