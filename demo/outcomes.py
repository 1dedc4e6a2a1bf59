"""The demo's finished cohort and where its trainees went: made as the lab and the
former trainees make it, through the services, then moved back in time.

Omgång 0 ran for nine months and ended a little over six months ago. At enrolment
each trainee decided about follow-ups on their page (one said no); when it ended the
lab lead recorded each outcome. The daily follow-up run (`run_follow_ups`) is played
at the days it would have run: three months after the end it asked everyone who
consents; most answered through their link, one stopped the follow-ups from the
email, one never answered and after two reminders that point became "unknown".
Six months after the end the run asked again; one has answered so far, the others
have had their first reminder.

Safe to run again: nothing is made when Omgång 0 exists.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from cohorts.models import Cohort, CohortStatus, Enrolment
from cohorts.services.cohort_enrolments import enrol_trainee
from cohorts.services.cohorts import change_cohort_status, create_cohort
from demo.timing import at
from labportal.accounts.models import Organisation, User
from trainees.models import (
    ConsentChannel,
    ConsentEvent,
    EmploymentType,
    FollowUp,
    FollowUpConsent,
    FollowUpStatus,
    Outcome,
    OutcomeCategory,
)
from trainees.services.follow_ups import (
    answer_follow_up,
    answer_token,
    run_follow_ups,
    withdraw_by_link,
    withdraw_token,
)
from trainees.services.outcomes import add_months, decide_follow_ups, record_outcome

FINISHED = "Omgång 0"
ENDED_DAYS_AGO = 190  # a little over six months: the six-month follow-ups are out
WEEKS = 39
C = OutcomeCategory


@dataclass(frozen=True)
class Former:
    """A former trainee of Omgång 0: their consent, their outcome at the end (the
    lab's), and what they do with the follow-ups: "answer" (with `later`),
    "silent" or "stop"."""

    email: str
    consents: bool
    at_end: dict[str, Any]
    three_months: str = "silent"
    later: dict[str, Any] = field(default_factory=dict)
    six_months: str = "silent"


IT_JOB = {
    "category": C.EMPLOYED_IT,
    "employer": "Partnerbolaget AB",
    "role": "Junior utvecklare",
    "region": "Demoregionen",
    "employment_type": EmploymentType.PERMANENT,
}
FORMER: tuple[Former, ...] = (
    Former(
        "trainee9@demo.labportal.se",
        True,
        {**IT_JOB, "partner": "partner", "note": "Började under sista månaden i labbet."},
        "answer",
        IT_JOB,
        "answer",
    ),
    Former(
        "trainee10@demo.labportal.se",
        True,
        {"category": C.JOB_SEEKING, "note": "Två intervjuer inbokade."},
        "answer",
        {
            "category": C.EMPLOYED_IT,
            "employer": "Demokommunens IT-avdelning",
            "role": "Supporttekniker",
            "region": "Demoregionen",
            "employment_type": EmploymentType.FIXED_TERM,
            "via_lab_network": True,
        },
    ),
    Former(
        "trainee11@demo.labportal.se",
        True,
        {"category": C.STUDIES, "note": "Yrkeshögskola: systemutvecklare .NET."},
        "silent",
    ),
    Former(
        "trainee12@demo.labportal.se",
        False,
        {
            "category": C.EMPLOYED_OTHER,
            "employer": "Demo Logistik AB",
            "role": "Lagerplanerare",
            "region": "Demoregionen",
            "employment_type": EmploymentType.FIXED_TERM,
        },
    ),
    Former(
        "trainee13@demo.labportal.se",
        True,
        {"category": C.PROGRAMME, "note": "Arbetsmarknadsutbildning i projektledning."},
        "stop",
    ),
    Former(
        "trainee14@demo.labportal.se",
        True,
        {
            "category": C.EMPLOYED_IT,
            "employer": "Demo Data AB",
            "role": "Dataanalytiker",
            "region": "Demoregionen",
            "employment_type": EmploymentType.PERMANENT,
            "via_lab_network": True,
        },
        "answer",
        {
            "category": C.EMPLOYED_IT,
            "employer": "Demo Data AB",
            "role": "Dataanalytiker",
            "region": "Demoregionen",
            "employment_type": EmploymentType.PERMANENT,
        },
    ),
)


def load_outcomes(
    *,
    users: dict[str, User],
    lead: User,
    host: Organisation,
    partner: Organisation,
    today: datetime.date,
) -> None:
    """Omgång 0, its former trainees' outcomes and follow-ups (see the module)."""
    if Cohort.objects.filter(name=FINISHED).exists():
        return
    ends_on = today - datetime.timedelta(days=ENDED_DAYS_AGO)
    starts_on = ends_on - datetime.timedelta(weeks=WEEKS) + datetime.timedelta(days=1)
    cohort = create_cohort(
        actor=lead,
        data={
            "name": FINISHED,
            "organisation": host,
            "served_organisations": [host],
            "starts_on": starts_on,
            "ends_on": ends_on,
            "capacity": 6,
            "lab_lead": lead,
            "notes": "Labbets första omgång.",
        },
    )
    cohort = change_cohort_status(
        actor=lead, cohort=cohort, target=CohortStatus.RUNNING, expected_status=cohort.status
    )
    enrolments: dict[str, Enrolment] = {}
    for former in FORMER:
        trainee = users[former.email]
        enrolments[former.email] = enrol_trainee(actor=lead, cohort=cohort, trainee=trainee)
        decide_follow_ups(
            actor=trainee, trainee=trainee, given=former.consents, channel=ConsentChannel.PAGE
        )
        decided = at(starts_on + datetime.timedelta(days=3), 10)
        ConsentEvent.objects.filter(trainee=trainee).update(created_at=decided)
        FollowUpConsent.objects.filter(trainee=trainee).update(decided_at=decided)
        data = {**former.at_end, "partner": partner if former.at_end.get("partner") else None}
        outcome = record_outcome(actor=lead, enrolment=enrolments[former.email], data=data)
        recorded = at(ends_on, 15)
        Outcome.objects.filter(pk=outcome.pk).update(created_at=recorded, updated_at=recorded)
    change_cohort_status(
        actor=lead, cohort=cohort, target=CohortStatus.FINISHED, expected_status=cohort.status
    )

    for months, action in ((3, "three_months"), (6, "six_months")):
        due = add_months(ends_on, months)
        run_follow_ups(now=at(due, 9, 15))
        for former in FORMER:
            follow_up = FollowUp.objects.filter(
                enrolment=enrolments[former.email], months_after=months
            ).first()
            if follow_up is None or follow_up.status != FollowUpStatus.SENT:
                continue
            if getattr(former, action) == "answer":
                answer_follow_up(token=answer_token(follow_up), data=former.later)
                answered = at(due + datetime.timedelta(days=2), 19)
                FollowUp.objects.filter(pk=follow_up.pk).update(answered_at=answered)
                Outcome.objects.filter(
                    enrolment=follow_up.enrolment_id, months_after=months
                ).update(created_at=answered, updated_at=answered)
            elif getattr(former, action) == "stop":
                withdraw_by_link(withdraw_token(follow_up.trainee))
                stopped = at(due + datetime.timedelta(days=1), 8)
                ConsentEvent.objects.filter(
                    trainee=follow_up.trainee, channel=ConsentChannel.EMAIL
                ).update(created_at=stopped)
                FollowUpConsent.objects.filter(trainee=follow_up.trainee).update(decided_at=stopped)
        # the reminders and, three weeks on, "unknown" for who never answered
        for week in (1, 2, 3):
            run_follow_ups(now=at(due + datetime.timedelta(weeks=week), 9, 15))
