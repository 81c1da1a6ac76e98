"""The national suppression engine (owcf.national.disclosure) on tables small enough to
work by hand, and on random ones, each pattern checked by the independent linear
programming audit in ``tests/audit_lp.py``: a figure a reader can pin to a range under 1
wide is a disclosure, whatever rule chose the pattern."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from owcf.national.disclosure import (
    FEWER_RESPONDENTS,
    FEWER_TRUSTS,
    RESPONDENTS,
    SECONDARY,
    SUM,
    TRUSTS,
    Figure,
    NationalTable,
    _cover,
    bounds,
    exposed,
    protect,
)

from .audit_lp import disclosed


def _audit(table: NationalTable, withheld: dict[int, str]) -> list[str]:
    """The audit's verdict on ``withheld``, from the figures and relations alone."""
    figures = table.figures
    published = {f.key: f.value for i, f in enumerate(figures) if i not in withheld}
    hidden = {figures[i].key: bounds(figures[i], reason) for i, reason in withheld.items()}
    relations = [{**{figures[c].key: a for c, a in r.terms}, figures[r.total].key: -1.0}
                 for r in table.relations]
    return disclosed(published, hidden, relations)


def _row(values: list[int], threshold: int = 5) -> tuple[NationalTable, list[int], int]:
    """Counts of respondents that add up to a published total."""
    table = NationalTable()
    cells = [table.add(f"c{k}", v, RESPONDENTS, respondents=v, threshold=threshold)
             for k, v in enumerate(values)]
    total = table.add("total", sum(values), RESPONDENTS, respondents=sum(values),
                      threshold=threshold)
    table.relate(cells, total)
    return table, cells, total


def test_what_a_reason_tells_a_reader() -> None:
    trusts = Figure("t", 3, TRUSTS, FEWER_TRUSTS)
    assert bounds(trusts, FEWER_TRUSTS) == (1.0, 4.0)          # 1 to 4 trusts
    people = Figure("p", 3, RESPONDENTS, FEWER_RESPONDENTS, threshold=10)
    assert bounds(people, FEWER_RESPONDENTS) == (1.0, 9.0)     # 1 to 9 people
    # a figure about people resting on few trusts: at least one, no upper limit
    assert bounds(people, FEWER_TRUSTS) == (1.0, math.inf)
    assert bounds(Figure("p", 3, RESPONDENTS, FEWER_RESPONDENTS), FEWER_RESPONDENTS) == \
        (1.0, math.inf)
    assert bounds(people, SECONDARY) == (0.0, math.inf)


def test_primary_reasons_come_from_trusts_first_then_respondents() -> None:
    table = NationalTable()
    few_trusts = table.add("a", 3, TRUSTS, trusts=4, respondents=2, threshold=5)
    enough = table.add("b", 40, TRUSTS, trusts=5, respondents=40, threshold=5)
    few_people = table.add("c", 4, RESPONDENTS, trusts=9, respondents=4, threshold=5)
    nobody = table.add("d", 0, RESPONDENTS, trusts=0, respondents=0, threshold=5)
    assert table.add("a", 99, TRUSTS) == few_trusts  # one cell per key
    assert [f.primary for f in table.figures] == [FEWER_TRUSTS, None, FEWER_RESPONDENTS, None]
    assert (enough, few_people, nobody) == (1, 2, 3)
    assert protect(NationalTable()) == {}


def test_a_lone_small_count_takes_the_smallest_other_count_with_it() -> None:
    """2 + 10 + 20 = 32: the 2 would be 32 - 30, so the 10 goes too; then the 2 lies
    anywhere from 1 to 4 and the 10 from 8 to 11."""
    table, (small, ten, _twenty), _total = _row([2, 10, 20])
    assert protect(table) == {small: FEWER_RESPONDENTS, ten: SECONDARY}
    assert _audit(table, protect(table)) == []


def test_two_small_counts_that_must_be_one_each_get_a_third_withheld() -> None:
    """1 + 1 + 10 = 12: each small count is at least 1 and together they are 2, so both
    are pinned at 1 until the 10 is withheld too."""
    table, (a, b, ten), _total = _row([1, 1, 10])
    assert exposed(table, {a: FEWER_RESPONDENTS, b: FEWER_RESPONDENTS}) == [a, b]
    assert protect(table) == {a: FEWER_RESPONDENTS, b: FEWER_RESPONDENTS, ten: SECONDARY}
    assert _audit(table, protect(table)) == []


