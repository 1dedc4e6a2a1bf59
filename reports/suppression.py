"""Small-cell suppression for tables of counts about people.

A count of 1 to k-1 people (k = REPORT_MIN_CELL) is hidden ("primary"). That alone
is not enough: with the row's total shown, the one hidden cell of a row is the total
minus the cells shown. So, for every line of the table — each row with its total,
each column with its total, the row totals with the grand total, the column totals
with the grand total — a line with exactly one hidden figure gets a second one
hidden ("secondary"): its smallest non-zero figure shown, or the line's total when
no other figure is left. This repeats until no line has a single hidden figure, so
no hidden count can be worked out by subtraction from what is shown.

A zero is shown: it says nobody, and hiding it would hide nothing. Shares are
hidden when their count or their base is hidden (`share`).

The same function decides for the dashboard, the PDF and the pseudonymised exports,
so that they hide the same cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

# The position of a figure: (row, column); None for a row's or a column's total, and
# (None, None) for the grand total.
Position = tuple[int | None, int | None]


@dataclass(frozen=True)
class Figure:
    value: int
    hidden: bool

    def shown(self, k: int) -> str:
        return f"<{k}" if self.hidden else str(self.value)

    @property
    def text(self) -> str:
        """As a page shows it, with the installation's threshold."""
        return self.shown(min_cell())


@dataclass(frozen=True)
class SuppressedTable:
    """A table of counts with its totals and what is hidden; `k` the threshold."""

    cells: list[list[Figure]]
    row_totals: list[Figure]
    column_totals: list[Figure]
    total: Figure
    k: int


def min_cell() -> int:
    return int(settings.REPORT_MIN_CELL)


def is_small(value: int, k: int) -> bool:
    return 0 < value < k


def suppress(
    table: Sequence[Sequence[int]], k: int | None = None, *, columns: int | None = None
) -> SuppressedTable:
    """Hide the small counts of `table` (rows of `columns` cells; by default as many
    as the first row has) and whatever would reveal them through the totals (see
    the module)."""
    k = k or min_cell()
    rows = [list(row) for row in table]
    width = columns if columns is not None else (len(rows[0]) if rows else 0)
    if any(len(row) != width for row in rows):
        raise ValueError("Every row of a table needs the same number of cells.")
    values: dict[Position, int] = {}
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value < 0:
                raise ValueError("A count of people is never negative.")
            values[(i, j)] = value
        values[(i, None)] = sum(row)
    for j in range(width):
        values[(None, j)] = sum(row[j] for row in rows)
    values[(None, None)] = sum(values[(i, None)] for i in range(len(rows)))

    hidden = {position for position, value in values.items() if is_small(value, k)}
    lines = _lines(len(rows), width)
    changed = True
    while changed:
        changed = False
        for line in lines:
            unknown = [position for position in line if position in hidden]
            if len(unknown) != 1:
                continue
            partner = _second_to_hide(line, hidden, values)
            if partner is not None:
                hidden.add(partner)
                changed = True

    def figure(position: Position) -> Figure:
        return Figure(values[position], position in hidden)

    return SuppressedTable(
        cells=[[figure((i, j)) for j in range(width)] for i in range(len(rows))],
        row_totals=[figure((i, None)) for i in range(len(rows))],
        column_totals=[figure((None, j)) for j in range(width)],
        total=figure((None, None)),
        k=k,
    )


def _lines(height: int, width: int) -> list[list[Position]]:
    """Each line of figures that adds up: its parts, then the total they add up to."""
    lines: list[list[Position]] = []
    for i in range(height):
        lines.append([*((i, j) for j in range(width)), (i, None)])
    for j in range(width):
        lines.append([*((i, j) for i in range(height)), (None, j)])
    lines.append([*((i, None) for i in range(height)), (None, None)])
    lines.append([*((None, j) for j in range(width)), (None, None)])
    return lines


def _second_to_hide(
    line: list[Position], hidden: set[Position], values: dict[Position, int]
) -> Position | None:
    """The smallest non-zero part still shown; else the line's total (the last);
    None when everything else in the line is zero and the total is already hidden."""
    *parts, total = line
    shown = [p for p in parts if p not in hidden and values[p] > 0]
    if shown:
        return min(shown, key=lambda p: (values[p], p[0] or 0, p[1] or 0))
    if total not in hidden:
        return total
    return None


def share(count: Figure, base: Figure, k: int | None = None) -> str | None:
    """`count` of `base` as a whole percentage; None (shown as "<k" or a dash by the
    caller) when either is hidden or the base is empty."""
    k = k or min_cell()
    if count.hidden or base.hidden or base.value == 0 or is_small(base.value, k):
        return None
    return f"{round(100 * count.value / base.value)} %"


def shown_value(figure: Figure, k: int) -> Any:
    """For exports: the number, or the text "<k"."""
    return f"<{k}" if figure.hidden else figure.value
