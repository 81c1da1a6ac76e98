"""owcf's t quantiles against scipy's, which owcf no longer imports at run time."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import stdtrit

from owcf.stats.tdist import t_quantile, t_sf

REL = 1e-12


def test_matches_scipy_across_the_whole_range_of_degrees_of_freedom() -> None:
    df = np.concatenate([np.linspace(1, 10, 181), np.geomspace(1, 1e9, 400),
                         [199.999, 200.0, 200.001, 1e12]])
    for p in (0.9, 0.95, 0.975, 0.995):
        ours, theirs = t_quantile(p, df), stdtrit(df, p)
        assert np.max(np.abs(ours - theirs) / theirs) < REL, p


@given(df=st.floats(1, 1e7, allow_nan=False))
def test_any_single_degrees_of_freedom(df: float) -> None:
    (ours,) = t_quantile(0.975, [df])
    assert math.isclose(ours, stdtrit(df, 0.975), rel_tol=REL)


def test_known_table_values() -> None:
    # from printed tables: t(0.975) for 1, 2, 10 and 30 degrees of freedom
    assert t_quantile(0.975, [1, 2, 10, 30]).round(3).tolist() == [12.706, 4.303, 2.228, 2.042]


def test_missing_and_infinite_degrees_of_freedom() -> None:
    out = t_quantile(0.975, [np.nan, np.inf, 5])
    assert math.isnan(out[0])
    assert out[1] == pytest.approx(1.959963984540054, rel=1e-15)
    assert out[2] == pytest.approx(2.5705818356363146, rel=REL)


@pytest.mark.parametrize("p", [0.25, 0.5, 1.0, 1.5])
def test_rejects_a_probability_it_does_not_cover(p: float) -> None:
    with pytest.raises(ValueError, match=r"^p must be between 0\.5 and 1$"):
        t_quantile(p, [5])


def test_rejects_degrees_of_freedom_below_1() -> None:
    with pytest.raises(ValueError, match=r"^degrees of freedom must be at least 1$"):
        t_quantile(0.975, [5, 0.5])
    with pytest.raises(ValueError, match=r"^degrees of freedom must be at least 1$"):
        t_sf(2.0, [5, 0.5])


def test_large_degrees_of_freedom_from_the_expansion_to_1e14() -> None:
    """From 200 degrees of freedom the quantile is the Cornish-Fisher series alone, good
    to a few units in the 15th digit (a wrong digit in its fourth or fifth term is not)."""
    df = np.geomspace(200, 1e9, 300)
    for p in (0.9, 0.975):
        ours, theirs = t_quantile(p, df), stdtrit(df, p)
        assert np.max(np.abs(ours - theirs) / theirs) < 2e-14, p


def test_the_tail_matches_scipy_to_1e9_across_the_range_owcf_meets() -> None:
    """P(T > t), for the p-values of changes between rounds: df from 1 to 10**9 (effective
    sizes), |t| up to 6; further out, where the tail is below 1e-9 and decides no flag,
    to 1e-7."""
    from scipy.stats import t as student

    df = np.geomspace(1, 1e9, 120)
    for t in (-6.0, -3.1, -1.0, -1e-6, 0.0, 0.4, 1.96, 2.5, 5.0, 6.0, 8.0, 12.0):
        ours, theirs = t_sf(t, df), student.sf(t, df)
        assert np.max(np.abs(ours - theirs) / theirs) < (1e-9 if abs(t) <= 6 else 1e-7), t
    assert t_sf(math.inf, 5.0) == 0.0 and t_sf(-math.inf, 5.0) == 1.0


def test_the_tail_for_whole_degrees_of_freedom_missing_t_and_the_normal_limit() -> None:
    """Whole numbers as Python ints (an effective size of 30, say); NaN in, NaN out; and
    infinite df is the normal tail, far out too."""
    from scipy.stats import norm
    from scipy.stats import t as student

    ours = t_sf(2.5, [1, 5, 30])
    np.testing.assert_allclose(ours, student.sf(2.5, [1.0, 5.0, 30.0]), rtol=1e-12)
    missing = t_sf([math.nan, 1.0], 5.0)
    assert missing.dtype == float and math.isnan(missing[0])
    assert math.isclose(float(t_sf(9.0, math.inf)), norm.sf(9.0), rel_tol=1e-12)
    assert math.isclose(float(t_sf(-9.0, math.inf)), 1.0)
    assert math.isclose(float(t_sf(1.5, math.inf)), student.sf(1.5, 1e300), rel_tol=1e-12)


def test_the_ends_of_the_tail_raise_no_numpy_warning() -> None:
    """t = 0 puts log(0) in the incomplete beta's front factor: its value is known (the
    tail is a half), and no RuntimeWarning may reach a user's terminal."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert t_sf([0.0, -0.0, math.inf], 5.0).tolist() == [0.5, 0.5, 0.0]
