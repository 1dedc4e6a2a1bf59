"""Registry entries for Django's and allauth's models, accounts and core (see
`privacy.registry`)."""

from __future__ import annotations

from privacy.registry import Anonymise, Basis, Category, ModelEntry, PersonalField

ACCOUNT = Category.ACCOUNT
SECURITY = Category.SECURITY
COMMUNICATION = Category.COMMUNICATION
PUBLIC_TASK = Basis.PUBLIC_TASK
LEGAL = Basis.LEGAL_OBLIGATION
BLANK = Anonymise.BLANK
KEEP = Anonymise.KEEP
PLACEHOLDER = Anonymise.PLACEHOLDER
REMOVED = Anonymise.REMOVED


def _account(anonymise: Anonymise, purpose: str, *, secret: bool = False) -> PersonalField:
    return PersonalField(ACCOUNT, PUBLIC_TASK, anonymise, purpose, secret=secret)


def _security(anonymise: Anonymise, purpose: str, *, secret: bool = False) -> PersonalField:
    return PersonalField(SECURITY, LEGAL, anonymise, purpose, secret=secret)


ENTRIES: tuple[ModelEntry, ...] = (
    ModelEntry(
        "admin.LogEntry",
        personal={
            "user": _security(KEEP, "Who changed something in the Django admin."),
            "object_repr": _security(KEEP, "What was changed, as named then."),
            "change_message": _security(KEEP, "What the change was."),
        },
        not_personal=frozenset({"id", "action_time", "content_type", "object_id", "action_flag"}),
        people=("user",),
    ),
    ModelEntry(
        "sessions.Session",
        personal={
            "session_key": _security(BLANK, "The key in the sign-in cookie.", secret=True),
            "session_data": _security(BLANK, "Signed session contents.", secret=True),
        },
        not_personal=frozenset({"expire_date"}),
        note="No foreign key names the user (the user id is inside session_data): "
        "sessions are deleted, not anonymised, and not exported.",
    ),
    ModelEntry(
        "account.EmailAddress",
        personal={
            "user": _account(KEEP, "Whose address it is."),
            "email": _account(PLACEHOLDER, "Address used to sign in and to receive emails."),
        },
        not_personal=frozenset({"id", "verified", "primary"}),
        people=("user",),
        emails=("email",),
    ),
    ModelEntry(
        "account.EmailConfirmation",
        personal={
            "key": _account(PLACEHOLDER, "Key of the confirmation link.", secret=True),
        },
        not_personal=frozenset({"id", "email_address", "created", "sent"}),
        people=("email_address__user",),
    ),
    ModelEntry(
        "mfa.Authenticator",
        personal={
            "user": _security(KEEP, "Whose second factor it is."),
            "type": _security(KEEP, "Kind of second factor."),
            "data": _security(BLANK, "TOTP secret and recovery codes.", secret=True),
            "last_used_at": _security(BLANK, "When the factor was last used."),
        },
        not_personal=frozenset({"id", "created_at"}),
        people=("user",),
    ),
    ModelEntry(
        "socialaccount.SocialApp",
        not_personal=frozenset(
            {
                "id",
                "provider",
                "provider_id",
                "name",
                "client_id",
                "secret",
                "key",
                "settings",
                "sites",
            }
        ),
        note="The single sign-on provider's configuration; its secret names no person.",
    ),
    ModelEntry(
        "socialaccount.SocialAccount",
        personal={
            "user": _account(KEEP, "Whose sign-in account it is."),
            "provider": _account(KEEP, "The single sign-on provider."),
            "uid": _account(PLACEHOLDER, "The person's identifier at the provider."),
            "last_login": _account(KEEP, "Last sign-in through the provider."),
            "date_joined": _account(KEEP, "First sign-in through the provider."),
            "extra_data": _account(BLANK, "What the provider told about the person."),
        },
        not_personal=frozenset({"id"}),
        people=("user",),
    ),
    ModelEntry(
        "socialaccount.SocialToken",
        personal={
            "token": _account(BLANK, "Access token from the provider.", secret=True),
            "token_secret": _account(BLANK, "Refresh token from the provider.", secret=True),
        },
        not_personal=frozenset({"id", "app", "account", "expires_at"}),
        people=("account__user",),
    ),
    ModelEntry(
        "accounts.Organisation",
        not_personal=frozenset(
            {"id", "created_at", "updated_at", "name", "kind", "organisation_number", "is_active"}
        ),
    ),
    ModelEntry(
        "accounts.Department",
        not_personal=frozenset(
            {"id", "created_at", "updated_at", "organisation", "name", "is_active"}
        ),
    ),
    ModelEntry(
        "accounts.User",
        personal={
            "password": _account(BLANK, "Hash of the password.", secret=True),
            "last_login": _account(BLANK, "Last sign-in."),
            "email": _account(PLACEHOLDER, "Sign-in and contact address."),
            "full_name": _account(REMOVED, "Name shown to the lab and on documents."),
            "role": _account(KEEP, "What the person does in the programme."),
            "organisation": _account(KEEP, "Where the person works or is placed."),
            "department": _account(KEEP, "The person's department."),
            "language": _account(KEEP, "Language of pages and emails."),
            "date_joined": _account(KEEP, "When the account was made."),
            "removed_at": _account(KEEP, "When the person's data was anonymised."),
        },
        not_personal=frozenset(
            {"id", "is_superuser", "is_active", "is_staff", "groups", "user_permissions"}
        ),
        people=("pk",),
        emails=("email",),
    ),
    ModelEntry(
        "accounts.Invitation",
        personal={
            "email": _account(BLANK, "Where the invitation was sent."),
            "full_name": _account(REMOVED, "Name of the invited person."),
            "role": _account(KEEP, "Role offered."),
            "organisation": _account(KEEP, "Organisation offered."),
            "department": _account(KEEP, "Department offered."),
            "language": _account(KEEP, "Language of the email."),
            "invited_by": _account(KEEP, "Who sent the invitation."),
            "token_hash": _account(PLACEHOLDER, "Hash of the invitation link.", secret=True),
            "accepted_user": _account(KEEP, "The account the invitation became."),
        },
        not_personal=frozenset(
            {"id", "created_at", "updated_at", "expires_at", "accepted_at", "revoked_at"}
        ),
        people=("accepted_user",),
        emails=("email",),
    ),
    ModelEntry(
        "core.Skill",
        not_personal=frozenset(
            {
                "id",
                "created_at",
                "updated_at",
                "name_sv",
                "name_en",
                "category",
                "esco_uri",
                "is_active",
            }
        ),
    ),
    ModelEntry(
        "core.OutboxEmail",
        personal={
            "to": PersonalField(COMMUNICATION, PUBLIC_TASK, BLANK, "Recipient."),
            "subject": PersonalField(COMMUNICATION, PUBLIC_TASK, BLANK, "Subject."),
            "body_text": PersonalField(COMMUNICATION, PUBLIC_TASK, BLANK, "Text of the email."),
            "body_html": PersonalField(COMMUNICATION, PUBLIC_TASK, BLANK, "HTML of the email."),
            "secret_values": PersonalField(
                COMMUNICATION, PUBLIC_TASK, BLANK, "Sign-in links until sent.", secret=True
            ),
            "last_error": PersonalField(COMMUNICATION, PUBLIC_TASK, BLANK, "Mail server's answer."),
        },
        not_personal=frozenset(
            {
                "id",
                "key",
                "status",
                "attempts",
                "created_at",
                "claimed_at",
                "next_attempt_at",
                "sent_at",
                "purged_at",
            }
        ),
        emails=("to",),
    ),
    ModelEntry(
        "core.AuditEntry",
        personal={
            "actor": _security(KEEP, "Who did it."),
            "details": _security(KEEP, "What was done; may name people."),
        },
        not_personal=frozenset({"id", "action", "object_type", "object_id", "created_at"}),
        people=("actor",),
        note="Entries whose object is a row about the person are found by object_type "
        "and object_id (privacy.access_request), not by a path.",
    ),
    ModelEntry("core.WorkerHeartbeat", not_personal=frozenset({"id", "name", "beat_at"})),
)
