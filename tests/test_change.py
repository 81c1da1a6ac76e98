"""Changes between rounds against independent references: scipy's Welch test from
summary statistics and statsmodels' Holm adjustment, to 1e-9."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

from owcf.stats.change import Change, Summary, holm, real_changes, welch

SUMMARY = st.builds(Summary, mean=st.floats(1, 5), sd=st.floats(0.05, 2),
                    n_eff=st.floats(2, 1e6))


def _reference(before: Summary, after: Summary) -> tuple[float, float, float, float]:
    """(t, p, ci_low, ci_high) from scipy, worked from the same summaries."""
    test = stats.ttest_ind_from_stats(after.mean, after.sd, after.n_eff,
                                      before.mean, before.sd, before.n_eff, equal_var=False)
    va, vb = after.sd ** 2 / after.n_eff, before.sd ** 2 / before.n_eff
    df = (va + vb) ** 2 / (va ** 2 / (after.n_eff - 1) + vb ** 2 / (before.n_eff - 1))
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    d = after.mean - before.mean
    return float(test.statistic), float(test.pvalue), d - half, d + half


@settings(max_examples=300)
@given(before=SUMMARY, after=SUMMARY)
def test_welch_equals_scipy(before: Summary, after: Summary) -> None:
    change = welch(before, after)
    t, p, low, high = _reference(before, after)
    assert change.se is not None and change.p_value is not None
    assert change.ci_low is not None and change.ci_high is not None
    assert math.isclose(change.difference / change.se, t, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(change.p_value, p, rel_tol=1e-9, abs_tol=1e-15)
    assert math.isclose(change.ci_low, low, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(change.ci_high, high, rel_tol=1e-9, abs_tol=1e-12)


def test_a_worked_example() -> None:
    """2009: mean 2.6, SD 0.8, 120 respondents; 2010: 2.9, 0.7, 150. By hand:
    se = sqrt(0.49/150 + 0.64/120) = 0.092736; t = 3.2350;
    df = 0.0086^2 / (0.0032667^2/149 + 0.0053333^2/119) = 238.08."""
    change = welch(Summary(2.6, 0.8, 120), Summary(2.9, 0.7, 150))
    assert change.difference == pytest.approx(0.3)
    assert change.se == pytest.approx(0.0927362, rel=1e-5)
    assert change.df == pytest.approx(238.08, rel=1e-4)
    assert change.p_value is not None and change.p_value < 0.002


@settings(max_examples=200)
@given(p=st.lists(st.one_of(st.none(), st.floats(0, 1)), min_size=1, max_size=40))
def test_holm_equals_statsmodels(p: list[float | None]) -> None:
    ours = holm(p)
    present = [x for x in p if x is not None]
    if not present:
        assert ours == p
        return
    reject, adjusted, _, _ = multipletests(present, alpha=0.05, method="holm")
    assert [x for x in ours if x is not None] == pytest.approx(list(adjusted), rel=1e-9,
                                                              abs=1e-15)
    assert [x is None for x in ours] == [x is None for x in p]
    flagged = [a <= 0.05 for a in ours if a is not None]
    assert flagged == list(reject)


@given(round_=SUMMARY)
def test_a_round_against_itself_changes_nothing(round_: Summary) -> None:
    change = welch(round_, round_)
    assert change.difference == 0
    assert change.p_value == 1.0
    assert real_changes([change]) == [False]


@given(before=SUMMARY, after=SUMMARY)
def test_swapping_the_rounds_negates_every_change(before: Summary, after: Summary) -> None:
    forward, backward = welch(before, after), welch(after, before)
    assert backward.difference == -forward.difference
    assert backward.p_value == pytest.approx(forward.p_value, rel=1e-12)
    assert backward.ci_low == pytest.approx(-forward.ci_high, rel=1e-12, abs=1e-12)
    assert real_changes([forward]) == real_changes([backward])


def test_too_few_to_compare_gives_no_interval() -> None:
    change = welch(Summary(3, 1, 1.5), Summary(4, 1, 50))
    assert change.difference == 1 and change.p_value is None and change.ci_low is None
    assert real_changes([change]) == [False]


def test_too_few_on_either_side_gives_the_difference_alone() -> None:
    """An effective size under 2 in either round (the later one here, then the earlier at
    exactly 1.999): the difference, and nothing else."""
    for before, after in ((Summary(2.5, 0.5, 40), Summary(3.0, 0.5, 1.0)),
                          (Summary(2.5, 0.5, 1.999), Summary(3.0, 0.5, 40))):
        assert welch(before, after) == Change(0.5, None, None, None, None, None)
    # exactly 2 on both sides is enough to compare
    assert welch(Summary(2.5, 0.5, 2), Summary(3.0, 0.5, 2)).p_value is not None


def test_rounds_without_spread_differ_exactly() -> None:
    """Both SDs 0: se is 0, the interval is the difference itself, and p is 0 for a
    change (1 for none); no degrees of freedom are claimed."""
    moved = welch(Summary(2.0, 0.0, 30), Summary(3.5, 0.0, 12))
    assert moved == Change(1.5, 0.0, None, 1.5, 1.5, 0.0)
    assert real_changes([moved]) == [True]
    still = welch(Summary(2.0, 0.0, 30), Summary(2.0, 0.0, 12))
    assert still == Change(0.0, 0.0, None, 0.0, 0.0, 1.0)
    assert real_changes([still]) == [False]


def test_holm_by_hand() -> None:
    """p = 0.01, 0.04, 0.03 with one not compared: ranks give 3 x 0.01 = 0.03,
    2 x 0.03 = 0.06, then max(0.06, 1 x 0.04) = 0.06; capped at 1 where a product is over."""
    assert holm([0.01, None, 0.04, 0.03]) == pytest.approx([0.03, None, 0.06, 0.06])
    assert holm([0.02, None, 0.04, 0.03])[1] is None
    assert holm([0.6, 0.7]) == pytest.approx([1.0, 1.0])
    assert real_changes([welch(Summary(2.0, 0.0, 30), Summary(3.5, 0.0, 12)),
                         welch(Summary(2.0, 0.5, 30), Summary(2.0, 0.5, 30))]) == [True, False]
    # exactly at the level counts as real
    assert holm([0.05]) == [0.05]
    assert real_changes([Change(0.2, 0.1, 30, 0.0, 0.4, 0.05)]) == [True]
    assert real_changes([Change(0.2, 0.1, 30, 0.0, 0.4, 0.050001)]) == [False]
