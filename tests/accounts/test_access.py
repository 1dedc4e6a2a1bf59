from labportal.accounts.models import Department, Invitation, Organisation, User
from tests.accounts.factories import InvitationFactory, UserFactory


def test_users_visible_to_each_role(personas, outsider):
    colleague = UserFactory(
        role="department_staff", department=personas["department_staff"].department
    )
    everyone = set(User.objects.all())
    assert set(User.objects.visible_to(personas["admin"])) == everyone
    assert set(User.objects.visible_to(personas["lab_lead"])) == everyone
    assert set(User.objects.visible_to(personas["department_staff"])) == {
        personas["department_staff"],
        colleague,
    }
    assert outsider not in User.objects.visible_to(personas["department_staff"])
    assert set(User.objects.visible_to(personas["trainee"])) == {personas["trainee"]}


def test_departments_and_organisations_visible_to_staff_are_their_own(personas, outsider):
    staff = personas["department_staff"]
    assert set(Department.objects.visible_to(staff)) == {staff.department}
    assert set(Organisation.objects.visible_to(staff)) == {staff.organisation}
    assert outsider.department not in Department.objects.visible_to(staff)


def test_lab_lead_does_not_see_admin_invitations(personas):
    admin_invitation = InvitationFactory(role="admin")
    trainee_invitation = InvitationFactory(role="trainee")
    assert set(Invitation.objects.visible_to(personas["lab_lead"])) == {trainee_invitation}
    assert set(Invitation.objects.visible_to(personas["admin"])) == {
        admin_invitation,
        trainee_invitation,
    }
    assert not Invitation.objects.visible_to(personas["department_staff"]).exists()


def test_invisible_person_answers_404(client, personas, outsider):
    from django.urls import reverse

    from tests.conftest import client_for

    # a department staff member may not open the people pages at all: 403 by role
    response = client_for(personas["department_staff"]).get(
        reverse("accounts:user_detail", args=[outsider.pk])
    )
    assert response.status_code == 403
    response = client_for(personas["lab_lead"]).get(reverse("accounts:user_detail", args=[10**9]))
    assert response.status_code == 404
