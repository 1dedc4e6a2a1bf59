"""People and where they belong: users with one role, organisations, departments
(förvaltningar) and invitations, the only way in."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from labportal.core.models import TimeStampedModel


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    LAB_LEAD = "lab_lead", _("Lab lead")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    TRAINEE = "trainee", _("Trainee")
    # A person of the lab or of a partner organisation named on a cohort or an
    # enrolment: sees and comments on those trainees' progress logs, nothing else.
    SUPERVISOR = "supervisor", _("Supervisor")


PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.LAB_LEAD})


# Organisations and departments ---------------------------------------------
class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    PARTNER = "partner", _("Partner company")


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> OrganisationQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.role in PRIVILEGED_ROLES:
            return self.all()
        if user.organisation_id:
            return self.filter(pk=user.organisation_id)
        return self.none()


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=OrganisationKind.choices,
        default=OrganisationKind.MUNICIPALITY,
        db_index=True,
    )
    organisation_number = models.CharField(
        _("organisation number"), max_length=20, blank=True, help_text=_("For example 212000-0000.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:organisation_detail", args=[self.pk])


class DepartmentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DepartmentQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.role in PRIVILEGED_ROLES:
            return self.all()
        if user.organisation_id:
            return self.filter(organisation_id=user.organisation_id)
        return self.none()


class Department(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    name = models.CharField(_("name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="department_name_unique_in_organisation"
            )
        ]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"

    def get_absolute_url(self) -> str:
        return reverse("accounts:organisation_detail", args=[self.organisation_id])


# Users -------------------------------------------------------------------
class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, user: User) -> UserQuerySet:
        """People the user may look up: admins everyone, lab leads everyone in the
        programme, department staff their own department, trainees themselves."""
        if not user.is_authenticated:
            return self.none()
        if user.role in PRIVILEGED_ROLES:
            return self.all()
        if user.role == Role.DEPARTMENT_STAFF and user.department_id:
            return self.filter(Q(department_id=user.department_id) | Q(pk=user.pk))
        return self.filter(pk=user.pk)


# Subclassed (not assigned) so that migrations can import the manager by name.
class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("Users need an email address")
        user: User = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        """The first admin, made on the server with `createsuperuser`: whoever runs it
        vouches for the address, so it is verified and sign-in works without email."""
        from allauth.account.models import EmailAddress

        extra.setdefault("role", Role.ADMIN)
        user = self.create_user(email, password, **extra)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.TRAINEE, db_index=True
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("may use the Django admin"),
        default=False,
        help_text=_("Set automatically for administrators."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Set when the person's data was anonymised (retention or erasure on request): the
    # row stays, so that ideas, comments and the audit log keep pointing at someone.
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["full_name", "email"]
        indexes = [models.Index(fields=["full_name", "email"], name="user_name_email_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.DEPARTMENT_STAFF) | Q(department__isnull=False),
                name="department_staff_has_department",
            )
        ]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        """The name pages show: "removed person" once the data was anonymised."""
        if self.removed_at is not None:
            return gettext("removed person")
        return self.full_name or self.email

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def clean(self) -> None:
        super().clean()
        self.email = self.email.lower()
        if self.role == Role.DEPARTMENT_STAFF and not self.department_id:
            raise ValidationError(
                {"department": _("Department staff must belong to a department.")}
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.lower()
        if self.department is not None:
            self.organisation_id = self.department.organisation_id
        # The Django admin is for administrators only; the role decides, not a checkbox.
        self.is_staff = self.role == Role.ADMIN
        self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


# Invitations ---------------------------------------------------------------
def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> InvitationQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.ADMIN:
            return self.all()
        if user.role == Role.LAB_LEAD:
            return self.exclude(role=Role.ADMIN)
        return self.none()

    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(TimeStampedModel):
    """An emailed, expiring offer of an account with a given role.

    Only the SHA-256 of the token is stored: a database leak gives no usable links.
    """

    email = models.EmailField(_("email address"), db_index=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    language = models.CharField(
        _("language of the email"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["-created_at"], name="invitation_created_idx")]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return reverse("accounts:invitation_list")

    @property
    def status(self) -> str:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    def get_status_display(self) -> str:
        return str(InvitationStatus(self.status).label)

    @property
    def is_usable(self) -> bool:
        return self.status == InvitationStatus.PENDING
