"""Scoring and summary statistics: where the trust stands on each colour, dimension and item.

The method for every figure is in docs/methods.md and is named in the JSON output
(``method``). In short:

* Answers are placed on the framework's position scale (reverse items flipped first);
  blank, "don't know" and "not applicable" are counted, never scored.
* A respondent's dimension score is the mean of the items they answered there, if they
  answered at least ``ceil(min_answered_fraction * k)`` of the ``k`` items their audience
  is asked; a colour score is the mean of their dimension scores on the same rule.
* Per group and figure: weighted mean, weighted SD, and a 95% Student-t interval from the
  linearised (sandwich) standard error with Kish's effective sample size; with every
  weight equal these are the usual mean, SD and ``t(n-1)·sd/√n`` interval.
* Weights: ``respondents`` (each counts once), ``audiences`` (each audience counts equally
  within a group) or ``population`` (post-stratified to the trust's population sizes).
* Disclosure control (:mod:`owcf.stats.disclosure`): nothing resting on fewer respondents than
  the threshold is published, and secondary suppression stops recovery by subtraction.

Everything is computed from per-(group, stratum) sums made with ``np.bincount``, so the
cost grows with respondents once, not with the number of groups or weighting schemes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from owcf.errors import OwcfError, Problem
from owcf.ingest.responses import ResponseSet
from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire
from owcf.stats.disclosure import REASONS, WITHHELD
from owcf.stats.pattern import GroupTotals, LevelTotals, Pattern, protect_groups
from owcf.stats.results import (
    STAT_FIELDS,
    Analysis,
    Estimate,
    GroupResult,
    PerceptionGap,
    Reliability,
)
from owcf.stats.tally import Sums, Tally, cronbach_alpha_weighted, tally
from owcf.stats.tdist import t_quantile

WEIGHTINGS = ("respondents", "audiences", "population")
DEFAULT_MIN_CELL = 5
ALPHA_FLAG = 0.7

METHOD = {
    "position": "answers placed linearly on the framework scale; reverse items flipped first; "
                "don't know, not applicable and blank are counted, never scored",
    "dimension_score": "per respondent: mean of answered items, if at least "
                       "ceil(min_answered_fraction x items asked of their audience) answered",
    "colour_score": "per respondent: mean of their dimension scores in the colour, same rule",
    "item_score": "per respondent: the position of their answer",
    "n": "respondents with a score (unweighted)",
    "mean": "weighted mean sum(w x) / sum(w)",
    "sd": "weighted standard deviation sqrt(sum(w (x-m)^2) / sum(w) * n/(n-1))",
    "ci": "95% Student-t interval m +/- t(0.975, n_eff-1) * se, "
          "se^2 = sum(w^2 (x-m)^2) / sum(w)^2 * n/(n-1) (linearisation), "
          "n_eff = sum(w)^2 / sum(w^2) (Kish); clipped to the scale",
    "counts": "answers per category; blank = asked but not answered; dimension and colour "
              "counts add up their items' answers",
    "weights_respondents": "w = 1",
    "weights_audiences": "w = (n / A) / n_a: each of the A audiences present among the n "
                         "respondents scored on the figure in the group carries an equal share",
    "weights_population": "w = (N_s / N) * n / n_s: the n respondents in strata with a "
                          "population size N_s (N their total) are post-stratified to those "
                          "sizes; respondents with no stratum (not stated) keep w = 1",
    "suppression": "one pattern per data set, over everyone, every group of audience, "
                   "workforce group and the trust's breakdowns, and audience crossed with "
                   "workforce group: figures resting on fewer "
                   "respondents than the threshold are withheld (primary); then, wherever "
                   "figures add up and the sums alone or read together pin a withheld "
                   "figure to less than 1 of room, another member is withheld too "
                   "(secondary): the smallest non-zero one, answer counts before n and n "
                   "before group sizes, and a 0 only where no other will do and no sum "
                   "shows it is 0 (never one of an item not asked of the group); an item's "
                   "withheld answer count takes its dimension's count of that answer with "
                   "it. Outputs say which groups are fewer than their threshold; of any "
                   "other figure only that it is withheld",
    "threshold": "min_cell, or the higher threshold of any audience with respondents in the group",
    "reliability": "Cronbach's alpha on respondents who answered every item of the dimension "
                   "(unweighted); flagged below 0.7",
    "perception_gaps": "difference of audience means, Welch-style interval with "
                       "se = sqrt(se_a^2 + se_b^2); flagged when the two 95% intervals do "
                       "not overlap",
}


# -- respondent scores and groups ----------------------------------------------------------

def codes_for(values: pd.Series, order: Sequence[str], missing: int = -1) -> np.ndarray:
    """Position of each value in ``order`` (``missing`` where absent or not stated).

    Only the few distinct values are looked up: a categorical column (as ingest makes)
    has them already, anything else is factorised first.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        found, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        found, uniques = pd.factorize(values, use_na_sentinel=True)
    index = {v: i for i, v in enumerate(order)}
    table = np.array([index.get(u, missing) for u in uniques] + [missing], dtype=np.int64)
    return table[found]


