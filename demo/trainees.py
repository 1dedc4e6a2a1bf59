"""The trainees' journey in the demo, made as its people would make it: each trainee
fills in their profile, adds skills with evidence and writes a log every week; the
lab lead validates skills, gives milestones and marks them done; the supervisor and
the lead comment on logs (each comment queues an email to the trainee).

Everything is written by the services of `trainees.services` (a log names the
prototypes the trainee's team worked on that week in `demo.cohorts`' plan);
afterwards only the times are moved back to when it would have happened (a log on
the Friday of its week, a comment the Monday after), as the ideas' history is. The audit log and the
outbox keep the real time: they record this command's run.

Safe to run again: a profile is filled in only while empty, a skill is added (and
validated) only if the trainee lacks it, a week is logged (and commented) only if it
has no log, and milestones are marked only when they are given. Every choice comes
from a random generator seeded by the trainee (and week), so every run picks the same.
"""

from __future__ import annotations

import datetime
import random

from cohorts.models import Enrolment
from demo.cohorts import prototypes_by_week
from demo.log_texts import (
    BLOCKERS,
    LEAD_ON_BLOCKER,
    LEAD_ON_EDUCATION,
    LEAD_SAYS,
    SUPERVISOR_ON_BLOCKER,
    SUPERVISOR_SAYS,
    phase,
    week_texts,
)
from demo.personas import PERSONAS, Persona
from demo.timing import at
from labportal.accounts.models import User
from labportal.core.models import Skill
from trainees.models import (
    LogComment,
    Milestone,
    MilestoneStatus,
    ProgressLog,
    SkillEvent,
    SkillEventKind,
    SkillRecord,
    monday_of,
)
from trainees.services.competence import add_skill, record_token, validate_skill
from trainees.services.logs import comment_on_log, create_log
from trainees.services.milestones import change_milestone_status, give_standard_milestones
from trainees.services.profile import (
    PROFILE_FIELDS,
    ensure_profile,
    set_reference_contact,
    update_profile,
)

ONE_WEEK = datetime.timedelta(weeks=1)
SUNDAY = datetime.timedelta(days=6)
# The milestone a trainee marks done themself; the lab marks the others.
TRAINEES_OWN_MILESTONE = "Profile on a job site"


def load_journeys(
    *, users: dict[str, User], lead: User, supervisor: User, today: datetime.date
) -> None:
    """Every demo trainee's journey; `users` are the demo's people by email."""
    for number, persona in enumerate(PERSONAS):
        trainee = users[persona.email]
        enrolment = (
            Enrolment.objects.filter(trainee=trainee)
            .select_related("cohort")
            .order_by("-pk")
            .first()
        )
        started = enrolment is not None and enrolment.start <= today
        _fill_in_profile(persona, trainee, lead, reference=started)
        if enrolment is None:
            continue
        if started:
            assessed_on = enrolment.start - datetime.timedelta(days=10)
            first_validation = enrolment.start + 6 * ONE_WEEK
        else:  # validated at the intake interview, before the cohort starts
            assessed_on = today - datetime.timedelta(days=12)
            first_validation = today - datetime.timedelta(days=5)
        _add_skills(persona, trainee, lead, assessed_on, first_validation, today)
        if started:
            _write_logs(persona, number, trainee, enrolment, lead, supervisor, today)
        _give_milestones(persona, trainee, enrolment, lead, today)


def _fill_in_profile(persona: Persona, trainee: User, lead: User, *, reference: bool) -> None:
    profile = ensure_profile(actor=lead, trainee=trainee)
    if profile.version != 1 or any(getattr(profile, field) for field in PROFILE_FIELDS):
        return  # filled in already (by an earlier run, or by someone trying the demo)
    profile = update_profile(
        actor=trainee,
        profile=profile,
        data={field: getattr(persona, field) for field in PROFILE_FIELDS},
        expected_version=profile.version,
    )
    if reference:
        set_reference_contact(actor=lead, profile=profile, contact=lead)


def _add_skills(
    persona: Persona,
    trainee: User,
    lead: User,
    assessed_on: datetime.date,
    first_validation: datetime.date,
    today: datetime.date,
) -> None:
    having = set(
        SkillRecord.objects.filter(trainee=trainee).values_list("skill__name_en", flat=True)
    )
    skills = Skill.objects.in_bulk([p.skill_en for p in persona.skills], field_name="name_en")
    for index, plan in enumerate(persona.skills):
        if plan.skill_en in having:
            continue
        record = add_skill(
            actor=trainee,
            trainee=trainee,
            skill=skills[plan.skill_en],
            self_level=plan.level,
            evidence_link=plan.link,
            evidence_note=plan.note,
        )
        assessed = at(assessed_on, 10, 5 * index)
        last_change = assessed
        if plan.validated is not None:
            level, method, evidence = plan.validated
            validate_skill(
                actor=lead,
                record=record,
                seen=record_token(record),
                level=level,
                method=method,
                evidence=evidence,
            )
            day = min(first_validation + 2 * index * ONE_WEEK, today - datetime.timedelta(days=1))
            last_change = at(day, 14)
            SkillEvent.objects.filter(record=record, kind=SkillEventKind.VALIDATED).update(
                created_at=last_change
            )
            SkillRecord.objects.filter(pk=record.pk).update(validated_at=last_change)
        SkillEvent.objects.filter(record=record, kind=SkillEventKind.SELF_ASSESSED).update(
            created_at=assessed
        )
        SkillRecord.objects.filter(pk=record.pk).update(created_at=assessed, updated_at=last_change)


