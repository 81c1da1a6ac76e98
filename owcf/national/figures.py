"""The national figures, as CWDC published them in 2009 and more, with disclosure control.

Per question (the 2009 appendix's three presentations):

1. the distribution of trust average scores in six equal bands of the framework scale,
   with the number and percentage of trusts above its midpoint, and how many trusts had
   too few respondents to give an average, supplied nobody the question was asked of, or
   withheld it in a protected package;
2. the average score by audience and by workforce group, pooled across trusts;
3. the responses per answer, don't know and not applicable included, with the mean.

Per dimension and colour: the distribution of trusts' current positions (six bands and
the quartiles), their targets, and how many trusts rank each dimension as their first
and among their top three priorities. Support demand: which catalogue offers and which
national partners trusts asked for, by how many trusts, for which dimensions.

Trends, given packages of several rounds (a trust's latest is pooled, its previous one is
its baseline): per dimension, how many trusts really improved, did not really change,
fell back or could not be compared since their previous round, each trust's change
tested as ``owcf progress`` tests it (:mod:`owcf.progress.compare`), and the quartiles of
the trusts' changes.

Every figure is registered in one :class:`~owcf.national.disclosure.NationalTable` with
the relations a reader can build, and withheld by one pattern from
:func:`~owcf.national.disclosure.protect`: a withheld figure is ``null`` in the result,
its reason under the nearest ``suppressed``. No figure names or identifies a trust.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from owcf import __version__
from owcf.national.disclosure import (
    MIN_TRUSTS,
    REASONS,
    RESPONDENTS,
    SUM,
    TRUSTS,
    NationalTable,
    protect,
)
from owcf.national.pool import POSITION_FIELDS, Layout, TrustFigures
from owcf.national.read import Survey

SCHEMA = "owcf-national/1"
BANDS = 6
NOTICE = ("The national picture pooled from Children's Trusts' results packages. It names "
          "no trust: it counts them. No figure resting on fewer than {trusts} trusts or on "
          "fewer respondents than the threshold is published, nor any figure from which a "
          "withheld one could be worked out.")


@dataclass(frozen=True)
class Thresholds:
    """Respondent thresholds for national figures: the most cautious of the pooled
    trusts' own (a trust that withholds below 10 is not published below 10 nationally)."""

    min_cell: int
    by_audience: dict[str, int]

    def for_audiences(self, audiences: Sequence[str]) -> int:
        return max([self.min_cell, *(self.by_audience.get(a, 0) for a in audiences)])


def thresholds(disclosures: Sequence[dict[str, Any]], audiences: Sequence[str]) -> Thresholds:
    base = max([5, *(d["min_cell"] for d in disclosures)])
    by = {a: max([base, *(d["min_cell_by_audience"].get(a, 0) for d in disclosures)])
          for a in audiences}
    return Thresholds(base, {a: v for a, v in by.items() if v > base})


def band_of(value: float, lo: float, hi: float) -> int:
    """Which of the six equal bands of [lo, hi] holds ``value``: band k covers
    (lo + k w, lo + (k + 1) w], the first band also lo itself; w = (hi - lo) / 6."""
    return sum(BANDS * (value - lo) > j * (hi - lo) for j in range(1, BANDS))


def quartiles(values: Sequence[float] | np.ndarray) -> tuple[float, float, float]:
    """Lower quartile, median, upper quartile (linear interpolation between order
    statistics, as numpy and Python's statistics.quantiles(method="inclusive") give)."""
    q1, q2, q3 = np.percentile(np.asarray(values, dtype=float), [25, 50, 75])
    return float(q1), float(q2), float(q3)


class _Out:
    """Figures placed in the result, and how to null each one if it is withheld."""

    def __init__(self, table: NationalTable) -> None:
        self.table = table
        self.slots: list[tuple[Any, Any, int, dict[str, str], str]] = []

    def put(self, where: Any, key: Any, cell: int, suppressed: dict[str, str], path: str,
            value: Any = None) -> None:
        """``where[key]`` shows ``cell`` (or ``value``, a figure made from it)."""
        where[key] = self.table.figures[cell].value if value is None else value
        if isinstance(where[key], float) and where[key].is_integer() and value is None:
            where[key] = int(where[key])
        self.slots.append((where, key, cell, suppressed, path))

    def apply(self, withheld: dict[int, str]) -> None:
        for where, key, cell, suppressed, path in self.slots:
            if cell in withheld:
                where[key] = None
                suppressed[path] = withheld[cell]


