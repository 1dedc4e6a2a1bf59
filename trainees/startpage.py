"""The trainee journey's panels on the start page (see `labportal.core.startpage`).

A trainee sees this week's log (due or done), the running split of hours, the next
open milestones and the prototypes of their last log; a supervisor sees the
trainees they follow. Each panel costs a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone

from trainees import access, log_figures
from trainees.models import MilestoneStatus, ProgressLog, monday_of

NEXT_MILESTONES = 3
# More trainees than this: the panel links to the full list.
PANEL_TRAINEES = 10


def trainee_week_panel(user: Any) -> dict[str, Any] | None:
    if not access.is_trainee(user):
        return None
    today = timezone.localdate()
    this_week = monday_of(today)
    logs = ProgressLog.objects.filter(trainee=user)
    last_log = logs.order_by("-week").only("pk", "week", "prototypes_text").first()
    enrolments = log_figures.enrolments_of(user)
    this_week_log = last_log if last_log is not None and last_log.week == this_week else None
    milestones = (
        access.milestones_visible_to(user)
        .filter(trainee=user, status=MilestoneStatus.PLANNED)
        .select_related("type")
        .order_by(F("due_on").asc(nulls_last=True), "type__position")[:NEXT_MILESTONES]
    )
    return {
        "template": "trainees/includes/_start_panel_trainee.html",
        "this_week": this_week,
        "this_week_log": this_week_log,
        "is_due": this_week_log is None
        and log_figures.enrolment_covering(enrolments, this_week) is not None,
        "split": log_figures.running_split(
            logs,
            log_figures.target_of(log_figures.current_enrolment(enrolments, today)),
        ),
        "milestones": list(milestones),
        "prototypes_text": last_log.prototypes_text if last_log is not None else "",
    }


def supervisor_logs_panel(user: Any) -> dict[str, Any] | None:
    """For anyone named as a supervisor (whatever their role, the lab excepted)."""
    trainees = access.supervised_trainees(user)
    rows = list(log_figures.trainee_overview(trainees, timezone.localdate())[: PANEL_TRAINEES + 1])
    if not rows:
        return None
    return {
        "template": "trainees/includes/_start_panel_supervisor.html",
        "rows": rows[:PANEL_TRAINEES],
        "has_more": len(rows) > PANEL_TRAINEES,
        "recent_weeks": log_figures.RECENT_WEEKS,
    }
