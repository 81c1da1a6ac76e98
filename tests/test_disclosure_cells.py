"""The secondary-suppression engine (owcf.stats.disclosure.CellTable) on tables small
enough to work out by hand: which figure it withholds to protect a small one, and why."""

from __future__ import annotations

import numpy as np

from owcf.stats.disclosure import PRIMARY, SECONDARY, SHOWN, CellTable


def _solve(values: list[float], basis: list[float], sets: list[tuple[list[int], int]],
           threshold: int = 5) -> list[int]:
    table = CellTable()
    index = table.add(np.array(values), np.array(basis), threshold)
    assert index.tolist() == list(range(len(values)))
    for members, total in sets:
        table.link(members, total)
    return table.solve().tolist()


def test_nothing_small_withholds_nothing() -> None:
    assert _solve([7, 9, 16], [7, 9, 16], [([0, 1], 2)]) == [SHOWN, SHOWN, SHOWN]


def test_a_small_figure_is_withheld_and_a_true_zero_is_not() -> None:
    """Primary suppression: 0 < basis < threshold. A zero rests on nobody; 5 is not fewer
    than 5; 4 is."""
    assert _solve([0, 5, 4], [0, 5, 4], []) == [SHOWN, SHOWN, PRIMARY]


def test_the_partner_is_the_smallest_other_non_zero_member() -> None:
    """a + b + c + d = T, a = 3 small: b = 0 would protect nothing, so the smallest
    non-zero other one is withheld: d = 6 (not c = 9, not the first in order)."""
    state = _solve([3, 0, 9, 6, 18], [3, 0, 9, 6, 18], [([0, 1, 2, 3], 4)])
    assert state == [PRIMARY, SHOWN, SHOWN, SECONDARY, SHOWN]


def test_a_member_of_one_is_a_partner_like_any_other() -> None:
    """A visible figure of 1 (an answer count resting on many respondents can be small
    where the basis is not) is the smallest non-zero member, so it is the partner."""
    state = _solve([3, 1, 8, 12], [3, 9, 8, 12], [([0, 1, 2], 3)])
    assert state == [PRIMARY, SECONDARY, SHOWN, SHOWN]


def test_equal_partners_go_by_position() -> None:
    """Two candidates of equal size: the first one in the table is taken."""
    state = _solve([4, 7, 7, 18], [4, 7, 7, 18], [([0, 1, 2], 3)])
    assert state == [PRIMARY, SECONDARY, SHOWN, SHOWN]


def test_with_no_member_left_the_total_is_withheld() -> None:
    """A set of one member and its total, at cell 0: the member is small, no other member
    can protect it, so the total goes."""
    state = _solve([6, 4], [6, 4], [([1], 0)])
    assert state == [SECONDARY, PRIMARY]


def test_a_total_at_cell_0_with_one_member_is_a_set_through_link_axis() -> None:
    table = CellTable()
    total = table.add(np.array([6.0]), np.array([6.0]), 5)
    member = table.add(np.array([[4.0]]), np.array([[4.0]]), 5)
    table.link_axis(member, axis=0, totals=total)
    assert table.solve().tolist() == [SECONDARY, PRIMARY]


def test_link_axis_links_along_the_axis_it_is_given() -> None:
    """A 2 x 3 block linked along axis 1 (rows add up): the small cell's row gets a
    partner; linked along axis 0 (columns), its column does."""
    values = np.array([[3.0, 8.0, 6.0], [9.0, 7.0, 12.0]])
    for axis, partner in ((1, (0, 2)), (0, (1, 0))):
        table = CellTable()
        index = table.add(values, values, 5)
        table.link_axis(index, axis=axis)
        state = table.solve().reshape(2, 3)
        assert state[0, 0] == PRIMARY
        assert state[partner] == SECONDARY, axis
        assert (state == SECONDARY).sum() == 1


def test_protection_spreads_until_no_set_has_a_lone_withheld_member() -> None:
    """Row a + b = T1 and column b + c = T2: a is small, b protects it, then b is alone
    in the column, so c is withheld too."""
    state = _solve([2, 8, 9, 10, 17], [2, 8, 9, 10, 17], [([0, 1], 3), ([1, 2], 4)])
    assert state == [PRIMARY, SECONDARY, SECONDARY, SHOWN, SHOWN]


def test_an_empty_table_withholds_nothing() -> None:
    state = CellTable().solve()
    assert state.shape == (0,)


def test_a_total_at_cell_0_passes_protection_on() -> None:
    """Cell 0 is the total of two sets: {1} (small) and {2}. Withheld to protect cell 1,
    the total is then the lone withheld figure of the other set, so cell 2 goes too."""
    assert _solve([6, 4, 6], [6, 4, 6], [([1], 0), ([2], 0)]) == [SECONDARY, PRIMARY, SECONDARY]