def test_four_small_counts_at_their_ceiling_are_pinned_too() -> None:
    """4 + 4 + 30 = 38 with the 30 withheld leaves room; 4 + 4 alone would not: the
    reader knows each is at most 4 and that they make 8."""
    table, (a, b, thirty), _total = _row([4, 4, 30])
    assert exposed(table, {a: FEWER_RESPONDENTS, b: FEWER_RESPONDENTS}) == [a, b]
    withheld = protect(table)
    assert withheld == {a: FEWER_RESPONDENTS, b: FEWER_RESPONDENTS, thirty: SECONDARY}


def test_a_mean_is_withheld_with_its_group() -> None:
    table, (small, ten, twenty), total = _row([2, 10, 20])
    mean = table.add("mean of c0", 6.0, SUM)
    table.tie([small, mean])
    table.tie([total])  # a tie of one cell ties nothing
    assert table.ties == [[small, mean]]
    assert protect(table) == {small: FEWER_RESPONDENTS, ten: SECONDARY, mean: SECONDARY}
    # a tie with nothing withheld withholds nothing
    table.tie([twenty, table.add("mean of c2", 3.0, SUM)])
    assert protect(table) == {small: FEWER_RESPONDENTS, ten: SECONDARY, mean: SECONDARY}


def test_answer_counts_weighted_by_scores_pin_what_a_row_alone_would_not() -> None:
    """Counts 1, 5, 5 of scores 1, 2, 3: 11 answers with 26 points. Withholding the 1 and
    the first 5 leaves two equations in two unknowns (c0 + c1 = 6, c0 + 2 c1 = 11), so
    the second 5 goes too; then c0 = (7 - c1) / 2 ranges from 1 to 3.5."""
    table = NationalTable()
    counts = [table.add(f"c{k}", v, RESPONDENTS, respondents=v, threshold=5)
              for k, v in enumerate([1, 5, 5])]
    n = table.add("n", 11, RESPONDENTS, respondents=11, threshold=5)
    points = table.add("sum", 26, SUM)
    table.relate(counts, n)
    table.relate([(c, float(score)) for c, score in zip(counts, [1, 2, 3], strict=True)],
                 points)
    withheld = protect(table)
    assert withheld == {counts[0]: FEWER_RESPONDENTS, counts[1]: SECONDARY,
                        counts[2]: SECONDARY}
    assert _audit(table, withheld) == []
    # the audit agrees that one fewer would not do
    assert _audit(table, {counts[0]: FEWER_RESPONDENTS, counts[1]: SECONDARY}) == ["c0", "c1"]


def test_a_true_zero_is_never_taken_as_protection() -> None:
    """3 + 0 = 3: the total is as small as the count, so both are withheld as small; the
    zero stays published, and each withheld figure still ranges from 1 to 4."""
    table, (three, _zero), total = _row([3, 0])
    assert protect(table) == {three: FEWER_RESPONDENTS, total: FEWER_RESPONDENTS}
    assert _audit(table, protect(table)) == []


def test_when_nothing_is_left_to_withhold_the_reasons_say_less() -> None:
    """1 + 1 = 2, all under 3: said to be small, the total (at most 2) would pin both
    members at 1. With nothing published left to withhold, the total is marked secondary
    (at least 0): the members then range from 1 to 2."""
    table, (a, b), total = _row([1, 1], threshold=3)
    withheld = protect(table)
    assert withheld == {a: FEWER_RESPONDENTS, b: FEWER_RESPONDENTS, total: SECONDARY}
    assert _audit(table, withheld) == []
    assert _audit(table, {a: FEWER_RESPONDENTS, b: FEWER_RESPONDENTS,
                          total: FEWER_RESPONDENTS}) == ["c0", "c1", "total"]


def test_saying_less_starts_with_the_largest_small_figure() -> None:
    """The same 1 + 1 = 2 with the total registered first: still the total (the largest)
    is the one marked secondary, not the last registered."""
    table = NationalTable()
    total = table.add("total", 2, RESPONDENTS, respondents=2, threshold=3)
    a = table.add("a", 1, RESPONDENTS, respondents=1, threshold=3)
    b = table.add("b", 1, RESPONDENTS, respondents=1, threshold=3)
    table.relate([a, b], total)
    assert protect(table) == {total: SECONDARY, a: FEWER_RESPONDENTS, b: FEWER_RESPONDENTS}


