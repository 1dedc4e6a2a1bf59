"""Whose data a page shows: one organisation's or every organisation's.

An installation may serve every municipality of the country; pages that would list
all their cohorts or departments at once (the planning board, the idea flow) show one
organisation's by default, the viewer's own when it has something there, and offer
the others and "all" (`?organisation=<id>` or `?organisation=all`). A value that is not
an option (an old link) gives the default, as a bad month does on the board. The
reports' filter form keeps its own stricter rule (a bad choice is an error) but the
same `ALL_ORGANISATIONS` value."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from labportal.accounts.models import Organisation

ALL_ORGANISATIONS = "all"


@dataclass(frozen=True)
class OrganisationScope:
    organisation_id: int | None  # None: every organisation
    value: str  # the select's current value
    options: list[tuple[str, str]]  # (value, label), "all" first


def organisation_scope(
    organisations: QuerySet[Organisation], own: int | None, asked: str
) -> OrganisationScope:
    """The scope asked for among `organisations` (those with something to show: the
    caller filters them), else the default; one query."""
    listed = [
        (str(pk), name)
        for pk, name in organisations.order_by("name", "pk").values_list("pk", "name")
    ]
    options = [(ALL_ORGANISATIONS, _("All organisations")), *listed]
    if asked not in {value for value, _label in options}:
        mine = str(own or "")
        asked = mine if any(value == mine for value, _label in listed) else ALL_ORGANISATIONS
    return OrganisationScope(None if asked == ALL_ORGANISATIONS else int(asked), asked, options)
