"""Change between two rounds of the assessment: for one figure (a dimension's or a colour's
mean), the difference with a 95% Welch interval from the means, SDs and effective sizes
each round carries, and which changes hold once the number compared is controlled for.

* ``se = sqrt(sd_a^2 / n_a + sd_b^2 / n_b)`` with Kish's effective sizes ``n``;
* Welch-Satterthwaite degrees of freedom, ``t = difference / se``, two-sided p;
* Holm's step-down adjustment over the changes compared together: a change is *real*
  when its adjusted p is at most 0.05. Holm controls the chance of calling any unchanged
  dimension changed (the family-wise error), which is what a board acting on "these
  moved" needs; it assumes nothing about how dimensions are correlated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from owcf.stats.tdist import t_quantile, t_sf

#: the family-wise error rate real changes are flagged at
ALPHA = 0.05
ADJUSTMENT = "holm"


@dataclass(frozen=True)
class Summary:
    """What a round carries for one figure."""

    mean: float
    sd: float
    n_eff: float


@dataclass(frozen=True)
class Change:
    """``after - before`` for one figure; the interval and p are None where either round
    has an effective size under 2 (no variance to compare)."""

    difference: float
    se: float | None
    df: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


def welch(before: Summary, after: Summary) -> Change:
    """The change from ``before`` to ``after`` with its 95% Welch interval and p."""
    difference = after.mean - before.mean
    if before.n_eff < 2 or after.n_eff < 2:
        return Change(difference, None, None, None, None, None)
    va, vb = after.sd ** 2 / after.n_eff, before.sd ** 2 / before.n_eff
    se = math.sqrt(va + vb)
    if se == 0:  # both rounds answered as one: the difference is exact
        return Change(difference, 0.0, None, difference, difference,
                      1.0 if difference == 0 else 0.0)
    df = (va + vb) ** 2 / (va ** 2 / (after.n_eff - 1) + vb ** 2 / (before.n_eff - 1))
    half = float(t_quantile(0.975, max(df, 1.0))) * se
    p = 2 * float(t_sf(abs(difference) / se, max(df, 1.0)))
    return Change(difference, se, df, difference - half, difference + half, min(p, 1.0))


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's adjusted p-values, in the order given; None (not compared) stays None and
    does not count towards the number of comparisons."""
    present = [(p, k) for k, p in enumerate(p_values) if p is not None]
    m = len(present)
    out: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, k) in enumerate(sorted(present)):
        running = max(running, min(1.0, (m - rank) * p))
        out[k] = running
    return out


def real_changes(changes: Sequence[Change]) -> list[bool]:
    """Which changes hold after Holm's adjustment over all of them, at :data:`ALPHA`."""
    adjusted = holm([c.p_value for c in changes])
    return [p is not None and p <= ALPHA for p in adjusted]

