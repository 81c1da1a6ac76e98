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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from owcf.errors import OwcfError, Problem
from owcf.ingest.responses import ResponseSet
from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire
from owcf.stats.disclosure import PRIMARY, REASONS, CellTable
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
    "suppression": "figures resting on fewer respondents than the threshold are withheld "
                   "(primary); then, wherever figures add up, a lone withheld figure is "
                   "protected by withholding the smallest other non-zero one (secondary)",
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


@dataclass
class _Level:
    """One level of figures (colour, dimension or item) for every group."""

    units: list[tuple[str, str, str | None, str | None]]  # id, name, colour, dimension
    stats: dict[str, np.ndarray]          # each (G, U)
    counts: np.ndarray                    # (G, U, C+1)
    contributors: np.ndarray              # (G, U, C+1): respondents behind each count


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


def analyse(responses: ResponseSet, framework: Framework, by: Sequence[str] = (),
            min_cell: int = DEFAULT_MIN_CELL, sources: Sequence[str] | None = None, *,
            weights: str = "respondents", population: Any = None,
            min_cell_by_audience: Mapping[str, int] | None = None) -> Analysis:
    """Score every respondent and summarise each colour, dimension and item, overall and
    by group, with weighting, reliability, perception gaps and disclosure control."""
    by = tuple(by)
    _check_options(responses, by, weights, min_cell)
    thresholds = {a: max(v, min_cell) for a, v in (min_cell_by_audience or {}).items()}
    q = responses.questionnaire
    n_aud = len(framework.audiences)
    audience = _audience_codes(responses, framework)
    stratum, sizes = _strata(responses, framework, weights, population)
    n_strata = len(sizes)
    if by:
        crossed, keys = group_codes(responses, framework, by)
    else:
        crossed, keys = np.zeros(len(responses), dtype=np.int64), [{}]
    n_groups = len(keys)
    # a cell is one (group, audience, stratum); every figure is a sum over cells
    cell = crossed * n_aud  # a fresh million-row array per step costs page faults: in place
    cell += audience
    if n_strata > 1:
        cell *= n_strata
        cell += stratum
    n_cells = n_groups * n_aud * n_strata
    cell_audience = (np.arange(n_cells) // n_strata) % n_aud
    counted, _, _ = tally(responses, framework, cell, n_cells, cell_audience, audience)
    shape = (n_groups, n_aud, n_strata)

    groups = _figures(counted, shape, framework, q, keys if by else [], sizes, min_cell,
                      thresholds, detail=True)
    if by == ("audience",):
        audience_groups = groups
    else:  # the gaps need audience figures protected exactly as an audience breakdown's
        present = counted.sizes.reshape(shape).sum(axis=(0, 2)) > 0
        audience_keys: list[dict[str, str | None]] = [
            {"audience": a.id} for a, p in zip(framework.audiences, present, strict=True) if p]
        audience_groups = _figures(counted, shape, framework, q, audience_keys, sizes, min_cell,
                                   thresholds, detail=False, audience_groups=True)
    return Analysis(framework.id, q.id, (framework.scale.minimum, framework.scale.maximum),
                    q.categories, tuple(na.code for na in q.non_answers),
                    tuple(sources if sources is not None else [responses.source]),
                    len(responses), by, weights, min_cell, thresholds, tuple(groups),
                    _reliability(counted, framework, q, groups[0].threshold),
                    _perception_gaps(audience_groups, framework), dict(METHOD))


def _figures(counted: Tally, shape: tuple[int, int, int], framework: Framework,
             q: Questionnaire, keys: list[dict[str, str | None]], sizes: np.ndarray,
             min_cell: int, audience_thresholds: Mapping[str, int], detail: bool,
             audience_groups: bool = False) -> list[GroupResult]:
    """Everyone, then each group in ``keys``, with disclosure control applied.

    ``keys`` are the crossed ``--by`` groups, or the audiences when ``audience_groups``.
    """
    n_groups, n_aud, n_strata = shape
    lo, hi = framework.scale.minimum, framework.scale.maximum
    audience_index = {a.id: i for i, a in enumerate(framework.audiences)}

    def grouped(x: np.ndarray) -> np.ndarray:
        """(cells, ...) -> (everyone + groups, strata, ...)"""
        cells = x.reshape(n_groups, n_aud, n_strata, *x.shape[1:])
        everyone = cells.sum(axis=(0, 1))[None]
        if not keys:
            return everyone
        if audience_groups:
            rows = []
            for k in keys:
                ident = k["audience"]
                assert ident is not None  # audience groups are keyed by an audience's id
                rows.append(audience_index[ident])
            per = cells.sum(axis=0)[rows]
        else:
            per = cells.sum(axis=1)
        return np.concatenate([everyone, per])

    def totals(x: np.ndarray) -> np.ndarray:
        return grouped(x).sum(axis=1)

    def stats(sums: Sums) -> dict[str, np.ndarray]:
        return _statistics(Sums(grouped(sums.s0), grouped(sums.s1), grouped(sums.s2)),
                           sizes, lo, hi)

    # respondents of each audience in each group, for the audience thresholds
    cell_audience = (np.arange(counted.sizes.size) // n_strata) % n_aud
    present = totals(counted.sizes[:, None] * np.eye(n_aud)[cell_audience])
    thr = np.full(len(present), float(min_cell))
    for audience, value in audience_thresholds.items():
        if audience in audience_index:
            thr = np.where(present[:, audience_index[audience]] > 0, np.maximum(thr, value), thr)
    group_sizes = totals(counted.sizes)
    levels: dict[str, _Level] = {
        "colour": _Level([(c.id, c.name, None, None) for c in framework.colours],
                         stats(counted.colour), totals(counted.colour_counts),
                         totals(counted.colour_contrib)),
        "dimension": _Level([(d.id, d.name, d.colour, None) for d in framework.dimensions],
                            stats(counted.dim), totals(counted.dim_counts),
                            totals(counted.dim_contrib)),
    }
    if detail:
        counts = totals(counted.item_counts)
        levels["item"] = _Level([(i.id, i.text, framework.dimension(i.dimension).colour,
                                  i.dimension) for i in q.items], stats(counted.item), counts, counts)

    # -- disclosure control over every figure at once -------------------------------
    table = CellTable()
    size_cells = table.add(group_sizes, group_sizes, thr)
    n_cells = {name: table.add(lv.stats["n"], lv.stats["n"], thr[:, None])
               for name, lv in levels.items()}
    count_cells = {name: table.add(lv.counts, lv.contributors, thr[:, None, None])
                   for name, lv in levels.items()} if detail else {}
    if keys:
        table.link(size_cells[1:].tolist(), int(size_cells[0]))
        for name in levels:
            table.link_axis(n_cells[name][1:], axis=0, totals=n_cells[name][0])
    # crossed groups also add up to each single-field breakdown, which may be published
    # elsewhere (say --by workforce_group): treat those margins as known totals
    for members in _margins(keys):
        table.link(size_cells[members].tolist())
        for name in levels:
            n_rows = n_cells[name][members].T.tolist()                    # per unit
            count_rows = count_cells[name][members].transpose(1, 2, 0).tolist() \
                if detail else [[]] * len(n_rows)                            # per unit, category
            for n_row, per_category in zip(n_rows, count_rows, strict=True):
                table.link(n_row)
                for row in per_category:
                    table.link(row)
    if detail:
        _link_counts(table, count_cells, framework, q, by_groups=bool(keys))
    state = table.solve()

    labels = [*q.categories, "blank"]
    made = {name: _estimates(lv, state, n_cells[name], count_cells.get(name), labels)
            for name, lv in levels.items()}
    out = []
    for g, key in enumerate([{}, *keys]):
        built = {name: tuple(rows[g]) for name, rows in made.items()}
        hidden = int(state[size_cells[g]])
        out.append(GroupResult(key, None if hidden else int(group_sizes[g]), int(thr[g]),
                               built["colour"], built["dimension"], built.get("item", ()),
                               {"respondents": REASONS[hidden]} if hidden else {}))
    return out


def _margins(keys: Sequence[dict[str, str | None]]) -> list[list[int]]:
    """For crossed groups, the sets (row numbers, everyone being row 0) that differ in one
    field only: together they make up one group of a single-field breakdown."""
    columns = list(keys[0]) if keys else []
    if len(columns) < 2:
        return []
    sets = []
    for column in columns:
        together: dict[tuple[str | None, ...], list[int]] = {}
        for row, key in enumerate(keys, start=1):
            rest = tuple(key[c] for c in columns if c != column)
            together.setdefault(rest, []).append(row)
        sets += [rows for rows in together.values() if len(rows) >= 2]
    return sets


def _link_counts(table: CellTable, cells: Mapping[str, np.ndarray], framework: Framework,
                 q: Questionnaire, by_groups: bool) -> None:
    """Answer counts add up along a row, across groups, and from items to colours."""
    for name in cells:
        table.link_axis(cells[name], axis=2)  # a row adds up to a known total
        if by_groups:
            table.link_axis(cells[name][1:], axis=0, totals=cells[name][0])
    item_index = {i.id: u for u, i in enumerate(q.items)}
    dim_index = {d.id: j for j, d in enumerate(framework.dimensions)}
    items_of = [[item_index[i.id] for i in q.items_for(d.id)] for d in framework.dimensions]
    dims_of = [[dim_index[d.id] for d in c.dimensions] for c in framework.colours]
    # per group and category: the cells of every item, dimension and colour
    by_item, by_dim, by_colour = (cells[name].transpose(0, 2, 1).tolist()
                                  for name in ("item", "dimension", "colour"))
    for g_items, g_dims, g_colours in zip(by_item, by_dim, by_colour, strict=True):
        for items, dims, colours in zip(g_items, g_dims, g_colours, strict=True):
            for j, members in enumerate(items_of):
                table.link([items[u] for u in members], dims[j])
            for k, members in enumerate(dims_of):
                table.link([dims[j] for j in members], colours[k])


def _float(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _estimates(level: _Level, state: np.ndarray, n_cells: np.ndarray,
               count_cells: np.ndarray | None, labels: Sequence[str]) -> list[list[Estimate]]:
    """Every group's estimates for one level, as published: withheld figures are None,
    with their reason."""
    # numpy's stubs take no None as where's x (it makes an object array, None for each NaN)
    stats = {k: np.where(np.isnan(v), None, v).tolist()  # type: ignore[call-overload]  # stubs refuse None x
             if k != "n" else v.tolist()
             for k, v in level.stats.items()}
    n_state = state[n_cells].tolist()
    count_state = state[count_cells].tolist() if count_cells is not None else None
    counts_all = level.counts.tolist()
    out = []
    for g, g_state in enumerate(n_state):
        row = []
        for u, (ident, name, colour, dimension) in enumerate(level.units):
            suppressed: dict[str, str] = {}
            hidden = g_state[u]
            values = {k: stats[k][g][u] for k in ("n_eff", "mean", "sd", "ci_low", "ci_high", "se")}
            n: int | None = int(stats["n"][g][u])
            if hidden:
                n = None
                values = dict.fromkeys(values)
                suppressed |= dict.fromkeys(STAT_FIELDS, REASONS[hidden])
            counts: dict[str, int | None] = {}
            if count_state is not None:
                for label, cell_state, count in zip(labels, count_state[g][u], counts_all[g][u],
                                                    strict=True):
                    if cell_state:
                        counts[label] = None
                        suppressed[f"counts.{label}"] = REASONS[cell_state]
                    else:
                        counts[label] = int(count)
            row.append(Estimate(ident, name, n, values["mean"], values["sd"], values["ci_low"],
                                values["ci_high"], counts, colour, dimension, values["n_eff"],
                                values["se"], suppressed))
        out.append(row)
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
    """Why a figure made from these estimates is withheld: a primary reason over a
    secondary one; None when none of their means is withheld."""
    reasons = {e.suppressed["mean"] for e in estimates if "mean" in e.suppressed}
    return REASONS[PRIMARY] if REASONS[PRIMARY] in reasons else next(iter(reasons), None)


def _pick(group: GroupResult, scope: str, ident: str) -> Estimate:
    return group.colour(ident) if scope == "colour" else group.dimension(ident)
