"""Who may see the reports: the app's one door.

Only admins and lab leads see outcome figures and export them. Trainees see their
own outcome history on their own pages (`trainees.access`), never a report."""

from __future__ import annotations

from typing import Any

from labportal.accounts.models import Role

LAB_ROLES = (Role.ADMIN, Role.LAB_LEAD)


def can_see_reports(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in LAB_ROLES)


def can_export_named(user: Any) -> bool:
    """Rows with names, emails and employers: admins only, and never without a reason
    (`reports.forms.NamedExportForm`); each such export is audited."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMIN)
