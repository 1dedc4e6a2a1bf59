"""The link emailed with a shared summary (`cohorts.services.placement.share_summary`):
made, read back and downloaded without an account.

The link is signed with the site's key and names the share and its random token, so
neither the share's number nor a token read from the database opens anything alone.
It serves the summary until the share's `expires_at` (SUMMARY_SHARE_DAYS after it was
sent) while the trainee's account is open. Every download is counted on the share and
audited; an expired, tampered or unknown link serves nothing (`LinkError`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cohorts.models import SummaryShare
from labportal.core.services import record_audit
from trainees.services.summary import render_summary_pdf

SHARE_SALT = "labportal.summary-share"


def share_token(share: SummaryShare) -> str:
    return signing.dumps([share.pk, share.token], salt=SHARE_SALT)


def share_url(share: SummaryShare) -> str:
    return f"{settings.SITE_URL}{reverse('cohorts:shared_summary', args=[share_token(share)])}"


class LinkError(Exception):
    """A summary link that serves nothing: `reason` is "invalid" (tampered, unknown) or
    "expired" (past its days, or the trainee's account is closed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def is_expired(self) -> bool:
        return self.reason == "expired"


def share_of_link(token: str) -> SummaryShare:
    """The share a link names, if it may still be downloaded (else `LinkError`)."""
    try:
        pk, nonce = signing.loads(token, salt=SHARE_SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkError("invalid") from error
    share = None
    if isinstance(pk, int) and isinstance(nonce, str):
        share = SummaryShare.objects.select_related("trainee").filter(pk=pk).first()
    if share is None or not secrets.compare_digest(nonce, share.token):
        raise LinkError("invalid")
    if share.is_expired or not share.trainee.is_active:
        raise LinkError("expired")
    return share


def download_shared_summary(token: str) -> tuple[SummaryShare, bytes]:
    """The summary PDF a valid link names (else `LinkError`), rendered first so that a
    failure counts nothing, then counted in the database (two at once both count) and
    audited; nobody is signed in."""
    share = share_of_link(token)
    pdf = render_summary_pdf(share.trainee, language=share.language)
    with transaction.atomic():
        SummaryShare.objects.filter(pk=share.pk).update(
            downloads=F("downloads") + 1, last_downloaded_at=timezone.now()
        )
        record_audit(
            None,
            "summary_share.downloaded",
            share,
            trainee=share.trainee_id,
            contact=share.contact_id,
            language=share.language,
        )
    return share, pdf