def _weeks(enrolment: Enrolment, today: datetime.date) -> list[datetime.date]:
    """Mondays of the enrolment's weeks up to last week."""
    week = monday_of(enrolment.start)
    last = min(monday_of(today) - ONE_WEEK, monday_of(enrolment.end))
    weeks = []
    while week <= last:
        weeks.append(week)
        week += ONE_WEEK
    return weeks


def _write_logs(
    persona: Persona,
    number: int,
    trainee: User,
    enrolment: Enrolment,
    lead: User,
    supervisor: User,
    today: datetime.date,
) -> None:
    weeks = _weeks(enrolment, today)
    latest = len(weeks) - 1 - persona.weeks_behind
    logged = set(ProgressLog.objects.filter(trainee=trainee).values_list("week", flat=True))
    options = [hours for hours, _weight in persona.hours]
    weights = [weight for _hours, weight in persona.hours]
    target = enrolment.cohort.education_target_percent
    language = persona.language
    work = prototypes_by_week(trainee)
    for index, week in enumerate(weeks):
        if index > latest or index in persona.skipped_weeks or week in logged:
            continue
        rng = random.Random(f"{persona.email}:{index}")  # noqa: S311 - demo text, not secrets
        practical, education = rng.choices(options, weights)[0]
        prototype = persona.prototypes[phase(index) - 1] if phase(index) else ""
        blockers = ""
        if index == latest and persona.blocked_now:
            blockers = persona.blocked_now
        elif index < latest and rng.random() < 0.06:
            blockers = rng.choice(BLOCKERS[language])
        log = create_log(
            actor=trainee,
            data={
                "week": week,
                "hours_practical": practical,
                "hours_education": education,
                "blockers": blockers,
                # the prototypes of the planning board the trainee was on the team of
                "prototypes": [
                    idea for idea, joined, ends in work if joined <= week + SUNDAY and ends >= week
                ],
                **week_texts(rng, language, index, prototype, offset=number),
            },
            today=today,
        )
        written = at(week + datetime.timedelta(days=4), 15, rng.randrange(60))
        ProgressLog.objects.filter(pk=log.pk).update(created_at=written, updated_at=written)

        comments: list[tuple[User, str]] = []
        below_target = education * 100 < target * (practical + education)
        if blockers:
            if rng.random() < 0.5:
                comments.append((supervisor, SUPERVISOR_ON_BLOCKER[language]))
            comments.append((lead, LEAD_ON_BLOCKER[language]))
        elif below_target and rng.random() < 0.35:
            comments.append((lead, LEAD_ON_EDUCATION[language]))
        elif rng.random() < 0.14:
            comments.append((supervisor, rng.choice(SUPERVISOR_SAYS[language])))
        elif rng.random() < 0.05:
            comments.append((lead, rng.choice(LEAD_SAYS[language])))
        for order, (author, body) in enumerate(comments):
            comment = comment_on_log(actor=author, log=log, body=body)
            when = at(week + ONE_WEEK, 9 + 2 * order, rng.randrange(60))
            LogComment.objects.filter(pk=comment.pk).update(created_at=when)


def _give_milestones(
    persona: Persona, trainee: User, enrolment: Enrolment, lead: User, today: datetime.date
) -> None:
    """The six standard milestones over the enrolment; those due by now are done (by
    the lab, or by the trainee for their own), except the ones the persona left open."""
    given = give_standard_milestones(actor=lead, trainee=trainee, start_date=enrolment.start)
    rng = random.Random(f"{persona.email}:milestones")  # noqa: S311 - demo data, not secrets
    for milestone in given:
        name = milestone.type.name_en
        due = milestone.due_on
        if due is None or name in persona.left_open:
            continue
        if not (due < today or name in persona.done_early):
            continue
        change_milestone_status(
            actor=trainee if name == TRAINEES_OWN_MILESTONE else lead,
            milestone=milestone,
            target=MilestoneStatus.DONE,
            expected_status=MilestoneStatus.PLANNED,
        )
        day = max(due - datetime.timedelta(days=rng.randint(0, 6)), enrolment.start)
        done = at(day, 11, rng.randrange(60))
        Milestone.objects.filter(pk=milestone.pk).update(done_at=done, updated_at=done)
