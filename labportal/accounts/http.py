"""The request type of views that only signed-in people reach."""

from __future__ import annotations

from django.http import HttpRequest

from labportal.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind `login_required` or `role_required`: its user is a real User.

    Only a type for the checker: Django hands views a plain HttpRequest, and the
    decorators are what make the annotation true."""

    user: User
