"""The query builder of matching (reads only): the available trainees of a period with
their validated levels of the idea's skills and their load, the cohorts running then
and their active work, as the plain data of `cohorts.matching`, in four queries
whatever their number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from cohorts.matching import Candidate, CohortInfo, Need, Period, PlannedWork
from cohorts.models import ACTIVE_ASSIGNMENT, Assignment, AssignmentMember, Cohort, Enrolment
from trainees.models import SkillRecord


@dataclass
class MatchData:
    needs: list[Need]
    candidates: list[Candidate]
    cohorts: list[CohortInfo]
    work: list[PlannedWork]


def load_match(
    *,
    needs: Sequence[Need],
    period: Period,
    cohort_ids: Sequence[int] | None = None,
    enrolment_ids: Sequence[int] | None = None,
    exclude_assignment_id: int | None = None,
) -> MatchData:
    """The available trainees, the cohorts running in `period` and their active work,
    in four queries whatever their number. `cohort_ids`/`enrolment_ids` narrow it;
    `exclude_assignment_id` leaves out the assignment being changed."""
    overlaps = Q(starts_on__lte=period.ends_on, ends_on__gte=period.starts_on)
    cohorts = Cohort.objects.filter(overlaps)
    if cohort_ids is not None:
        cohorts = cohorts.filter(pk__in=cohort_ids)
    active = Q(
        assignment__status__in=ACTIVE_ASSIGNMENT,
        assignment__starts_on__lte=period.ends_on,
        assignment__ends_on__gte=period.starts_on,
    )
    if exclude_assignment_id is not None:
        active &= ~Q(assignment_id=exclude_assignment_id)
    load = (
        AssignmentMember.objects.filter(active, enrolment=OuterRef("pk"))
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    enrolments = (
        Enrolment.objects.filter(overlaps, left_early=False, cohort__in=cohorts.values("pk"))
        .annotate(load=Coalesce(Subquery(load, output_field=IntegerField()), Value(0)))
        .values_list(
            "pk",
            "trainee_id",
            "trainee__full_name",
            "trainee__email",
            "cohort_id",
            "cohort__name",
            "starts_on",
            "ends_on",
            "load",
            "cohort__education_target_percent",
        )
        .order_by("trainee__full_name", "pk")
    )
    if enrolment_ids is not None:
        enrolments = enrolments.filter(pk__in=enrolment_ids)
    rows = list(enrolments)
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    if rows and needs:
        records = SkillRecord.objects.filter(
            trainee_id__in=[row[1] for row in rows],
            skill_id__in=[n.skill_id for n in needs],
            validated_level__isnull=False,
        )
        for trainee_id, skill_id, level in records.values_list(
            "trainee_id", "skill_id", "validated_level"
        ):
            if level is not None:
                levels[trainee_id][skill_id] = level
    candidates = [
        Candidate(
            enrolment_id=pk,
            trainee_id=trainee_id,
            name=name or email,
            cohort_id=cohort_id,
            cohort_name=cohort_name,
            starts_on=starts_on,
            ends_on=ends_on,
            levels=levels.get(trainee_id, {}),
            load=load_count,
            education_percent=education,
        )
        for (
            pk,
            trainee_id,
            name,
            email,
            cohort_id,
            cohort_name,
            starts_on,
            ends_on,
            load_count,
            education,
        ) in rows
    ]
    cohort_rows = [
        CohortInfo(pk, name, capacity, starts, ends, education)
        for pk, name, capacity, starts, ends, education in cohorts.order_by(
            "starts_on", "name"
        ).values_list("pk", "name", "capacity", "starts_on", "ends_on", "education_target_percent")
    ]
    assignments = Assignment.objects.filter(
        overlaps,
        status__in=ACTIVE_ASSIGNMENT,
        cohort_id__in=[c.cohort_id for c in cohort_rows],
    )
    if exclude_assignment_id is not None:
        assignments = assignments.exclude(pk=exclude_assignment_id)
    work = [
        PlannedWork(cohort_id, starts, ends, size, members)
        for cohort_id, starts, ends, size, members in assignments.annotate(
            n=Count("memberships")
        ).values_list("cohort_id", "starts_on", "ends_on", "idea__size_weeks", "n")
    ]
    return MatchData(needs=list(needs), candidates=candidates, cohorts=cohort_rows, work=work)
