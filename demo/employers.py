"""The demo's employer partner: a contact at Partnerbolaget AB and two open roles that
need skills the demo trainees have had validated, made through the cohorts' services
as the lab lead makes them on the employer pages. Safe to run again: nothing is made
when the partner has a contact already."""

from __future__ import annotations

import datetime

from cohorts.models import EmployerContact
from cohorts.services.employers import create_contact, create_role
from labportal.accounts.models import Organisation, User
from labportal.core.models import Skill

ROLES = (
    # (title, region, weeks until it closes, required skills in English: minimum level)
    ("Junior webbutvecklare", "Demoregionen", 6, {"Django": 2, "Web development (front end)": 2}),
    ("Dataanalytiker, deltid", "Demoregionen", 4, {"Data analysis": 2, "Python": None}),
)


def load_employers(*, lead: User, partner: Organisation, today: datetime.date) -> None:
    if EmployerContact.objects.filter(organisation=partner).exists():
        return
    contact = create_contact(
        actor=lead,
        organisation=partner,
        data={
            "name": "Petra Partner",
            "title": "Rekryterande chef",
            "email": "petra.partner@partnerbolaget.example",
            "phone": "010-123 45 67",
            "notes": "Tar gärna emot traineer på rotation inför anställning.",
            "is_active": True,
        },
    )
    for title, region, weeks, needs in ROLES:
        skills = {skill.name_en: skill.pk for skill in Skill.objects.filter(name_en__in=needs)}
        create_role(
            actor=lead,
            organisation=partner,
            data={
                "title": title,
                "region": region,
                "closes_on": today + datetime.timedelta(weeks=weeks),
                "contact": contact,
                "description": "Tillsvidareanställning efter sex månaders provanställning.",
            },
            requirements={skills[name]: level for name, level in needs.items() if name in skills},
        )