def national_figures(layout: Layout, trusts: Sequence[TrustFigures], found: Survey,
                     disclosures: Sequence[dict[str, Any]], produced: str | None = None
                     ) -> dict[str, Any]:
    """Every national figure, protected, as the ``national.json`` the report renders."""
    table = NationalTable()
    out = _Out(table)
    fw = layout.framework
    limits = thresholds(disclosures, layout.audiences)
    lo, hi = fw["scale"]["min"], fw["scale"]["max"]
    pooled = table.add("pooled", len(trusts), TRUSTS, trusts=len(trusts))
    withheld_packages: dict[str, str] = {}
    packages: dict[str, Any] = {
        "files": found.files, "pooled": None,
        "full": sum(t.header.kind == "full" for t in trusts),
        "protected": sum(t.header.kind == "protected" for t in trusts),
        "left_out": dict(found.left_out), "suppressed": withheld_packages}
    out.put(packages, "pooled", pooled, withheld_packages, "pooled")
    result: dict[str, Any] = {
        "schema": SCHEMA,
        "notice": NOTICE.format(trusts=MIN_TRUSTS),
        "owcf_version": __version__,
        "produced": produced,
        "framework": {"id": fw["id"], "name": fw["name"], "sha256": fw["sha256"]},
        "questionnaire": {"id": layout.questionnaire["id"], "name": layout.questionnaire["name"],
                          "sha256": layout.questionnaire["sha256"]},
        "scale": {"min": lo, "max": hi, "midpoint": (lo + hi) / 2,
                  "levels": fw["scale"]["levels"],
                  "bands": [{"from": lo + k * (hi - lo) / BANDS,
                             "to": lo + (k + 1) * (hi - lo) / BANDS} for k in range(BANDS)]},
        "disclosure": {"min_trusts": MIN_TRUSTS, "min_cell": limits.min_cell,
                       "min_cell_by_audience": limits.by_audience, "reasons": dict(REASONS)},
        "packages": packages,
    }
    result["respondents"] = _respondents(out, trusts, layout, limits)
    result["questions"] = _questions(out, trusts, layout, limits, pooled)
    scoped = _positions(out, trusts, layout, pooled)
    result["dimensions"], result["colours"] = scoped
    result["priorities"] = _priorities(out, trusts, layout, result["dimensions"])
    result["support"] = _support(out, trusts, layout)
    result["trends"] = _trends(out, found, layout)
    out.apply(protect(table))
    return result


# -- respondents -------------------------------------------------------------------------

def _respondents(out: _Out, trusts: Sequence[TrustFigures], layout: Layout,
                 limits: Thresholds) -> dict[str, Any]:
    """Respondents by audience and by workforce group, from trusts that published them."""
    table = out.table
    fw = layout.framework
    names = {a["id"]: a["name"] for a in fw["audiences"]}
    names_g = {g["id"]: g["name"] for g in fw["workforce_groups"]}
    suppressed: dict[str, str] = {}
    section: dict[str, Any] = {"suppressed": suppressed}
    everyone = limits.for_audiences(layout.audiences)
    for key, order, attr in (("by_audience", layout.audiences, "by_audience"),
                             ("by_workforce_group", layout.groups, "by_group")):
        lists = [getattr(t, attr) for t in trusts]
        known = [row for row in lists if None not in row]
        matrix = np.array(known, dtype=float).reshape(len(known), len(order))
        total = _add(table, f"respondents.total.{_signature([None not in r for r in lists])}",
                     matrix.sum(), RESPONDENTS, int((matrix.sum(axis=1) > 0).sum()), everyone)
        rows = []
        cells = []
        for k, ident in enumerate(order):
            limit = (limits.for_audiences([ident]) if key == "by_audience" and ident is not None
                     else everyone)
            column = matrix[:, k]
            cell = _add(table, f"respondents.{key}.{ident}", column.sum(), RESPONDENTS,
                        int((column > 0).sum()), limit)
            cells.append(cell)
            row: dict[str, Any] = {"id": ident, "name": (names.get(ident) if key == "by_audience"
                                                         else names_g.get(ident, "Not stated")
                                                         if ident else "Not stated")}
            out.put(row, "respondents", cell, suppressed, f"{key}[{k}].respondents")
            if key == "by_audience":
                without = table.add(f"respondents.without.{ident}", float((column == 0).sum()),
                                    TRUSTS, trusts=int((column == 0).sum()))
                out.put(row, "trusts_without", without, suppressed,
                        f"{key}[{k}].trusts_without")
            rows.append(row)
        table.relate(cells, total)
        section[key] = rows
        section[f"{key}_total"] = None
        out.put(section, f"{key}_total", total, suppressed, f"{key}_total")
        left = len(lists) - len(known)
        out.put(section, f"{key}_not_pooled",
                table.add(f"respondents.{key}.not_pooled", left, TRUSTS, trusts=left),
                suppressed, f"{key}_not_pooled")
    return section


