"""Scoring and summary statistics: where the trust stands on each dimension and colour.

Method (also in README, "How owcf scores"):

* An answer on the questionnaire's agreement scale is placed on the framework's position
  scale by a straight line from the scale's lowest to highest value (1-5 on 1-5 is the
  identity). Reverse-scored items are flipped first. Blank, "don't know" and
  "not applicable" are counted, never scored.
* A respondent's dimension score is the mean of the dimension's items they answered,
  provided they answered at least ``ceil(min_answered_fraction * k)`` (and at least one)
  of the ``k`` items asked of their audience. Otherwise they have no score there.
* A respondent's colour score is the mean of their dimension scores in that colour, on the
  same rule applied to the colour's dimensions that their audience is asked about.
* For each group: ``n`` respondents with a score, their mean, standard deviation
  (n - 1 denominator) and a 95% Student-t interval ``mean ± t(0.975, n-1)·sd/√n``,
  clipped to the scale. Answer counts are item answers: each scale value, each
  non-answer code, and ``blank`` (asked but not answered).
* Disclosure control: with fewer than ``min_cell`` respondents a group's figures are
  withheld (JSON ``null``, listed under ``suppressed``), and so is any answer count from
  1 to ``min_cell - 1``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from owcf.errors import OwcfError, Problem
from owcf.framework import Framework
from owcf.questionnaire import Questionnaire
from owcf.responses import ResponseSet

SCHEMA_VERSION = "1"
GROUPINGS = ("audience", "workforce_group")
DEFAULT_MIN_CELL = 5
STAT_FIELDS = ("n", "mean", "sd", "ci_low", "ci_high")


@dataclass(frozen=True)
class Estimate:
    """Figures for one dimension or colour within one group of respondents."""

    id: str
    name: str
    n: int | None
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    counts: dict[str, int | None]
    colour: str | None = None
    suppressed: tuple[str, ...] = ()
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.colour is not None:
            out["colour"] = self.colour
        out |= {"n": self.n, "mean": self.mean, "sd": self.sd, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "counts": dict(self.counts)}
        out["suppressed"] = ({"reason": self.reason, "fields": list(self.suppressed)}
                             if self.suppressed else None)
        return out


@dataclass(frozen=True)
class GroupResult:
    """All figures for one group (``by`` is empty for everyone)."""

    by: dict[str, str | None]
    respondents: int | None
    dimensions: tuple[Estimate, ...]
    colours: tuple[Estimate, ...]

    def dimension(self, dimension_id: str) -> Estimate:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def colour(self, colour_id: str) -> Estimate:
        return next(c for c in self.colours if c.id == colour_id)

    def to_dict(self) -> dict[str, Any]:
        return {"by": dict(self.by), "respondents": self.respondents,
                "dimensions": [d.to_dict() for d in self.dimensions],
                "colours": [c.to_dict() for c in self.colours]}


@dataclass(frozen=True)
class Analysis:
    """The result of :func:`analyse`; ``to_dict()`` is exactly the ``--format json`` output."""

    framework: str
    questionnaire: str
    scale: tuple[int, int]
    categories: tuple[str, ...]
    non_answers: tuple[str, ...]
    sources: tuple[str, ...]
    respondents: int
    by: tuple[str, ...]
    min_cell: int
    groups: tuple[GroupResult, ...]
    method: dict[str, str] = field(default_factory=dict)

    @property
    def overall(self) -> GroupResult:
        return self.groups[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "framework": self.framework,
            "questionnaire": self.questionnaire,
            "scale": {"min": self.scale[0], "max": self.scale[1]},
            "categories": [*self.categories, "blank"],
            "sources": list(self.sources),
            "respondents": self.respondents,
            "by": list(self.by),
            "disclosure": {"min_cell": self.min_cell},
            "method": dict(self.method),
            "groups": [g.to_dict() for g in self.groups],
        }


METHOD = {
    "position": "answers placed linearly on the framework scale; reverse items flipped first",
    "dimension_score": "per respondent: mean of answered items, if at least "
                       "ceil(min_answered_fraction x items asked of their audience) answered",
    "colour_score": "per respondent: mean of their dimension scores in the colour, same rule",
    "mean": "unweighted mean of respondent scores",
    "sd": "sample standard deviation (n - 1)",
    "ci": "95% Student-t interval, clipped to the scale",
    "counts": "item answers per category; blank = asked but not answered",
    "suppression": "figures from fewer than min_cell respondents, and counts from 1 to "
                   "min_cell - 1, are withheld",
}


# -- scoring ---------------------------------------------------------------------------

def _positions(questionnaire: Questionnaire, framework: Framework, reverse: bool) -> np.ndarray:
    """Category index -> framework position (NaN for blank and non-answers)."""
    values = np.array([o.value for o in questionnaire.answer_scale], dtype=float)
    lo, hi = values[0], values[-1]
    if reverse:
        values = lo + hi - values
    f_lo, f_hi = framework.scale.minimum, framework.scale.maximum
    scored = f_lo + (values - lo) * (f_hi - f_lo) / (hi - lo)
    return np.concatenate([[np.nan], scored, np.full(len(questionnaire.non_answers), np.nan)])


def _audience_codes(responses: ResponseSet, framework: Framework) -> np.ndarray:
    cats = pd.Categorical(responses.respondents["audience"],
                          categories=[a.id for a in framework.audiences])
    return np.asarray(cats.codes)


def _needed(asked: np.ndarray, fraction: float) -> np.ndarray:
    # the small epsilon keeps 0.5 * 2 from rounding up to 2 through float error
    return np.maximum(1, np.ceil(fraction * asked - 1e-9))


def respondent_scores(responses: ResponseSet, framework: Framework
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-respondent dimension scores and colour scores (NaN where not scored)."""
    q = responses.questionnaire
    audience = _audience_codes(responses, framework)
    n_aud = len(framework.audiences)
    table = {False: _positions(q, framework, False), True: _positions(q, framework, True)}
    dims: dict[str, np.ndarray] = {}
    dims_asked: dict[str, np.ndarray] = {}  # per audience code: items asked
    for dim in framework.dimensions:
        items = q.items_for(dim.id)
        asked_by_aud = np.array([sum(i.asked_of(a.id) for i in items)
                                 for a in framework.audiences] + [0], dtype=float)
        asked = asked_by_aud[np.where(audience < 0, n_aud, audience)]
        dims_asked[dim.id] = asked_by_aud
        if not items:
            dims[dim.id] = np.full(len(responses), np.nan)
            continue
        sub = np.column_stack([table[i.reverse][responses.answers[i.id].to_numpy()] for i in items])
        answered = np.sum(~np.isnan(sub), axis=1)
        total = np.nansum(sub, axis=1)
        ok = (asked > 0) & (answered >= _needed(asked, q.min_answered_fraction))
        dims[dim.id] = np.where(ok, total / np.maximum(answered, 1), np.nan)
    dim_scores = pd.DataFrame(dims, index=responses.respondents.index)

    colours: dict[str, np.ndarray] = {}
    for colour in framework.colours:
        ids = [d.id for d in colour.dimensions]
        avail_by_aud = np.array([sum(dims_asked[d][a] > 0 for d in ids) for a in range(n_aud)] + [0],
                                dtype=float)
        avail = avail_by_aud[np.where(audience < 0, n_aud, audience)]
        sub = dim_scores[ids].to_numpy()
        have = np.sum(~np.isnan(sub), axis=1)
        ok = (avail > 0) & (have >= _needed(avail, q.min_answered_fraction))
        colours[colour.id] = np.where(ok, np.nansum(sub, axis=1) / np.maximum(have, 1), np.nan)
    return dim_scores, pd.DataFrame(colours, index=responses.respondents.index)


