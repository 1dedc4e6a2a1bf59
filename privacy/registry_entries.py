"""Every registry entry, in INSTALLED_APPS order (see `privacy.registry`)."""

from __future__ import annotations

from privacy.registry import ModelEntry
from privacy.registry_accounts import ENTRIES as ACCOUNTS
from privacy.registry_cohorts import ENTRIES as COHORTS
from privacy.registry_privacy import ENTRIES as PRIVACY
from privacy.registry_trainees import ENTRIES as TRAINEES

ENTRIES: tuple[ModelEntry, ...] = (*ACCOUNTS, *TRAINEES, *COHORTS, *PRIVACY)
