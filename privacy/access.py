"""Who may act on people's data as a whole: the app's one door.

Access requests (GDPR art. 15), erasure on request and the retention decisions
concern every app's data at once, so only administrators act on them; every such
act is written to the audit log by the service that does it."""

from __future__ import annotations

from typing import Any

from labportal.accounts.models import Role


def can_manage_personal_data(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMIN)
