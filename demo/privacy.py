"""The demo's personal-data work, as the administrator does it on the Personal data
pages, through the privacy services.

A former lokalsamordnare of the technical department, who commented on the premises
overview while it was being built and has since left the municipality, asked to be
erased: the administrator erased him on request. His comment stays on the idea (a
public record) and shows "removed person" as its author. And a former trainee of
Omgång 0 asked what the lab holds about her: the administrator answered the request,
so the audit log shows one access request with its reason.

Safe to run again: the erasure is skipped when the comment exists, the access request
when the audit log has one about the former trainee.
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings

from demo.personas import LOKALER
from demo.timing import at
from labportal.accounts.models import Role, User
from labportal.core.models import AuditEntry
from privacy.access_request import PersonalDataReport, answer_access_request, find_subject
from privacy.erasure import erase_on_request
from prototypes.models import Idea, IdeaComment
from prototypes.services.comments import add_comment

# Not a demo login (scripts/run-demo.sh): his account is anonymised below.
FORMER_STAFF_EMAIL = "kent.lokal@demokommunen.example"
FORMER_STAFF_NAME = "Kent Lokalsamordnare"
COMMENT = (
    "Föreningarna bokar mest kvällar och helger. Kan översikten visa de tiderna först? "
    "Det är dem vi får flest frågor om."
)
COMMENTED_DAYS_AGO = 100
ERASURE_REQUESTED_DAYS_AGO = 6
ERASURE_CASE = 412

ACCESS_SUBJECT_EMAIL = "trainee9@demo.labportal.se"  # Ida, of the finished Omgång 0
ACCESS_REQUESTED_DAYS_AGO = 9
ACCESS_CASE = 388


def erasure_reason(today: datetime.date) -> str:
    day = today - datetime.timedelta(days=ERASURE_REQUESTED_DAYS_AGO)
    return f"Begäran om radering {day:%Y-%m-%d}, dnr KS {day.year}/{ERASURE_CASE}"


def access_reason(today: datetime.date) -> str:
    day = today - datetime.timedelta(days=ACCESS_REQUESTED_DAYS_AGO)
    return f"Begäran om registerutdrag {day:%Y-%m-%d}, dnr KS {day.year}/{ACCESS_CASE}"


def load_privacy(*, admin: User, today: datetime.date) -> None:
    """The erasure and the access request of the module; the ideas are loaded first."""
    _erase_former_staff(admin=admin, today=today)
    _answer_access_request(admin=admin, today=today)


def _erase_former_staff(*, admin: User, today: datetime.date) -> None:
    if IdeaComment.objects.filter(body=COMMENT).exists():
        return
    idea = Idea.objects.select_related("department__organisation").filter(title=LOKALER).first()
    if idea is None:  # pragma: no cover - the command loads the ideas first
        return
    # His account, made as the command makes every demo account; never signed in with.
    former = User.objects.create_user(
        FORMER_STAFF_EMAIL,
        None,
        full_name=FORMER_STAFF_NAME,
        role=Role.DEPARTMENT_STAFF,
        department=idea.department,
        organisation=idea.department.organisation,
        language=settings.LANGUAGE_CODE,
    )
    EmailAddress.objects.create(user=former, email=former.email, primary=True, verified=True)
    comment = add_comment(actor=former, idea=idea, body=COMMENT)
    commented = at(today - datetime.timedelta(days=COMMENTED_DAYS_AGO), 13, 40)
    IdeaComment.objects.filter(pk=comment.pk).update(created_at=commented)
    erase_on_request(former, actor=admin, reason=erasure_reason(today))


def _answer_access_request(*, admin: User, today: datetime.date) -> None:
    subject = find_subject(ACCESS_SUBJECT_EMAIL)
    if subject is None or subject.anchor is None:  # pragma: no cover - Omgång 0 loads first
        return
    anchor = subject.anchor
    answered = AuditEntry.objects.filter(
        action="privacy.access_request",
        object_type=anchor._meta.label_lower,
        object_id=str(anchor.pk),
    )
    if answered.exists():
        return

    def send(report: PersonalDataReport) -> None:
        """The ZIP went to her by a secure channel; the demo keeps no copy."""

    answer_access_request(actor=admin, subject=subject, reason=access_reason(today), write=send)