# -- summaries -------------------------------------------------------------------------

def _group_codes(responses: ResponseSet, framework: Framework, by: Sequence[str]
                 ) -> tuple[np.ndarray, list[dict[str, str | None]]]:
    """A group number per respondent, and each group's key, in framework order.

    Each column's values become codes in framework order ("not stated" last); the codes
    are combined into one mixed-radix number per respondent, so np.unique both finds the
    groups present and sorts them.
    """
    orders = {"audience": [a.id for a in framework.audiences],
              "workforce_group": [g.id for g in framework.workforce_groups]}
    combined = np.zeros(len(responses), dtype=np.int64)
    levels: list[list[str]] = []
    for column in by:
        values = responses.respondents[column]
        order = orders.get(column) or sorted(str(v) for v in values.dropna().unique())
        codes = np.asarray(pd.Categorical(values, categories=order).codes, dtype=np.int64)
        codes = np.where(codes < 0, len(order), codes)
        combined = combined * (len(order) + 1) + codes
        levels.append(order)
    present, group = np.unique(combined, return_inverse=True)
    keys = []
    for value in present.tolist():
        key: dict[str, str | None] = {}
        for column, order in zip(reversed(by), reversed(levels), strict=True):
            value, code = divmod(value, len(order) + 1)
            key[column] = order[code] if code < len(order) else None
        keys.append({column: key[column] for column in by})
    return group.reshape(-1), keys


def _stats(scores: pd.DataFrame, group: np.ndarray, n_groups: int, lo: float, hi: float
           ) -> dict[str, np.ndarray]:
    """n, mean, sd and 95% t-interval per group (rows) and score column (columns)."""
    # scipy.special, not scipy.stats: the same quantile for a fraction of the import time
    from scipy.special import stdtrit

    grouped = scores.groupby(group)
    n = grouped.count().reindex(range(n_groups), fill_value=0).to_numpy()
    mean = grouped.mean().reindex(range(n_groups)).to_numpy()
    sd = grouped.std(ddof=1).reindex(range(n_groups)).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stdtrit(np.maximum(n - 1, 1), 0.975) * sd / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return {"n": n, "mean": mean, "sd": sd,
            "ci_low": np.clip(mean - half, lo, hi), "ci_high": np.clip(mean + half, lo, hi)}


