"""Who may do what with accounts, organisations, skills and the audit log, and
`role_required` for every app's views. Each app answers for its own objects in
its `access.py` (ideas: `prototypes.access`).

Views ask these functions (through `role_required` or directly) and read data
through the models' `visible_to(user)` querysets; nothing is protected by
hiding a link.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from labportal.accounts.models import Role

Anyone = Any  # a User or AnonymousUser


def has_role(user: Anyone, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def can_manage_users(user: Anyone) -> bool:
    return has_role(user, Role.ADMIN, Role.LAB_LEAD)


def can_manage_organisations(user: Anyone) -> bool:
    return has_role(user, Role.ADMIN)


def can_manage_skills(user: Anyone) -> bool:
    return has_role(user, Role.ADMIN)


def can_view_audit_log(user: Anyone) -> bool:
    return has_role(user, Role.ADMIN)


def invitable_roles(user: Anyone) -> list[Role]:
    """Admins invite anyone; lab leads invite the people of the programme, not admins."""
    if has_role(user, Role.ADMIN):
        return list(Role)
    if has_role(user, Role.LAB_LEAD):
        return [Role.LAB_LEAD, Role.DEPARTMENT_STAFF, Role.TRAINEE, Role.SUPERVISOR]
    return []


def can_invite(user: Anyone, role: str | None = None) -> bool:
    roles = invitable_roles(user)
    return bool(roles) if role is None else role in roles


def can_manage_user(user: Anyone, person: Any) -> bool:
    """May `user` change `person`'s role and access? Only someone who could have invited
    them; lab leads never change administrators."""
    return can_invite(user, person.role)


def role_required(*roles: str) -> Callable:
    """View decorator: anonymous visitors go to the login page, signed-in users
    without one of `roles` get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
