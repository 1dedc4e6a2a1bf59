"""The cohort progress page's rows: one per enrolled trainee, every figure computed by
the database.

Per trainee: the last log's week and whether it names blockers; the weeks owed since
the enrolment began (the week it began in counts) up to last week, and how many of
them have no log; hours of practical work and of education in the enrolment so far
and education's share against the cohort's target; milestones due soon and overdue.

Each figure is one correlated subquery on an index (logs by trainee and week,
milestones by trainee), so the cost grows with the cohort's trainees, not with the
number of logs in the database. The page is read in two queries: the filter and the
sort add, as aliases, only the figures they name, and the first query picks and counts
the page's enrolments on those; the second computes every figure for the page's
enrolments only (see `Figures.page`). `in_html` then writes their rows of the table."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from string import Formatter
from typing import Any, cast

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DecimalField,
    Expression,
    ExpressionWrapper,
    F,
    Field,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Least, RowNumber
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from cohorts.models import Cohort, Enrolment
from trainees.models import Milestone, MilestoneStatus, ProgressLog, monday_of

HOURS: DecimalField[Any, Any] = DecimalField(max_digits=8, decimal_places=1)

# Each figure and those it is computed from (which come before it).
NEEDS: dict[str, tuple[str, ...]] = {
    "start_week": (),
    "end_week": (),
    "counted_until": ("end_week",),
    "owed_weeks": ("start_week", "counted_until"),
    "logged_weeks": ("start_week", "counted_until"),
    "missing_weeks": ("owed_weeks", "logged_weeks"),
    "last_week_logged": (),
    "has_blockers": (),
    "hours_practical": ("start_week", "end_week"),
    "hours_education": ("start_week", "end_week"),
    "education_share": ("start_week", "end_week"),
    "below_target": ("education_share",),
    "due_soon": (),
    "overdue": (),
}


class DaysBetween(Func):
    """`later - earlier` for two dates, in whole days (PostgreSQL's date subtraction)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


class MondayOf(Func):
    """The Monday that starts a date's ISO week, as a date (see `trainees.models.monday_of`)."""

    template = "(DATE_TRUNC('week', %(expressions)s)::date)"
    output_field = DateField()


class Correlated(Expression):
    """A correlated subquery in SQL: `sql` names the values it takes from the outer row
    (or constants) in braces, and `values` gives them as expressions (a string is a
    field or alias of the outer row). The page has a dozen of these per query; written
    so, they cost the ORM a fraction of what a `Subquery` of a queryset costs to build
    and compile, and the database the same."""

    def __init__(self, sql: str, output_field: Field[Any, Any], **values: Any) -> None:
        super().__init__(output_field=output_field)
        self.sql = sql
        # The SQL's text, each piece followed by the name of the value after it (or None).
        self.pieces = [(text, name) for text, name, _spec, _conv in Formatter().parse(sql)]
        self.names = list(values)
        self.values = [F(v) if isinstance(v, str) else v for v in values.values()]

    def get_source_expressions(self) -> list[Any]:
        return self.values

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.values = list(exprs)

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        compiled = dict(zip(self.names, map(compiler.compile, self.values), strict=True))
        sql, params = ["("], []
        for text, name in self.pieces:
            sql.append(text)
            if name is not None:
                value_sql, value_params = compiled[name]
                sql.append(value_sql)
                params.extend(value_params)
        sql.append(")")
        return "".join(sql), params


def _table(model: type[Model]) -> str:
    return f'"{model._meta.db_table}"'


# A trainee's logs, by the index on (trainee, week); `figure_log` cannot clash with the
# outer query's aliases.
LOGS = f"FROM {_table(ProgressLog)} figure_log WHERE figure_log.trainee_id = {{trainee}}"
LOGS_BETWEEN = LOGS + " AND figure_log.week BETWEEN {since} AND {until}"
LAST_LOG = LOGS + " ORDER BY figure_log.week DESC LIMIT 1"
MILESTONES_TO_DO = (
    f"FROM {_table(Milestone)} figure_milestone "
    "WHERE figure_milestone.trainee_id = {trainee} AND figure_milestone.status = {to_do}"
)


class Counted(Paginator[Enrolment]):
    """The paginator of a page whose query counted the rows: it is told their number
    and reads no list of its own."""

    def __init__(self, count: int, per_page: int) -> None:
        super().__init__([], per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


class Figures:
    """The figures of one cohort's enrolments on one day, each built when a query names
    it, together with those it is computed from."""

    def __init__(self, cohort: Cohort, today: datetime.date) -> None:
        self.cohort = cohort
        self.today = today

    def enrolments(self) -> QuerySet[Enrolment]:
        """The cohort's enrolments, without figures: filter and sort them with `alias`."""
        return Enrolment.objects.filter(cohort=self.cohort)

    def alias(self, queryset: QuerySet[Any], *names: str) -> QuerySet[Any]:
        """`queryset` with the figures `names` as aliases, to filter or sort by: the
        database computes them only where a filter or an order uses them."""
        missing = self._in_order(names, have=queryset.query.annotations)
        return queryset.alias(**missing) if missing else queryset

    def page(self, keys: QuerySet[Any], number: str | None, per_page: int) -> Page[Enrolment]:
        """The page `number` of `keys` (the filtered, sorted `enrolments`), with every
        figure, as `labportal.core.pagination.paginate` would give it: a number that is
        none gives the first page, one below 1 or past the end the last.

        Two queries: the first numbers the enrolments in their order and counts them
        (window functions, in the query that sorts them, so that neither the count nor
        a page past the end costs a query of its own) and keeps the page's; the second
        computes every figure for those only."""
        try:
            asked = int(number or 1)
        except ValueError:
            asked = 1
        # Where the last page starts, for a page past the end (or below the first).
        last_start = (F("total") - 1) / per_page * per_page
        start = Least(Value((asked - 1) * per_page), last_start) if asked >= 1 else last_start
        picked = list(
            keys.annotate(
                position=Window(RowNumber(), order_by=cast("list[Any]", keys.query.order_by)),
                total=Window(Count("pk")),
            )
            .filter(position__gt=start, position__lte=start + per_page)
            .order_by("position")
            .values_list("pk", "position", "total")
        )
        if not picked:
            return Page([], 1, Counted(0, per_page))
        _pk, first, total = picked[0]
        rows = {
            row.pk: row
            for row in Enrolment.objects.filter(pk__in=[pk for pk, _position, _total in picked])
            .select_related("trainee")
            .annotate(**self._in_order(NEEDS, have={}))
            .order_by()  # put in order below, by position
        }
        return Page(
            [rows[pk] for pk, _position, _total in picked],
            (first - 1) // per_page + 1,
            Counted(total, per_page),
        )

    def _in_order(self, names: Iterable[str], have: dict[str, Any]) -> dict[str, Any]:
        """The expressions of `names` and of those they need, those needed first, less
        those in `have`."""
        wanted: dict[str, Any] = {}

        def add(name: str) -> None:
            if name in have or name in wanted:
                return
            for need in NEEDS[name]:
                add(need)
            wanted[name] = self._expression(name)

        for name in names:
            add(name)
        return wanted

    def _expression(self, name: str) -> Any:
        cohort, today = self.cohort, self.today
        trainee = "trainee_id"
        enrolment = {"trainee": trainee, "since": "start_week", "until": "end_week"}
        match name:
            # An enrolment's dates are always set (the cohort's unless its own).
            case "start_week":
                return MondayOf(F("starts_on"))
            case "end_week":
                return MondayOf(F("ends_on"))
            case "counted_until":
                last_week = monday_of(today) - datetime.timedelta(weeks=1)
                return Least(F("end_week"), Value(last_week, output_field=DateField()))
            case "owed_weeks":
                return Greatest(DaysBetween(F("counted_until"), F("start_week")) / 7 + 1, Value(0))
            case "logged_weeks":
                return Correlated(
                    f"SELECT COUNT(*) {LOGS_BETWEEN}",
                    IntegerField(),
                    trainee=trainee,
                    since="start_week",
                    until="counted_until",
                )
            case "missing_weeks":
                return Greatest(F("owed_weeks") - F("logged_weeks"), Value(0))
            case "last_week_logged":
                return Correlated(
                    f"SELECT figure_log.week {LAST_LOG}", DateField(), trainee=trainee
                )
            case "has_blockers":
                # The last log's; NULL (not blocked) for a trainee without logs.
                return Correlated(
                    f"SELECT LENGTH(TRIM(figure_log.blockers)) > 0 {LAST_LOG}",
                    BooleanField(),
                    trainee=trainee,
                )
            case "hours_practical" | "hours_education":
                return Correlated(
                    f"SELECT COALESCE(SUM(figure_log.{name}), 0) {LOGS_BETWEEN}",
                    HOURS,
                    **enrolment,
                )
            case "education_share":
                # One pass over the logs (it is also what the page sorts by); NULL
                # without hours.
                return Correlated(
                    "SELECT ROUND(SUM(figure_log.hours_education) * 100 / NULLIF("
                    "SUM(figure_log.hours_practical) + SUM(figure_log.hours_education), 0))"
                    f" {LOGS_BETWEEN}",
                    HOURS,
                    **enrolment,
                )
            case "below_target":
                return ExpressionWrapper(
                    Q(education_share__lt=cohort.education_target_percent),
                    output_field=BooleanField(),
                )
            case "due_soon":
                until = today + datetime.timedelta(days=settings.MILESTONE_DUE_SOON_DAYS)
                return Correlated(
                    f"SELECT COUNT(*) {MILESTONES_TO_DO}"
                    " AND figure_milestone.due_on BETWEEN {today} AND {until}",
                    IntegerField(),
                    trainee=trainee,
                    to_do=Value(MilestoneStatus.PLANNED.value),
                    today=Value(today),
                    until=Value(until),
                )
            case "overdue":
                return Correlated(
                    f"SELECT COUNT(*) {MILESTONES_TO_DO} AND figure_milestone.due_on < {{today}}",
                    IntegerField(),
                    trainee=trainee,
                    to_do=Value(MilestoneStatus.PLANNED.value),
                    today=Value(today),
                )
        raise ValueError(name)


# A row of the page's table. The markup is that of the page's template, and the words
# are its msgids; a row is written here rather than in the template because the template
# engine spends some 700 function calls on a row of tags, and this a tenth of that.
ROW = (
    '<tr><th scope="row" class="fw-normal"><a href="{url}">{trainee}</a> '
    '<div class="small text-body-secondary">{email}</div></th>'
    "<td>{last_log}</td>"
    '<td>{missing} <span class="small text-body-secondary">{owed}</span></td>'
    "<td>{hours} {share}</td>"
    "<td>{blockers}</td>"
    "<td>{due_soon} {overdue}</td></tr>"
)


def in_html(rows: Iterable[Enrolment]) -> list[Enrolment]:
    """`rows` (of `Figures.page`), each given `html`, its row of the page's table."""
    none_yet = gettext("None yet")
    below_target = format_html(
        ' <strong class="text-danger-emphasis">{}</strong>', gettext("below target")
    )
    blocked = format_html("<strong>{}</strong>", gettext("Yes"))
    not_blocked = format_html('<span class="text-body-secondary">{}</span>', gettext("No"))
    rows = list(rows)
    for row in rows:
        figures: Any = row
        last, share = figures.last_week_logged, figures.education_share
        owed, missing = figures.owed_weeks, figures.missing_weeks
        due_soon, overdue = figures.due_soon, figures.overdue
        last_log: str = none_yet
        if last:
            year, week, _day = last.isocalendar()
            last_log = format_html(
                '<time datetime="{}-W{}">{}</time>',
                year,
                week,
                gettext("Week %(number)s, %(year)s") % {"number": week, "year": year},
            )
        figures.html = format_html(
            ROW,
            url=reverse("trainees:milestones", args=[row.trainee_id]),
            trainee=row.trainee,
            email=row.trainee.email,
            last_log=last_log,
            missing=format_html("<strong>{}</strong>", localize(missing)) if missing else "0",
            owed=ngettext("of %(counter)s week", "of %(counter)s weeks", owed)
            % {"counter": localize(owed)},
            hours=f"{floatformat(figures.hours_practical, '-1')} / "
            f"{floatformat(figures.hours_education, '-1')}",
            share=format_html(
                '<div class="small">{}{}</div>',
                gettext("%(share)s %% education") % {"share": floatformat(share, "0")},
                below_target if figures.below_target else "",
            )
            if share is not None
            else "",
            blockers=blocked if figures.has_blockers else not_blocked,
            due_soon=ngettext("%(counter)s due soon", "%(counter)s due soon", due_soon)
            % {"counter": localize(due_soon)},
            overdue=format_html(
                '<div><strong class="text-danger-emphasis">{}</strong></div>',
                ngettext("%(counter)s overdue", "%(counter)s overdue", overdue)
                % {"counter": localize(overdue)},
            )
            if overdue
            else "",
        )
    return rows


def cohort_list() -> QuerySet[Cohort]:
    """Cohorts, newest first, with the number of trainees enrolled (leavers aside).

    The count is a subquery per cohort, so that PostgreSQL counts only the page's
    cohorts (grouping every cohort's enrolments took 90 ms with 3,000 cohorts)."""
    enrolled = (
        Enrolment.objects.filter(cohort=OuterRef("pk"), left_early=False)
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Cohort.objects.select_related("organisation", "lab_lead")
        .annotate(trainee_count=Coalesce(Subquery(enrolled, output_field=IntegerField()), Value(0)))
        .order_by("-starts_on", "name", "pk")
    )
