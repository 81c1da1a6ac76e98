"""Per-cell sums for sharing: the tallies behind every figure, before any figure is made.

A *cell* here is one combination of audience, workforce group and any breakdown the
trust chooses to share. For each cell and each colour, dimension and item it holds the
respondents with a score, the sum and the sum of squares of their scores, and the
answers per category: unweighted sums, which add up across cells and across trusts, so a
national body can pool any group (all early-years staff, all leaders) and get exactly the
figures owcf would give for it. They come straight from :func:`owcf.stats.tally.tally`,
the one place scores are computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from owcf.ingest.responses import ResponseSet
from owcf.model.framework import Framework
from owcf.stats.analysis import _audience_codes, group_codes
from owcf.stats.tally import Sums, tally

#: the fields every cell is keyed by; a trust's shared breakdowns follow them
CELL_FIELDS = ("audience", "workforce_group")


@dataclass(frozen=True)
class UnitSums:
    """One level (colours, dimensions or items): arrays with a row per cell and a column
    per unit, in framework (or questionnaire) order."""

    ids: tuple[str, ...]
    n: np.ndarray       # (K, U) respondents with a score
    sum: np.ndarray     # (K, U) sum of their scores
    sumsq: np.ndarray   # (K, U) sum of the squares of their scores
    counts: np.ndarray  # (K, U, C) answers per category, in ``CellSums.categories`` order


@dataclass(frozen=True)
class CellSums:
    """Every cell's sums; ``keys[k]`` says which respondents make cell ``k``."""

    fields: tuple[str, ...]
    keys: tuple[dict[str, str | None], ...]
    respondents: np.ndarray  # (K,)
    categories: tuple[str, ...]  # answer categories, then "blank"
    colours: UnitSums
    dimensions: UnitSums
    items: UnitSums


def cell_sums(responses: ResponseSet, framework: Framework, by: Sequence[str] = ()
              ) -> CellSums:
    """Tally ``responses`` per cell of audience x workforce group x ``by`` (cells with no
    respondent are left out), unweighted: each respondent counts once."""
    fields = (*CELL_FIELDS, *(b for b in by if b not in CELL_FIELDS))
    audience = _audience_codes(responses, framework)  # every respondent has one
    cell, keys = group_codes(responses, framework, fields)
    index = {a.id: i for i, a in enumerate(framework.audiences)}
    cell_audience = np.array([index[str(k["audience"])] for k in keys], dtype=np.int64)
    counted, _, _ = tally(responses, framework, cell, len(keys), cell_audience, audience)
    q = responses.questionnaire

    def level(ids: Sequence[str], sums: Sums, counts: np.ndarray) -> UnitSums:
        return UnitSums(tuple(ids), sums.s0, sums.s1, sums.s2, counts)

    return CellSums(
        fields, tuple(keys), counted.sizes, (*q.categories, "blank"),
        level([c.id for c in framework.colours], counted.colour, counted.colour_counts),
        level([d.id for d in framework.dimensions], counted.dim, counted.dim_counts),
        level([i.id for i in q.items], counted.item, counted.item_counts))
