"""Looking at a trainee's full profile is logged when someone other than the trainee
does it, so the trainee can learn who read it; reading one's own profile is not."""

from __future__ import annotations

from django.urls import reverse

from labportal.core.models import AuditEntry
from tests.conftest import client_for


def views_of(trainee) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action="trainee.profile_viewed", object_type="accounts.user", object_id=str(trainee.pk)
        )
    )


def test_a_lab_lead_viewing_a_profile_is_logged(lab_lead, trainee):
    client = client_for(lab_lead)
    url = reverse("trainees:profile", args=[trainee.pk])

    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200

    viewed = views_of(trainee)
    assert len(viewed) == 2  # every view, not only the first
    assert {entry.actor for entry in viewed} == {lab_lead}


def test_an_admin_viewing_a_profile_is_logged(admin, trainee):
    response = client_for(admin).get(reverse("trainees:profile", args=[trainee.pk]))

    assert response.status_code == 200
    assert [entry.actor for entry in views_of(trainee)] == [admin]


def test_the_trainee_viewing_their_own_profile_is_not_logged(trainee):
    response = client_for(trainee).get(reverse("trainees:profile", args=[trainee.pk]))

    assert response.status_code == 200
    assert views_of(trainee) == []


def test_a_refused_view_is_not_logged(supervisor, outsider, other_trainee, trainee):
    # the trainee's own supervisor reads their logs, not their profile
    for viewer in (supervisor, outsider, other_trainee):
        response = client_for(viewer).get(reverse("trainees:profile", args=[trainee.pk]))
        assert response.status_code == 404

    assert views_of(trainee) == []
