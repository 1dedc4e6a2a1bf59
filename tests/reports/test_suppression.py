"""Small-cell suppression (`reports.suppression`): counts of 1 to 4 people are hidden,
and so is whatever would let a reader work a hidden count out from the totals."""

import random

import pytest

from reports.suppression import Figure, share, suppress


def shown(table):
    return [[cell.shown(table.k) for cell in row] for row in table.cells]


def lines_of(table):
    """Each line that adds up: (its parts, its total), as Figures."""
    rows = table.cells
    yield from ((row, total) for row, total in zip(rows, table.row_totals, strict=True))
    for j, total in enumerate(table.column_totals):
        yield [row[j] for row in rows], total
    yield table.row_totals, table.total
    yield table.column_totals, table.total


def test_a_small_count_is_hidden_with_a_second_one_in_its_row_and_column():
    table = suppress([[3, 10, 12], [8, 9, 20]], k=5)

    # the 3 is hidden; its row shows its total, so the row's smallest other count (10)
    # goes too; its column shows its total, so 8 goes as well, and then 9 in that row
    assert shown(table) == [["<5", "<5", "12"], ["<5", "<5", "20"]]
    assert [t.shown(5) for t in table.row_totals] == ["25", "37"]
    assert [t.shown(5) for t in table.column_totals] == ["11", "19", "32"]
    assert table.total.shown(5) == "62"


def test_zeros_are_shown_and_a_lone_small_count_hides_its_total():
    table = suppress([[0, 2], [0, 30]], k=5)

    # the 2's row total is small itself; its column shows 32, so the 30 goes, and
    # then the second row's total, which would give the 30 back
    assert shown(table) == [["0", "<5"], ["0", "<5"]]
    assert [t.shown(5) for t in table.row_totals] == ["<5", "<5"]
    assert [t.shown(5) for t in table.column_totals] == ["0", "32"]


def test_nothing_is_hidden_when_every_count_is_large_enough():
    table = suppress([[5, 6], [7, 50]], k=5)

    assert not any(f.hidden for row in table.cells for f in row)
    assert not any(f.hidden for f in [*table.row_totals, *table.column_totals, table.total])


@pytest.mark.parametrize("seed", range(200))
def test_no_line_ever_has_a_single_hidden_figure_and_no_small_count_shows(seed):
    rng = random.Random(seed)
    height, width = rng.randint(1, 6), rng.randint(1, 6)
    data = [
        [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 40]) for _ in range(width)]
        for _ in range(height)
    ]

    table = suppress(data, k=5)

    figures = [f for row in table.cells for f in row]
    figures += [*table.row_totals, *table.column_totals, table.total]
    assert all(f.hidden for f in figures if 0 < f.value < 5)
    for parts, total in lines_of(table):
        hidden = sum(f.hidden for f in [*parts, total])
        # one hidden figure in a line that adds up could be worked out by subtraction
        assert hidden != 1, (data, parts, total)
    # the true values are kept, for the totals a reader does see
    assert table.total.value == sum(map(sum, data))


def test_a_table_with_uneven_rows_or_negative_counts_is_refused():
    with pytest.raises(ValueError, match="same number"):
        suppress([[1, 2], [3]], k=5)
    with pytest.raises(ValueError, match="negative"):
        suppress([[-1]], k=5)


def test_the_threshold_comes_from_the_settings(settings):
    settings.REPORT_MIN_CELL = 3

    table = suppress([[3, 4], [3, 9]])

    assert table.k == 3
    assert not any(f.hidden for row in table.cells for f in row)
    assert suppress([[2, 4], [3, 9]]).cells[0][0].hidden


def test_a_share_is_hidden_when_its_count_or_base_is():
    assert share(Figure(6, False), Figure(12, False), k=5) == "50 %"
    assert share(Figure(3, True), Figure(12, False), k=5) is None
    assert share(Figure(6, False), Figure(12, True), k=5) is None
    assert share(Figure(0, False), Figure(0, False), k=5) is None
