"""Organisations, their departments and the staff: admins, lab leads, department
staff and supervisors (trainees are made with their enrolments, in `cohorts`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from demo.scale.sizes import rng_for
from demo.scale.texts import DEPARTMENTS, person_name
from demo.scale.world import World
from labportal.accounts.models import OrganisationKind, Role

USER_COLUMNS = (
    "id",
    "password",
    "is_superuser",
    "email",
    "full_name",
    "role",
    "language",
    "is_active",
    "is_staff",
    "date_joined",
    "department_id",
    "organisation_id",
)


def email_of(role: str, user_id: int) -> str:
    return f"{role.replace('_', '-')}{user_id}@scale.example"


def user_rows(
    world: World, people: Sequence[tuple[str, str, int | None, int | None, datetime]], first: int
) -> Iterator[tuple[Any, ...]]:
    """Rows of accounts_user for (role, name, organisation, department, joined), ids
    from `first` on; one password hash for all (hashing is slow on purpose)."""
    for offset, (role, name, organisation, department, joined) in enumerate(people):
        user_id = first + offset
        admin = role == Role.ADMIN
        world.names[user_id] = name
        yield (
            user_id,
            world.password,
            admin,
            email_of(role, user_id),
            name,
            role,
            "sv" if user_id % 10 else "en",
            True,
            admin,
            joined,
            department,
            organisation,
        )


def write_users(
    world: World, people: Sequence[tuple[str, str, int | None, int | None, datetime]]
) -> list[int]:
    first = world.loader.reserve("accounts_user", len(people))
    world.loader.copy("accounts_user", USER_COLUMNS, user_rows(world, people, first))
    ids = list(range(first, first + len(people)))
    # Verified addresses, as an invitation accepted or an admin's `createsuperuser` leave.
    world.loader.copy(
        "account_emailaddress",
        ("email", "verified", "primary", "user_id"),
        (
            (email_of(role, uid), True, True, uid)
            for uid, (role, *_) in zip(ids, people, strict=True)
        ),
    )
    return ids


def load_people(world: World) -> None:
    rng = rng_for(world.seed, "people")
    sizes, clock, loader = world.sizes, world.clock, world.loader
    created = clock.now - timedelta(days=365 * 11)

    count = sizes.municipalities + sizes.partners
    first = loader.reserve("accounts_organisation", count)
    organisations = []
    for n in range(count):
        if n < sizes.municipalities:
            name, kind = f"Kommun {n + 1:03d}", OrganisationKind.MUNICIPALITY
        else:
            name, kind = (
                f"Partnerbolag {n + 1 - sizes.municipalities:03d} AB",
                OrganisationKind.PARTNER,
            )
        organisations.append((first + n, created, created, name, kind, f"212000-{n:04d}", True))
    loader.copy(
        "accounts_organisation",
        ("id", "created_at", "updated_at", "name", "kind", "organisation_number", "is_active"),
        organisations,
    )
    world.municipalities = list(range(first, first + sizes.municipalities))
    world.partners = list(range(first + sizes.municipalities, first + count))

    # Departments spread evenly over the municipalities; names repeat per municipality.
    first = loader.reserve("accounts_department", sizes.departments)
    rows = []
    for n in range(sizes.departments):
        organisation = world.municipalities[n % sizes.municipalities]
        index = n // sizes.municipalities
        name = DEPARTMENTS[index % len(DEPARTMENTS)]
        if index >= len(DEPARTMENTS):
            name = f"{name} {index // len(DEPARTMENTS) + 1}"
        rows.append((first + n, created, created, name, True, organisation))
        world.departments.append((first + n, organisation))
    loader.copy(
        "accounts_department",
        ("id", "created_at", "updated_at", "name", "is_active", "organisation_id"),
        rows,
    )

    def joined() -> datetime:
        return clock.now - timedelta(days=rng.randrange(30, 365 * 10))

    people: list[tuple[str, str, int | None, int | None, datetime]] = []
    for n in range(sizes.admins):
        people.append(
            (
                Role.ADMIN,
                person_name(rng),
                world.municipalities[n % sizes.municipalities],
                None,
                joined(),
            )
        )
    for n in range(sizes.lab_leads):
        organisation = world.municipalities[n % sizes.municipalities]
        people.append((Role.LAB_LEAD, person_name(rng), organisation, None, joined()))
    for n in range(sizes.department_staff):
        department, organisation = world.departments[n % sizes.departments]
        people.append((Role.DEPARTMENT_STAFF, person_name(rng), organisation, department, joined()))
    for n in range(sizes.supervisors):
        # most supervisors come from partner companies, some from the lab itself
        pool = world.partners if n % 4 else world.municipalities
        people.append((Role.SUPERVISOR, person_name(rng), pool[n % len(pool)], None, joined()))
    ids = write_users(world, people)
    for user_id, (role, _name, home, unit, _joined) in zip(ids, people, strict=True):
        if role == Role.LAB_LEAD and home is not None:
            world.leads.append(user_id)
            world.leads_of_organisation.setdefault(home, []).append(user_id)
        elif role == Role.DEPARTMENT_STAFF and unit is not None:
            world.staff_of_department.setdefault(unit, []).append(user_id)
        elif role == Role.SUPERVISOR:
            world.supervisors.append(user_id)