def _answer_counts(responses: ResponseSet, framework: Framework, group: np.ndarray,
                   n_groups: int) -> dict[str, np.ndarray]:
    """Per dimension: (groups x categories+1) item-answer counts; last column is blank."""
    q = responses.questionnaire
    n_cat = len(q.categories)
    audience = responses.respondents["audience"].to_numpy()
    out: dict[str, np.ndarray] = {}
    for dim in framework.dimensions:
        counts = np.zeros((n_groups, n_cat + 1), dtype=np.int64)
        for item in q.items_for(dim.id):
            cats = responses.answers[item.id].to_numpy().astype(np.int64)
            asked = np.ones(len(cats), bool) if item.audiences is None else np.isin(
                audience, item.audiences)
            # category 0 (blank) only counts where the item was asked
            keep = asked | (cats > 0)
            flat = np.bincount(group[keep] * (n_cat + 1) + cats[keep],
                               minlength=n_groups * (n_cat + 1)).reshape(n_groups, n_cat + 1)
            counts += np.roll(flat, -1, axis=1)  # blank moves from first to last column
        out[dim.id] = counts
    return out


def _float(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _estimate(ident: str, name: str, colour: str | None, stats: dict[str, np.ndarray], g: int,
              j: int, counts: np.ndarray, labels: Sequence[str], min_cell: int) -> Estimate:
    n = int(stats["n"][g, j])
    values = {k: _float(stats[k][g, j]) for k in ("mean", "sd", "ci_low", "ci_high")}
    count_map: dict[str, int | None] = {lab: int(c) for lab, c in zip(labels, counts, strict=True)}
    suppressed: list[str] = []
    if 0 < n < min_cell:
        suppressed += list(STAT_FIELDS)
        values = dict.fromkeys(values)
        n_out: int | None = None
    else:
        n_out = n
    for lab, c in list(count_map.items()):
        if c is not None and 0 < c < min_cell:
            count_map[lab] = None
            suppressed.append(f"counts.{lab}")
    return Estimate(ident, name, n_out, values["mean"], values["sd"], values["ci_low"],
                    values["ci_high"], count_map, colour, tuple(suppressed),
                    f"fewer than {min_cell}" if suppressed else None)


def analyse(responses: ResponseSet, framework: Framework, by: Sequence[str] = (),
            min_cell: int = DEFAULT_MIN_CELL, sources: Sequence[str] | None = None) -> Analysis:
    """Score every respondent and summarise each dimension and colour, overall and by group."""
    for column in by:
        if column not in responses.respondents.columns:
            raise OwcfError([Problem("missing-column", f"cannot break down by {column!r}: "
                                     "the responses have no such column", column=column)])
    if min_cell < 1:
        raise OwcfError([Problem("value-out-of-range", f"min_cell must be at least 1, got {min_cell}")])
    q = responses.questionnaire
    lo, hi = framework.scale.minimum, framework.scale.maximum
    dim_scores, colour_scores = respondent_scores(responses, framework)
    labels = [*q.categories, "blank"]

    groupings: list[tuple[np.ndarray, list[dict[str, str | None]]]] = [
        (np.zeros(len(responses), dtype=np.int64), [{}])]
    if by:
        groupings.append(_group_codes(responses, framework, by))

    groups: list[GroupResult] = []
    for group, keys in groupings:
        n_groups = len(keys)
        dstats = _stats(dim_scores, group, n_groups, lo, hi)
        cstats = _stats(colour_scores, group, n_groups, lo, hi)
        dcounts = _answer_counts(responses, framework, group, n_groups)
        sizes = np.bincount(group, minlength=n_groups)
        for g, key in enumerate(keys):
            dims = tuple(
                _estimate(d.id, d.name, d.colour, dstats, g, j, dcounts[d.id][g], labels, min_cell)
                for j, d in enumerate(framework.dimensions))
            cols = tuple(
                _estimate(c.id, c.name, None, cstats, g, j,
                          sum(dcounts[d.id][g] for d in c.dimensions), labels, min_cell)
                for j, c in enumerate(framework.colours))
            size = int(sizes[g])
            groups.append(GroupResult(key, size if size == 0 or size >= min_cell else None, dims, cols))
    return Analysis(framework.id, q.id, (lo, hi), q.categories,
                    tuple(na.code for na in q.non_answers),
                    tuple(sources if sources is not None else [responses.source]),
                    len(responses), tuple(by), min_cell, tuple(groups), dict(METHOD))
