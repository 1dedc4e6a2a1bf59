"""The personal-data forms: each capability keeps its forms together, access requests
first."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.access_request import Subject, find_subject

# Access requests ------------------------------------------------------------------------
NOBODY_FOUND = _(
    "Nobody with this address was found: no account, application, employer contact or "
    "email. Nothing was read or changed."
)


class FindPersonForm(forms.Form):
    """Who a request is about, by the address the person gave (sent by GET)."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_(
            "The address in the request: an account's, an application's or an employer contact's."
        ),
        error_messages={"required": _("Give the person's email address.")},
    )

    subject: Subject | None = None
    # Where "nobody found" is shown: at the address field, or above the form when the
    # address is hidden (it was chosen in the search).
    nobody_field: str | None = "email"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        if email:
            self.subject = find_subject(email)
            if self.subject is None:
                self.add_error(self.nobody_field, NOBODY_FOUND)
        return cleaned


class AccessRequestForm(FindPersonForm):
    """The answer to an access request: the person (found again) and why it is made."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For example: request received 2026-11-20, case number 2026/123. Kept in the "
            "audit log with who answered, when and the number of records."
        ),
        error_messages={"required": _("Give the reason: when the request came and its case.")},
    )

    nobody_field = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The address was chosen in the search above; it travels with the answer.
        self.fields["email"].widget = forms.HiddenInput()

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason: when the request came and its case."))
        return reason


# Retention and erasure -------------------------------------------------------------------
NO_ERASURE_REASON = _("Give the reason for the erasure: the request and its case.")


class ErasureForm(forms.Form):
    """An erasure on request: whom (by the address in the request) and why. Shown
    again, hidden, on the confirmation page, and checked again when confirmed."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address in the request: an account's or an application's."),
        error_messages={"required": _("Give the person's email address.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: request received 2026-11-20, case number 2026/123. Kept in the "
            "audit log and in the record of the erasure."
        ),
        error_messages={"required": NO_ERASURE_REASON},
    )

    def __init__(self, *args: Any, actor: Any, hidden: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.person: Any = None
        if hidden:
            for field in self.fields.values():
                field.widget = forms.HiddenInput()

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(NO_ERASURE_REASON)
        return reason

    def clean_email(self) -> str:
        from privacy.erasure import find_person  # the service module; forms load first

        email = str(self.cleaned_data["email"])
        self.person = find_person(email)
        if self.person is None:
            raise forms.ValidationError(
                _(
                    "Nobody with this address was found: no account and no application. "
                    "Nothing was changed."
                )
            )
        if self.person == self.actor:
            raise forms.ValidationError(_("You cannot erase yourself: ask another administrator."))
        return email