def _audience_codes(responses: ResponseSet, framework: Framework) -> np.ndarray:
    """Each respondent's audience, by position in the framework. Every respondent needs
    one (ingest rejects the rest): a set built by hand without is an error, not a guess."""
    ids = [a.id for a in framework.audiences]
    audience = codes_for(responses.respondents["audience"], ids)
    if (audience < 0).any():
        values = responses.respondents["audience"].astype(object)[audience < 0]
        shown = sorted({"(blank)" if pd.isna(v) else str(v) for v in values})
        raise OwcfError([Problem("unknown-audience", f"{int((audience < 0).sum())} respondents "
                                 f"have no audience of the framework ({', '.join(shown[:5])}); "
                                 f"expected one of {', '.join(ids)}", column="audience")])
    return audience


def respondent_scores(responses: ResponseSet, framework: Framework
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-respondent dimension scores and colour scores (NaN where not scored)."""
    audience = _audience_codes(responses, framework)
    n_aud = len(framework.audiences)
    _, dims, colours = tally(responses, framework, audience, n_aud,
                             np.arange(n_aud), audience, per_respondent=True)
    index = responses.respondents.index  # tally gives every dimension a column, NaN if unasked
    return pd.DataFrame(dims, index=index), pd.DataFrame(colours, index=index)


def _category_order(column: str, values: pd.Series, framework: Framework) -> list[str]:
    if column == "audience":
        return [a.id for a in framework.audiences]
    if column == "workforce_group":
        return [g.id for g in framework.workforce_groups]
    return sorted(str(v) for v in values.dropna().unique())


def group_codes(responses: ResponseSet, framework: Framework, by: Sequence[str]
                ) -> tuple[np.ndarray, list[dict[str, str | None]]]:
    """A group number per respondent, and each group's key, in framework order.

    Each column's values become codes in framework order ("not stated" last); the codes
    are combined into one mixed-radix number per respondent, and the numbers present are
    found with a bincount over that (small) space, so no sort of the respondents is needed.
    """
    combined = np.zeros(len(responses), dtype=np.int64)
    levels: list[list[str]] = []
    for column in by:
        values = responses.respondents[column]
        order = _category_order(column, values, framework)
        combined *= len(order) + 1
        combined += codes_for(values, order, missing=len(order))
        levels.append(order)
    space = math.prod(len(order) + 1 for order in levels)
    present = np.flatnonzero(np.bincount(combined, minlength=space))
    lookup = np.full(space, -1, dtype=np.int64)
    lookup[present] = np.arange(len(present))
    keys = []
    for value in present.tolist():
        key: dict[str, str | None] = {}
        for column, order in zip(reversed(by), reversed(levels), strict=True):
            value, code = divmod(value, len(order) + 1)
            key[column] = order[code] if code < len(order) else None
        keys.append({column: key[column] for column in by})
    return lookup[combined], keys


def _strata(responses: ResponseSet, framework: Framework, weights: str,
            population: Any) -> tuple[np.ndarray, np.ndarray]:
    """Stratum per respondent and the size of each stratum, for the weighting scheme."""
    n = len(responses)
    if weights == "respondents":
        return np.zeros(n, dtype=np.int64), np.array([np.nan])
    if weights == "audiences":
        codes = _audience_codes(responses, framework)
        return codes, np.ones(len(framework.audiences))
    if population is None:
        raise OwcfError([Problem("missing-field", "--weights population needs population sizes: "
                                 "add 'population: {by: ..., sizes: {...}}' to the trust YAML")])
    column = population.by
    if column not in responses.respondents.columns:
        raise OwcfError([Problem("missing-column", f"population weighting is by {column!r}, "
                                 "which the responses do not have", column=column)])
    keys = list(population.sizes)
    values = responses.respondents[column].astype(object).where(
        responses.respondents[column].notna(), "not_stated")
    codes = codes_for(values, keys)
    unsized = codes < 0
    missing = sorted(set(values[unsized & (values != "not_stated")].astype(str)))
    if missing:
        raise OwcfError([Problem("missing-field", f"population sizes have no entry for {column} "
                                 f"{', '.join(repr(m) for m in missing)}", column=column)])
    # respondents with no stratum (e.g. children, outside the workforce census) keep weight 1
    codes = np.where(unsized, len(keys), codes)
    return codes, np.array([population.sizes[k] for k in keys] + [np.nan], dtype=float)


def _statistics(sums: Sums, sizes: np.ndarray, lo: float, hi: float) -> dict[str, np.ndarray]:
    """Weighted n, mean, sd, interval per (group, unit) from per-stratum sums."""
    s0, s1, s2 = sums.s0, sums.s1, sums.s2
    present = s0 > 0
    sized = ~np.isnan(sizes)[None, :, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        # sized strata share their respondents' total weight in proportion to their sizes;
        # a stratum without a size (NaN) keeps weight 1 per respondent
        size = np.where(present & sized, np.nan_to_num(sizes)[None, :, None], 0.0)
        share = size / size.sum(axis=1, keepdims=True)
        n_sized = np.where(sized, s0, 0.0).sum(axis=1, keepdims=True)
        f = np.where(present, np.where(sized, share * n_sized / s0, 1.0), 0.0)
        n = s0.sum(axis=1)
        sw = (f * s0).sum(axis=1)
        sw2 = (f * f * s0).sum(axis=1)
        swx = (f * s1).sum(axis=1)
        swx2 = (f * s2).sum(axis=1)
        sw2x = (f * f * s1).sum(axis=1)
        sw2x2 = (f * f * s2).sum(axis=1)
        mean = swx / sw
        correction = n / (n - 1)
        var = np.maximum(swx2 - mean * swx, 0) / sw * correction
        se2 = np.maximum(sw2x2 - 2 * mean * sw2x + mean * mean * sw2, 0) / (sw * sw) * correction
        n_eff = sw * sw / sw2
        half = t_quantile(0.975, np.maximum(n_eff - 1, 1)) * np.sqrt(se2)
    several = n >= 2
    mean = np.where(n > 0, mean, np.nan)
    return {"n": n, "n_eff": np.where(n > 0, n_eff, np.nan), "mean": mean,
            "sd": np.where(several, np.sqrt(var), np.nan),
            "ci_low": np.where(several, np.clip(mean - half, lo, hi), np.nan),
            "ci_high": np.where(several, np.clip(mean + half, lo, hi), np.nan),
            "se": np.where(several, np.sqrt(se2), np.nan)}


# -- the analysis ------------------------------------------------------------------------

def _check_options(responses: ResponseSet, by: tuple[str, ...], weights: str, min_cell: int) -> None:
    for column in by:
        if column not in responses.respondents.columns:
            raise OwcfError([Problem("missing-column", f"cannot break down by {column!r}: "
                                     "the responses have no such column", column=column)])
    if len(set(by)) != len(by):
        raise OwcfError([Problem("invalid-value", f"--by names a column twice: {', '.join(by)}")])
    if weights not in WEIGHTINGS:
        raise OwcfError([Problem("invalid-value", f"weights must be one of {', '.join(WEIGHTINGS)}")])
    if min_cell < 1:
        raise OwcfError([Problem("value-out-of-range", f"min_cell must be at least 1, got {min_cell}")])


def protected_fields(responses: ResponseSet, breakdowns: Sequence[str] | None = None
                     ) -> tuple[str, ...]:
    """The respondent fields whose groups share one suppression pattern: audience,
    workforce group and the trust's ``breakdowns``, where the responses have them."""
    fields = ("audience", "workforce_group", *(breakdowns or ()))
    columns = responses.respondents.columns
    return tuple(dict.fromkeys(f for f in fields if f == "audience" or f in columns))


#: the one crossing in a data set's pattern (the cells results packages share)
CROSSED = ("audience", "workforce_group")


def outside_pattern(by: Sequence[str], crossings: Sequence[Sequence[str]] = ()) -> bool:
    """Whether a run by ``by`` crosses fields the data set's pattern does not cross (it
    crosses audience with workforce group, and the trust's ``crossings``): such a run
    extends the pattern with every figure it decided kept, which cannot always protect,
    so read with the runs by each of its fields it may give withheld figures away
    (docs/methods.md)."""
    return len(set(by)) > 1 and set(by) not in [set(CROSSED), *map(set, crossings)]


class SharedPattern:
    """The suppression pattern of one data set, worked out by the first analysis given
    this and read by every other: the analyses of one run (a report's) need it once."""

    def __init__(self) -> None:
        self._of: tuple[GroupTotals, Pattern] | None = None

    def of(self, totals: GroupTotals, framework: Framework, q: Questionnaire) -> Pattern:
        if self._of is None:
            self._of = totals, protect_groups(totals, framework, q)
        known, pattern = self._of
        # (another data set, or other thresholds, would need a pattern of its own)
        assert (np.array_equal(known.size, totals.size)
                and np.array_equal(known.threshold, totals.threshold)
                and all(np.array_equal(known.levels[k].counts, totals.levels[k].counts)
                        and np.allclose(known.levels[k].s1, totals.levels[k].s1)
                        for k in totals.levels)), "a pattern shared by two data sets"
        return pattern


def analyse(responses: ResponseSet, framework: Framework, by: Sequence[str] = (),
            min_cell: int = DEFAULT_MIN_CELL, sources: Sequence[str] | None = None, *,
            weights: str = "respondents", population: Any = None,
            min_cell_by_audience: Mapping[str, int] | None = None,
            breakdowns: Sequence[str] | None = None,
            crossings: Sequence[Sequence[str]] = (),
            shared: SharedPattern | None = None) -> Analysis:
    """Score every respondent and summarise each colour, dimension and item, overall and
    by group, with weighting, reliability, perception gaps and disclosure control.

    What is withheld is decided once for the data set, over everyone, every group of
    audience, workforce group and ``breakdowns`` (the trust's own fields), audience
    crossed with workforce group and the trust's ``crossings`` (each a tuple of those
    fields), whichever ``by`` asks for, so every output of the same data withholds the
    same figures; another crossing or field extends that pattern without changing it.
    Analyses given the same ``shared`` work that pattern out once."""
    by = tuple(by)
    _check_options(responses, by, weights, min_cell)
    thresholds = {a: max(v, min_cell) for a, v in (min_cell_by_audience or {}).items()}
    q = responses.questionnaire
    protected = protected_fields(responses, breakdowns)
    fields = (*protected, *(b for b in by if b not in protected))
    audience = _audience_codes(responses, framework)
    stratum, sizes = _strata(responses, framework, weights, population)
    n_strata = len(sizes)
    # a cell is one combination of every field and the weighting stratum; every figure
    # is a sum over cells
    crossed, keys = group_codes(responses, framework, fields)
    cell = crossed * n_strata  # a fresh million-row array per step costs page faults: in place
    cell += stratum
    audience_index = {a.id: i for i, a in enumerate(framework.audiences)}
    key_audience = np.array([audience_index[str(k["audience"])] for k in keys], dtype=np.int64)
    counted, _, _ = tally(responses, framework, cell, len(keys) * n_strata,
                          np.repeat(key_audience, n_strata), audience)
    groups = _Groups(responses, framework, keys, protected, by, crossings)
    totals = _Totals(counted, groups.members, n_strata, key_audience, framework, q)
    thr = totals.thresholds(min_cell, thresholds, framework)
    base = totals.unweighted(groups, groups.first, thr)
    pattern = (shared.of(base, framework, q) if shared is not None
               else protect_groups(base, framework, q))
    # another field's own groups extend the pattern, then a crossing extends that
    for rows in (groups.single, len(groups.members)):
        if rows > len(pattern.size):
            pattern = protect_groups(totals.unweighted(groups, rows, thr), framework, q,
                                     decided=pattern)
    stats = totals.statistics(sizes, (framework.scale.minimum, framework.scale.maximum))

    counts = {name: totals.total(totals.counts[name]) for name in totals.units}
    sizes_of = totals.total(counted.sizes)

    def results(rows: Sequence[int], detail: bool) -> list[GroupResult]:
        return [_group(groups.keyed.get(g, groups.keys[g]), g, totals.units, stats, counts,
                       sizes_of, pattern, thr, q, detail) for g in rows]

    published = results(groups.published, detail=True)
    audience_groups = published if by == ("audience",) else results(groups.of("audience"), False)
    respondents = published[0].respondents
    return Analysis(framework.id, q.id, (framework.scale.minimum, framework.scale.maximum),
                    q.categories, tuple(na.code for na in q.non_answers),
                    tuple(sources if sources is not None else [responses.source]),
                    respondents, by, weights, min_cell, thresholds, tuple(published),
                    _reliability(counted, framework, q, int(thr[0])),
                    _perception_gaps(audience_groups, framework), dict(METHOD))


class _Groups:
    """Everyone, every group of each protected field, of audience crossed with workforce
    group (the cells results packages share) and of each of the trust's ``crossings``
    of protected fields (``first`` groups in all), then the groups of each other field
    ``by`` names (``single`` in all), then the groups ``by`` asks for when they are not
    among those: each as the cells (combinations of fields) it holds."""

    def __init__(self, responses: ResponseSet, framework: Framework,
                 keys: Sequence[dict[str, str | None]], protected: Sequence[str],
                 by: Sequence[str], crossings: Sequence[Sequence[str]] = ()) -> None:
        self._order = {f: [*_category_order(f, responses.respondents[f], framework), None]
                       for f in (*protected, *by)}
        self._keys = keys
        self.keys: list[dict[str, str | None]] = [{}]
        self.members: list[np.ndarray] = [np.arange(len(keys))]
        self.partitions: list[tuple[int, list[int]]] = []
        self._rows: dict[tuple[str, ...], list[int]] = {}
        for f in protected:
            self._rows[(f,)] = self._add((f,))
            self.partitions.append((0, self._rows[(f,)]))
        # the same groups in whichever order a crossing or by names them: one pattern
        others = sorted(set(by) - set(protected))
        rank = {f: i for i, f in enumerate((*protected, *others))}

        def canonical(fields: Iterable[str]) -> tuple[str, ...]:
            return tuple(sorted(fields, key=rank.__getitem__))

        # a crossing publishes where nobody is (a structural 0), and its groups add up to
        # its margins: the ones a trust publishes belong to the pattern (a crossing of a
        # field the responses lack has no groups)
        declared = {canonical(c) for c in (CROSSED, *crossings) if set(c) <= set(protected)}
        for fields in sorted(declared, key=lambda c: (len(c), [rank[f] for f in c])):
            self._rows[fields] = self._cross(fields)
        self.first = len(self.keys)
        # a field outside the pattern: its own groups first, so that every run with it
        # (alone, or crossed with another field) withholds the same of them
        for f in others:
            self._rows[(f,)] = self._add((f,))
            self.partitions.append((0, self._rows[(f,)]))
        self.single = len(self.keys)
        rows = self._rows.get(canonical(by)) if by else []
        if rows is None:
            rows = self._cross(canonical(by))
        self.published = [0, *sorted(rows, key=lambda r: [self._order[f].index(self.keys[r][f])
                                                          for f in by])]
        self.keyed = {r: {f: self.keys[r][f] for f in by} for r in rows}

    def _cross(self, fields: tuple[str, ...]) -> list[int]:
        """The groups of ``fields`` crossed, with how they split everyone and each group
        of the fields and crossings of fewer of them already listed."""
        rows = self._add(fields)
        self.partitions.append((0, rows))
        for part, margins in self._rows.items():
            if set(part) < set(fields):
                for margin in margins:
                    inside = [r for r in rows
                              if all(self.keys[r][f] == self.keys[margin][f] for f in part)]
                    self.partitions.append((margin, inside))
        return rows

    def _add(self, fields: Sequence[str]) -> list[int]:
        found: dict[tuple[str | None, ...], list[int]] = {}
        for k, key in enumerate(self._keys):
            found.setdefault(tuple(key[f] for f in fields), []).append(k)
        order = self._order
        rows = []
        for value in sorted(found, key=lambda v: [order[f].index(x)
                                                  for f, x in zip(fields, v, strict=True)]):
            rows.append(len(self.keys))
            self.keys.append(dict(zip(fields, value, strict=True)))
            self.members.append(np.array(found[value]))
        return rows

    def of(self, field: str) -> list[int]:
        """Everyone and the groups of one protected field."""
        return [0, *self._rows.get((field,), [])]


class _Totals:
    """Every group's sums, from the tallied cells."""

    def __init__(self, counted: Tally, members: Sequence[np.ndarray], n_strata: int,
                 key_audience: np.ndarray, framework: Framework, q: Questionnaire) -> None:
        n_keys = len(key_audience)
        self.matrix = np.zeros((len(members), n_keys))
        for g, cells in enumerate(members):
            self.matrix[g, cells] = 1.0
        self.n_strata = n_strata
        self.counted = counted
        self.key_audience = key_audience
        self.units: dict[str, list[tuple[str, str, str | None, str | None]]] = {
            "colour": [(c.id, c.name, None, None) for c in framework.colours],
            "dimension": [(d.id, d.name, d.colour, None) for d in framework.dimensions],
            "item": [(i.id, i.text, framework.dimension(i.dimension).colour, i.dimension)
                     for i in q.items]}
        self.sums = {"colour": counted.colour, "dimension": counted.dim, "item": counted.item}
        self.counts = {"colour": counted.colour_counts, "dimension": counted.dim_counts,
                       "item": counted.item_counts}
        self.contributors = {"colour": counted.colour_contrib, "dimension": counted.dim_contrib,
                             "item": counted.item_counts}

    def grouped(self, x: np.ndarray) -> np.ndarray:
        """(cells, ...) -> (groups, strata, ...)"""
        cells = x.reshape(len(self.key_audience), self.n_strata, *x.shape[1:])
        return np.tensordot(self.matrix, cells, axes=(1, 0))

    def total(self, x: np.ndarray) -> np.ndarray:
        return self.grouped(x).sum(axis=1)

    def thresholds(self, min_cell: int, by_audience: Mapping[str, int], framework: Framework
                   ) -> np.ndarray:
        """Each group's threshold: ``min_cell``, raised for any audience it counts."""
        n_aud = len(framework.audiences)
        per_key = self.counted.sizes.reshape(len(self.key_audience), self.n_strata).sum(axis=1)
        present = self.matrix @ (per_key[:, None] * np.eye(n_aud)[self.key_audience])
        thr = np.full(len(present), float(min_cell))
        index = {a.id: i for i, a in enumerate(framework.audiences)}
        for audience, value in by_audience.items():
            if audience in index:
                thr = np.where(present[:, index[audience]] > 0, np.maximum(thr, value), thr)
        return thr

    def unweighted(self, groups: _Groups, rows: int, thr: np.ndarray) -> GroupTotals:
        """The first ``rows`` of ``groups``' figures as :func:`protect_groups` takes them."""
        def total(x: np.ndarray) -> np.ndarray:
            return self.total(x)[:rows]

        levels = {name: LevelTotals(total(self.sums[name].s0), total(self.sums[name].s1),
                                    total(self.sums[name].s2), total(self.counts[name]),
                                    total(self.contributors[name]))
                  for name in self.units}
        audiences = [groups.keys[g].get("audience") for g in range(rows)]
        return GroupTotals(total(self.counted.sizes), thr[:rows], audiences, levels,
                           [p for p in groups.partitions if max([p[0], *p[1]]) < rows])

    def statistics(self, sizes: np.ndarray, scale: tuple[float, float]
                   ) -> dict[str, dict[str, np.ndarray]]:
        """Weighted n, mean, SD and interval per group and unit, for each level."""
        lo, hi = scale
        return {name: _statistics(Sums(self.grouped(s.s0), self.grouped(s.s1),
                                       self.grouped(s.s2)), sizes, lo, hi)
                for name, s in self.sums.items()}


def _group(key: dict[str, str | None], g: int,
           units: Mapping[str, Sequence[tuple[str, str, str | None, str | None]]],
           stats: Mapping[str, Mapping[str, np.ndarray]], counts: Mapping[str, np.ndarray],
           sizes: np.ndarray, pattern: Pattern, thr: np.ndarray, q: Questionnaire,
           detail: bool) -> GroupResult:
    """Group ``g``'s estimates as published: withheld figures are None, with their reason."""
    labels = [*q.categories, "blank"]
    levels = {}
    for name in ("colour", "dimension", "item") if detail else ("colour", "dimension"):
        levels[name] = tuple(_estimates(units[name], {k: v[g] for k, v in stats[name].items()},
                                        counts[name][g], pattern.n[name][g],
                                        pattern.stats[name][g], pattern.counts[name][g], labels))
    hidden = int(pattern.size[g])
    return GroupResult(key, None if hidden else round(sizes[g]), int(thr[g]), levels["colour"],
                       levels["dimension"], levels.get("item", ()),
                       {"respondents": REASONS[hidden]} if hidden else {})


def _float(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _estimates(units: Sequence[tuple[str, str, str | None, str | None]],
               stats: Mapping[str, np.ndarray], counts: np.ndarray, n_state: np.ndarray,
               stats_state: np.ndarray, count_state: np.ndarray, labels: Sequence[str]
               ) -> list[Estimate]:
    """One group's estimates for one level: withheld figures are None, with their reason.
    An ``n`` withheld takes every statistic with it; a mean and SD withheld (their sums
    give away an answer count) take the SE, ``n_eff`` and interval."""
    out = []
    for u, (ident, name, colour, dimension) in enumerate(units):
        values = {k: _float(stats[k][u]) for k in ("n_eff", "mean", "sd", "ci_low", "ci_high", "se")}
        n: int | None = int(stats["n"][u])
        suppressed: dict[str, str] = {}
        if n_state[u]:
            n = None
            suppressed["n"] = WITHHELD
        hidden = int(n_state[u] or stats_state[u])
        if hidden:
            values = dict.fromkeys(values)
            suppressed |= dict.fromkeys(STAT_FIELDS[1:], WITHHELD)
        shown: dict[str, int | None] = {}
        for label, state, count in zip(labels, count_state[u].tolist(), counts[u].tolist(),
                                       strict=True):
            shown[label] = None if state else round(count)
            if state:
                suppressed[f"counts.{label}"] = WITHHELD
        out.append(Estimate(ident, name, n, values["mean"], values["sd"], values["ci_low"],
                            values["ci_high"], shown, colour, dimension, values["n_eff"],
                            values["se"], suppressed))
    return out


# -- reliability ---------------------------------------------------------------------------

def cronbach_alpha(matrix: np.ndarray) -> float:
    """Cronbach's alpha of complete rows of ``matrix`` (respondents x items)."""
    k = matrix.shape[1]
    item_var = matrix.var(axis=0, ddof=1).sum()
    total_var = matrix.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - item_var / total_var)) if total_var > 0 else math.nan