def test_the_cover_is_the_smallest_count_reached_through_withheld_figures() -> None:
    """x is pinned. Its relation ties it to y (withheld) and z (1); y's relation ties it
    to q (3), a zero and a sum of scores (0.5). v (1, registered first) is in a relation
    x does not reach. The cover is z: the smallest non-zero count reached, before any
    sum of scores or total, and nothing from v's relation."""
    table = NationalTable()
    v = table.add("v", 1, RESPONDENTS)
    q = table.add("q", 3, RESPONDENTS)
    z = table.add("z", 1, RESPONDENTS)
    zero = table.add("zero", 0, RESPONDENTS)
    score = table.add("score", 0.5, SUM)
    x = table.add("x", 2, RESPONDENTS, respondents=2, threshold=5)
    y = table.add("y", 8, RESPONDENTS)
    t1, t2, t3 = (table.add(k, value, RESPONDENTS) for k, value in
                  (("t1", 11), ("t2", 11.5), ("t3", 2)))
    table.relate([v, table.add("w", 1, RESPONDENTS)], t3)   # not reached from x
    table.relate([x, y, z], t1)
    table.relate([y, q, zero, score], t2)
    withheld: dict[int, str | None] = {x: FEWER_RESPONDENTS, y: SECONDARY}
    assert _cover(table, table.relations, x, withheld) == z
    # with z withheld too, q is next; then, counts gone, the sum of scores; then a total
    withheld[z] = SECONDARY
    assert _cover(table, table.relations, x, withheld) == q
    withheld[q] = SECONDARY
    assert _cover(table, table.relations, x, withheld) == score
    withheld[score] = SECONDARY
    assert _cover(table, table.relations, x, withheld) == t1


@st.composite
def _grids(draw: st.DrawFn) -> tuple[list[list[int]], int]:
    rows, columns = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    values = st.one_of(st.integers(0, 6), st.integers(0, 40))
    grid = [[draw(values) for _ in range(columns)] for _ in range(rows)]
    return grid, draw(st.integers(3, 6))


def _grid_table(grid: list[list[int]], threshold: int) -> NationalTable:
    """A grid of counts with its row totals, column totals and grand total."""
    table = NationalTable()

    def count(key: str, value: int) -> int:
        return table.add(key, value, RESPONDENTS, respondents=value, threshold=threshold)

    cells = [[count(f"r{i}c{j}", v) for j, v in enumerate(row)] for i, row in enumerate(grid)]
    row_totals = [count(f"r{i}", sum(row)) for i, row in enumerate(grid)]
    column_totals = [count(f"c{j}", sum(col)) for j, col in enumerate(zip(*grid, strict=True))]
    grand = count("all", sum(map(sum, grid)))
    for i, row in enumerate(cells):
        table.relate(row, row_totals[i])
    for j, column in enumerate(zip(*cells, strict=True)):
        table.relate(list(column), column_totals[j])
    table.relate(row_totals, grand)
    table.relate(column_totals, grand)
    return table


@settings(max_examples=80, deadline=None)
@given(drawn=_grids())
def test_random_tables_with_margins_pass_the_audit(drawn: tuple[list[list[int]], int]) -> None:
    """A grid of counts with its row totals, column totals and grand total: every small
    count is withheld, and the audit pins no withheld figure."""
    grid, threshold = drawn
    table = _grid_table(grid, threshold)
    withheld = protect(table)
    small = {i for i, f in enumerate(table.figures) if 0 < f.value < threshold}
    assert small <= set(withheld)
    # a reason says "fewer than" only of small figures (a small one may say less)
    assert all(i in small for i, reason in withheld.items() if reason == FEWER_RESPONDENTS)
    assert set(withheld.values()) <= {FEWER_RESPONDENTS, SECONDARY}
    assert _audit(table, withheld) == []


@pytest.mark.parametrize("values", [[1, 2, 30], [2, 2, 2, 40], [0, 0, 4]])
def test_rows_by_hand_pass_the_audit(values: list[int]) -> None:
    table, _, _ = _row(values)
    assert _audit(table, protect(table)) == []


@settings(max_examples=80, deadline=None)
@given(drawn=_grids(), data=st.data())
def test_what_the_engine_calls_exposed_is_what_the_audit_finds(
        drawn: tuple[list[list[int]], int], data: st.DataObject) -> None:
    """For any set of withheld figures, not only the engine's own patterns: the engine's
    test for a pinned figure (free moves, then linear programming) agrees with the
    independent audit, cell for cell."""
    grid, threshold = drawn
    table = _grid_table(grid, threshold)
    chosen = data.draw(st.sets(st.sampled_from(range(len(table.figures))), min_size=1))
    withheld: dict[int, str | None] = {
        i: FEWER_RESPONDENTS if 0 < table.figures[i].value < threshold else SECONDARY
        for i in sorted(chosen)}
    ours = sorted(table.figures[i].key for i in exposed(table, withheld))
    assert ours == _audit(table, {i: str(r) for i, r in withheld.items()})