# -- per question ------------------------------------------------------------------------

def _signature(mask: Sequence[bool] | np.ndarray) -> str:
    """A short name for a set of trusts, so figures pooled over the same trusts share
    one cell wherever they appear."""
    return hashlib.sha256(np.asarray(mask, dtype=bool).tobytes()).hexdigest()[:16]


def _add(table: NationalTable, key: str, value: float, kind: str, trusts: int,
         threshold: int | None = None) -> int:
    """A figure resting on ``trusts`` trusts; respondent counts also on ``value``
    respondents."""
    respondents = value if kind == RESPONDENTS else None
    return table.add(key, value, kind, trusts=trusts, respondents=respondents,
                     threshold=threshold)


def _questions(out: _Out, trusts: Sequence[TrustFigures], layout: Layout,
               limits: Thresholds, pooled: int) -> list[dict[str, Any]]:
    table = out.table
    fw = layout.framework
    lo, hi = fw["scale"]["min"], fw["scale"]["max"]
    audiences = layout.audiences
    n_aud = len(audiences)
    if trusts:
        N = np.stack([t.n for t in trusts])          # (T, slots, U)
        S = np.stack([t.sums for t in trusts])
        C = np.stack([t.counts for t in trusts])     # (T, U, categories)
    else:
        slots, size = layout.slots(), len(layout.items)
        N = S = np.zeros((0, slots, size))
        C = np.zeros((0, size, len(layout.categories)))
    present = np.array([[v != 0 for v in t.by_audience] for t in trusts],
                       dtype=bool).reshape(len(trusts), n_aud)   # None (withheld) is present
    dims = {d["id"]: d for d in fw["dimensions"]}
    names = {a["id"]: a["name"] for a in fw["audiences"]}
    group_names = {g["id"]: g["name"] for g in fw["workforce_groups"]}
    scale, non_answers = layout.scale, layout.non_answers
    category = {c: k for k, c in enumerate(layout.categories)}
    out_list = []
    for u, item in enumerate(layout.items):
        asked = item["audiences"] or audiences
        limit = limits.for_audiences(asked)
        suppressed: dict[str, str] = {}
        q: dict[str, Any] = {"id": item["id"], "text": item["text"],
                             "dimension": item["dimension"],
                             "colour": dims[item["dimension"]]["colour"],
                             "asked_of": item["audiences"], "threshold": limit,
                             "suppressed": suppressed}
        n0, s0 = N[:, 0, u], S[:, 0, u]
        available = ~np.isnan(n0) & ~np.isnan(s0)
        reached = present[:, [audiences.index(a) for a in asked]].any(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            average = np.where(n0 > 0, s0 / n0, np.nan)
        counted = available & reached & (n0 >= limit)
        groups = {"with_average": counted, "too_few": available & reached & ~(n0 >= limit),
                  "without_audience": available & ~reached, "not_pooled": ~available}
        trusts_part: dict[str, Any] = {}
        cells = {}
        for name, mask in groups.items():
            value = int(mask.sum())
            cells[name] = table.add(f"q.{u}.trusts.{name}", value, TRUSTS, trusts=value)
            out.put(trusts_part, name, cells[name], suppressed, f"trusts.{name}")
        table.relate([cells[name] for name in groups], pooled)
        q["trusts"] = trusts_part
        bands = np.bincount([band_of(v, lo, hi) for v in average[counted]],
                            minlength=BANDS).tolist()
        band_cells = [table.add(f"q.{u}.bands.{k}", v, TRUSTS, trusts=v)
                      for k, v in enumerate(bands)]
        q["bands"] = [0] * BANDS
        for k, cell in enumerate(band_cells):
            out.put(q["bands"], k, cell, suppressed, f"bands[{k}]")
        table.relate(band_cells, cells["with_average"])
        above = sum(bands[BANDS // 2:])
        above_cell = table.add(f"q.{u}.above", above, TRUSTS, trusts=above)
        table.relate(band_cells[BANDS // 2:], above_cell)
        out.put(q, "above_midpoint", above_cell, suppressed, "above_midpoint")
        share = 100 * above / bands_total if (bands_total := sum(bands)) else None
        if share is not None:
            out.put(q, "percent_above", above_cell, suppressed, "percent_above", share)
            # the share gives the count away with the trusts counted: withheld with either
            out.put(q, "percent_above", cells["with_average"], suppressed, "percent_above", share)
        else:
            q["percent_above"] = None

        # (3) responses per answer, over the trusts whose every count is published
        full3 = available & ~np.isnan(C[:, u, :]).any(axis=1)
        resp: dict[str, Any] = {"counts": {}}
        left = int((~full3).sum())
        out.put(resp, "not_pooled", table.add(f"q.{u}.responses.not_pooled", left, TRUSTS,
                                              trusts=left), suppressed, "responses.not_pooled")
        count_cells = {}
        for c in [*scale, *non_answers]:
            column = C[full3, u, category[c]]
            count_cells[c] = _add(table, f"q.{u}.count.{c}", column.sum(), RESPONDENTS,
                                  int((column > 0).sum()), limit)
            out.put(resp["counts"], c, count_cells[c], suppressed, f"responses.counts.{c}")
        sig3 = _signature(full3)
        scored_n, scored_s = n0[full3], s0[full3]
        scored = _add(table, f"q.{u}.scored.{sig3}", scored_n.sum(), RESPONDENTS,
                      int((scored_n > 0).sum()), limit)
        total_sum = table.add(f"q.{u}.sum.{sig3}", float(scored_s.sum()), SUM)
        table.tie([scored, total_sum])
        total_answers = C[full3, u, :][:, [category[c] for c in [*scale, *non_answers]]].sum(axis=1)
        total = _add(table, f"q.{u}.total", total_answers.sum(), RESPONDENTS,
                     int((total_answers > 0).sum()), limit)
        table.relate([count_cells[c] for c in scale], scored)
        table.relate([scored, *(count_cells[c] for c in non_answers)], total)
        weights = layout.positions(item)
        table.relate([(count_cells[c], w) for c, w in zip(scale, weights, strict=True)],
                     total_sum)
        out.put(resp, "scored", scored, suppressed, "responses.scored")
        out.put(resp, "total", total, suppressed, "responses.total")
        mean = float(scored_s.sum() / scored_n.sum()) if scored_n.sum() > 0 else None
        if mean is not None:
            out.put(resp, "mean", scored, suppressed, "responses.mean", mean)
        else:
            resp["mean"] = None
        q["responses"] = resp

        # (2) the average by audience and by workforce group
        def item_limit(_: Any, limit: int = limit) -> int:
            return limit

        breakdowns: list[tuple[str, list[int], Sequence[str | None], Callable[[Any], str | None],
                               Callable[[Any], int]]] = [
            ("by_audience", list(range(1, 1 + n_aud)), audiences, names.get,
             lambda ident: limits.for_audiences([ident])),
            ("by_workforce_group", list(range(1 + n_aud, 1 + n_aud + len(layout.groups))),
             layout.groups, lambda g: group_names.get(g, "Not stated") if g else "Not stated",
             item_limit)]
        for key, columns, order, label, limit_of in breakdowns:
            q[key] = _breakdown(out, u, key, N[:, columns, u], S[:, columns, u], order, label,
                                limit_of, limit, suppressed)
        out_list.append(q)
    return out_list


def _breakdown(out: _Out, u: int, key: str, n: np.ndarray, s: np.ndarray,
               order: Sequence[str | None], label: Callable[[Any], str | None],
               limit_of: Callable[[Any], int], limit: int, suppressed: dict[str, str]
               ) -> dict[str, Any]:
    """One question's average by one breakdown, over the trusts that published every
    group of it (so the groups add up to all of them)."""
    table = out.table
    full = ~np.isnan(n).any(axis=1) & ~np.isnan(s).any(axis=1)
    n, s = n[full], s[full]
    sig = _signature(full)
    part: dict[str, Any] = {"groups": []}
    left = int((~full).sum())
    out.put(part, "not_pooled", table.add(f"q.{u}.{key}.not_pooled", left, TRUSTS, trusts=left),
            suppressed, f"{key}.not_pooled")
    n_cells, s_cells = [], []
    for k, ident in enumerate(order):
        column, sums = n[:, k], s[:, k]
        contributing = int((column > 0).sum())
        cell = _add(table, f"q.{u}.{key}.{k}.n", column.sum(), RESPONDENTS, contributing,
                    limit_of(ident))
        sum_cell = table.add(f"q.{u}.{key}.{k}.sum", float(sums.sum()), SUM)
        trusts_cell = table.add(f"q.{u}.{key}.{k}.trusts", contributing, TRUSTS,
                                trusts=contributing)
        table.tie([cell, sum_cell, trusts_cell])
        n_cells.append(cell)
        s_cells.append(sum_cell)
        row: dict[str, Any] = {"id": ident, "name": label(ident)}
        path = f"{key}.groups[{k}]"
        out.put(row, "trusts", trusts_cell, suppressed, f"{path}.trusts")
        out.put(row, "respondents", cell, suppressed, f"{path}.respondents")
        if column.sum() > 0:
            out.put(row, "mean", cell, suppressed, f"{path}.mean", float(sums.sum() / column.sum()))
        else:
            row["mean"] = None
        part["groups"].append(row)
    everyone = n.sum(axis=1)
    all_n = _add(table, f"q.{u}.scored.{sig}", everyone.sum(), RESPONDENTS,
                 int((everyone > 0).sum()), limit)
    all_s = table.add(f"q.{u}.sum.{sig}", float(s.sum()), SUM)
    table.tie([all_n, all_s])
    table.relate(n_cells, all_n)
    table.relate(s_cells, all_s)
    part["all"] = {}
    out.put(part["all"], "respondents", all_n, suppressed, f"{key}.all.respondents")
    if everyone.sum() > 0:
        out.put(part["all"], "mean", all_n, suppressed, f"{key}.all.mean",
                float(s.sum() / everyone.sum()))
    else:
        part["all"]["mean"] = None
    return part


# -- per dimension and colour ------------------------------------------------------------

def _positions(out: _Out, trusts: Sequence[TrustFigures], layout: Layout, pooled: int
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    table = out.table
    fw = layout.framework
    lo, hi = fw["scale"]["min"], fw["scale"]["max"]
    units = [("dimension", d) for d in fw["dimensions"]] + [("colour", c) for c in fw["colours"]]
    P = (np.stack([t.positions for t in trusts]) if trusts
         else np.zeros((0, len(units), len(POSITION_FIELDS))))
    field = {f: k for k, f in enumerate(POSITION_FIELDS)}
    dims: list[dict[str, Any]] = []
    colours: list[dict[str, Any]] = []
    for j, (scope, unit) in enumerate(units):
        suppressed: dict[str, str] = {}
        entry: dict[str, Any] = {"id": unit["id"], "name": unit["name"],
                                 "colour": unit.get("colour", unit["id"]),
                                 "suppressed": suppressed}
        current = P[:, j, field["current"]]
        target = P[:, j, field["target"]]
        has = ~np.isnan(current)
        prefix = f"{scope}.{unit['id']}"
        with_cell = table.add(f"{prefix}.with", int(has.sum()), TRUSTS, trusts=int(has.sum()))
        without_cell = table.add(f"{prefix}.without", int((~has).sum()), TRUSTS,
                                 trusts=int((~has).sum()))
        table.relate([with_cell, without_cell], pooled)
        out.put(entry, "with_position", with_cell, suppressed, "with_position")
        out.put(entry, "without_position", without_cell, suppressed, "without_position")
        bands = np.bincount([band_of(v, lo, hi) for v in current[has]], minlength=BANDS).tolist()
        band_cells = [table.add(f"{prefix}.bands.{k}", v, TRUSTS, trusts=v)
                      for k, v in enumerate(bands)]
        table.relate(band_cells, with_cell)
        entry["bands"] = [0] * BANDS
        for k, cell in enumerate(band_cells):
            out.put(entry["bands"], k, cell, suppressed, f"bands[{k}]")
        entry["current"] = _spread(current[has])
        has_target = ~np.isnan(target)
        target_cell = table.add(f"{prefix}.with_target", int(has_target.sum()), TRUSTS,
                                trusts=int(has_target.sum()))
        out.put(entry, "with_target", target_cell, suppressed, "with_target")
        entry["target"] = _spread(target[has_target])
        both = has & has_target
        entry["gap"] = _spread(target[both] - current[both])
        (dims if scope == "dimension" else colours).append(entry)
    return dims, colours


def _spread(values: np.ndarray) -> dict[str, Any]:
    """Quartiles of trusts' values, only when at least MIN_TRUSTS trusts have one. (How
    many do is a figure of its own, protected with the others.)"""
    if len(values) < MIN_TRUSTS:
        return {"q1": None, "median": None, "q3": None,
                "suppressed": "fewer-than-min-trusts" if len(values) else None}
    q1, q2, q3 = quartiles(values)
    return {"q1": q1, "median": q2, "q3": q3, "suppressed": None}


def _priorities(out: _Out, trusts: Sequence[TrustFigures], layout: Layout,
                dims: list[dict[str, Any]]) -> dict[str, Any]:
    """How many trusts rank each dimension first, and among their top three."""
    table = out.table
    size = len(layout.framework["dimensions"])
    ranks = (np.stack([t.positions[:size, POSITION_FIELDS.index("rank")] for t in trusts])
             if trusts else np.zeros((0, size)))
    ranked = ~np.isnan(ranks).all(axis=1)
    suppressed: dict[str, str] = {}
    section: dict[str, Any] = {"suppressed": suppressed}
    ranked_cell = table.add("priorities.ranked", int(ranked.sum()), TRUSTS,
                            trusts=int(ranked.sum()))
    top3_total = int(np.minimum((~np.isnan(ranks)).sum(axis=1), 3).sum())
    top3_cell = table.add("priorities.top3_total", top3_total, TRUSTS, trusts=int(ranked.sum()))
    out.put(section, "trusts_ranking", ranked_cell, suppressed, "trusts_ranking")
    out.put(section, "top3_total", top3_cell, suppressed, "top3_total")
    first_cells, top3_cells = [], []
    with np.errstate(invalid="ignore"):
        for j, entry in enumerate(dims):
            first = int((ranks[:, j] == 1).sum())
            top3 = int((ranks[:, j] <= 3).sum())
            first_cells.append(table.add(f"priorities.first.{j}", first, TRUSTS, trusts=first))
            top3_cells.append(table.add(f"priorities.top3.{j}", top3, TRUSTS, trusts=top3))
            out.put(entry, "first_priority", first_cells[-1], entry["suppressed"],
                    "first_priority")
            out.put(entry, "top3_priority", top3_cells[-1], entry["suppressed"], "top3_priority")
    table.relate(first_cells, ranked_cell)
    table.relate(top3_cells, top3_cell)
    return section


# -- trends since the previous round -----------------------------------------------------

#: how each trust's change on a dimension is counted, as owcf progress calls it
TREND_KINDS = {"improved": "improved", "stayed": "no real change", "fell_back": "fell back"}


def _trends(out: _Out, found: Survey, layout: Layout) -> dict[str, Any] | None:
    """Per dimension, trusts' changes since their previous round (None when no pooled
    trust sent an earlier round)."""
    from owcf.progress.compare import compare

    pairs = [(before, now) for before, now in zip(found.previous, found.rounds, strict=True)
             if before is not None]
    if not pairs:
        return None
    table = out.table
    suppressed: dict[str, str] = {}
    both = len(pairs)
    both_cell = table.add("trends.trusts", both, TRUSTS, trusts=both)
    section: dict[str, Any] = {"suppressed": suppressed, "method": (
        "each trust's latest round against its previous one, as owcf progress compares "
        "them: Welch's change in the questionnaire mean, real when it holds after Holm's "
        "adjustment over the trust's dimensions compared (5%); not compared where either "
        "round withheld the figure or measured it differently")}
    out.put(section, "trusts", both_cell, suppressed, "trusts")
    progress = [compare("", before, now) for before, now in pairs]
    changes = [{f.id: f for f in p.dimensions} for p in progress]
    rows = []
    for j, d in enumerate(layout.framework["dimensions"]):
        why: dict[str, str] = {}
        row: dict[str, Any] = {"id": d["id"], "name": d["name"], "colour": d["colour"],
                               "suppressed": why}
        found_changes = [c.get(d["id"]) for c in changes]
        direction = [f.direction if f is not None else None for f in found_changes]
        cells = []
        for key, word in TREND_KINDS.items():
            count = sum(x == word for x in direction)
            cells.append(table.add(f"trends.{j}.{key}", count, TRUSTS, trusts=count))
            out.put(row, key, cells[-1], why, key)
        left = sum(x is None for x in direction)
        cells.append(table.add(f"trends.{j}.not_compared", left, TRUSTS, trusts=left))
        out.put(row, "not_compared", cells[-1], why, "not_compared")
        table.relate(cells, both_cell)
        values = np.array([f.change.difference for f in found_changes
                           if f is not None and f.change is not None], dtype=float)
        row["change"] = _spread(values)
        rows.append(row)
    section["dimensions"] = rows
    return section


# -- support -----------------------------------------------------------------------------

def _support(out: _Out, trusts: Sequence[TrustFigures], layout: Layout) -> dict[str, Any]:
    """Which offers and partners trusts asked for, and for which dimensions."""
    table = out.table
    fw = layout.framework
    suppressed: dict[str, str] = {}
    offers: dict[str, dict[str, Any]] = {}
    offer_trusts: dict[str, set[int]] = {}
    partner_names: dict[str, str] = {}
    partner_trusts: dict[str, set[int]] = {}
    own_trusts: dict[str, set[int]] = {}
    dim_trusts: dict[str, set[int]] = {d["id"]: set() for d in fw["dimensions"]}
    asking: set[int] = set()
    for t, trust in enumerate(trusts):
        for ident, partner, partner_name, title, dimensions in trust.offers:
            offers.setdefault(ident, {"id": ident, "title": title, "partner": partner_name,
                                      "dimensions": list(dimensions)})
            offer_trusts.setdefault(ident, set()).add(t)
            if partner is not None:
                partner_names.setdefault(partner, partner_name or partner)
                partner_trusts.setdefault(partner, set()).add(t)
            for d in dimensions:
                dim_trusts.setdefault(d, set()).add(t)
            asking.add(t)
    # a request naming a catalogue partner (any spelling of case and spaces) counts for it
    for t, trust in enumerate(trusts):
        for partner_text, dimensions in trust.requests:
            name = " ".join(partner_text.split())
            known = next((p for p, n in partner_names.items() if n.casefold() == name.casefold()),
                         None)
            if known is not None:
                partner_trusts[known].add(t)
            elif name:
                own_trusts.setdefault(name.casefold(), set()).add(t)
            for d in dimensions:
                dim_trusts.setdefault(d, set()).add(t)
            asking.add(t)
    section: dict[str, Any] = {"suppressed": suppressed}
    asking_cell = table.add("support.asking", len(asking), TRUSTS, trusts=len(asking))
    out.put(section, "trusts_asking", asking_cell, suppressed, "trusts_asking")
    rows = []
    for k, ident in enumerate(sorted(offers, key=lambda o: (-len(offer_trusts[o]), o))):
        count = len(offer_trusts[ident])
        row = dict(offers[ident])
        out.put(row, "trusts", table.add(f"support.offer.{ident}", count, TRUSTS, trusts=count),
                suppressed, f"offers[{k}].trusts")
        rows.append(row)
    section["offers"] = rows
    partners = []
    named = {p: set(ts) for p, ts in partner_trusts.items()}
    # partners only trusts' own requests name, each named by too few trusts to show
    other: set[int] = set()
    for key, ts in own_trusts.items():
        if len(ts) >= MIN_TRUSTS:
            named[key] = ts
            partner_names[key] = next(p for t in sorted(ts) for p, _ in trusts[t].requests
                                      if " ".join(p.split()).casefold() == key)
        else:
            other |= ts
    for k, key in enumerate(sorted(named, key=lambda p: (-len(named[p]), partner_names[p]))):
        count = len(named[key])
        row = {"name": partner_names[key]}
        out.put(row, "trusts", table.add(f"support.partner.{key}", count, TRUSTS, trusts=count),
                suppressed, f"partners[{k}].trusts")
        partners.append(row)
    section["partners"] = partners
    out.put(section, "other_partners", table.add("support.other", len(other), TRUSTS,
                                                 trusts=len(other)),
            suppressed, "other_partners")
    dims = []
    names = {d["id"]: d["name"] for d in fw["dimensions"]}
    for k, d in enumerate(fw["dimensions"]):
        count = len(dim_trusts[d["id"]])
        row = {"id": d["id"], "name": names[d["id"]]}
        out.put(row, "trusts", table.add(f"support.dimension.{d['id']}", count, TRUSTS,
                                         trusts=count), suppressed, f"dimensions[{k}].trusts")
        dims.append(row)
    section["dimensions"] = dims
    return section
