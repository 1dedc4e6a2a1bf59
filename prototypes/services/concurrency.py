"""Two people acting on one idea at once: each write locks the idea's row, judges
rights and status on the locked row, and refuses work based on an outdated page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from prototypes.models import Idea


def lock_idea(idea: Idea) -> Idea:
    """The idea's current row, locked until the transaction ends. Call inside
    `transaction.atomic`; decide with `prototypes.access` on what this returns,
    never on the copy a page was built from."""
    return Idea.objects.select_for_update().get(pk=idea.pk)


def claim_version(locked: Idea, expected_version: int) -> None:
    """Raise the version if it is still the one the form showed; refuse otherwise.

    Every save through the services and every status change raises the version, so
    of two forms prepared from the same page only the first one sent is saved, and a
    form prepared before a status change is refused after it. The caller saves the
    "version" field with its own changes."""
    if locked.version != expected_version:
        raise ValidationError(
            _(
                "Someone else changed this idea while you were editing it. Your text is "
                "still in the form: open the idea in a new tab to see their changes, then "
                "save again."
            ),
            code="conflict",
        )
    locked.version += 1