def _reliability(counted: Tally, framework: Framework, q: Questionnaire, threshold: int
                 ) -> tuple[Reliability, ...]:
    """Alpha and alpha-if-item-deleted per dimension with two or more items."""
    out = []
    for dim, (freq, values) in zip(framework.dimensions, counted.complete, strict=True):
        items = q.items_for(dim.id)
        if len(items) < 2:
            continue
        ids = tuple(i.id for i in items)
        alpha, count = cronbach_alpha_weighted(freq, values)
        if count < max(threshold, 3):
            suppressed = {"alpha": REASONS[1]} if count else {}
            out.append(Reliability(dim.id, ids, None if count else 0, None,
                                   dict.fromkeys(ids), False, suppressed))
            continue
        deleted: dict[str, float | None] = {}
        for j, ident in enumerate(ids):
            rest = np.delete(values, j, axis=1)
            deleted[ident] = (_float(cronbach_alpha_weighted(freq, rest)[0])
                              if rest.shape[1] >= 2 else None)
        value = _float(alpha)
        out.append(Reliability(dim.id, ids, count, value, deleted,
                               value is not None and value < ALPHA_FLAG))
    return tuple(out)


# -- perception gaps -----------------------------------------------------------------------

def _perception_gaps(groups: Sequence[GroupResult], framework: Framework
                      ) -> tuple[PerceptionGap, ...]:
    """Every pair of audiences, on every colour and dimension."""
    per_audience = {g.by["audience"]: g for g in groups[1:] if list(g.by) == ["audience"]}
    order = [a.id for a in framework.audiences if a.id in per_audience]
    out: list[PerceptionGap] = []
    pending: list[tuple[int, float, float, float]] = []  # (position, df, se, difference)
    for scope in ("colour", "dimension"):
        units = framework.colours if scope == "colour" else framework.dimensions
        for unit in units:
            for i, a in enumerate(order):
                for b in order[i + 1:]:
                    ea = _pick(per_audience[a], scope, unit.id)
                    eb = _pick(per_audience[b], scope, unit.id)
                    if ea.se is None or eb.se is None or ea.ci_low is None or eb.ci_low is None:
                        out.append(PerceptionGap(scope, unit.id, a, b, ea.mean, eb.mean, None,
                                                 None, None, False, _withheld(ea, eb)))
                        continue
                    # an estimate with an se and a ci_low has a mean and a ci_high too
                    # (_statistics gives all four or none; suppression withholds all four)
                    assert ea.mean is not None and eb.mean is not None
                    assert ea.ci_high is not None and eb.ci_high is not None
                    se_a, se_b = ea.se, eb.se
                    se = math.hypot(se_a, se_b)
                    # Welch-Satterthwaite degrees of freedom on the effective sample sizes
                    df_a, df_b = (ea.n_eff or 2) - 1, (eb.n_eff or 2) - 1
                    df = se**4 / (se_a**4 / max(df_a, 1) + se_b**4 / max(df_b, 1)) if se > 0 else 1
                    diff = ea.mean - eb.mean
                    apart = ea.ci_low > eb.ci_high or eb.ci_low > ea.ci_high
                    pending.append((len(out), max(df, 1), se, diff))
                    out.append(PerceptionGap(scope, unit.id, a, b, ea.mean, eb.mean, diff,
                                             None, None, apart))
    if pending:  # every interval's t quantile in one call
        quantiles = t_quantile(0.975, np.array([p[1] for p in pending])).tolist()
        for (position, _, se, diff), t in zip(pending, quantiles, strict=True):
            half = t * se
            out[position] = replace(out[position], ci_low=diff - half, ci_high=diff + half)
    return tuple(out)


def _withheld(*estimates: Estimate) -> str | None:
    """Why a figure made from these estimates is withheld: their means' reason (a mean
    says only that it is withheld); None when none of their means is withheld."""
    return next((e.suppressed["mean"] for e in estimates if "mean" in e.suppressed), None)


def _pick(group: GroupResult, scope: str, ident: str) -> Estimate:
    return group.colour(ident) if scope == "colour" else group.dimension(ident)
