"""Current position from every test, the gap to target, and which gaps to work on first.

Rules (docs/methods.md has the reasoning and a worked example):

* Sources for a dimension: the questionnaire's overall mean (if published) and each
  evidence record that rates the dimension.
* Each source counts for the people behind it. Its **effective size** is the
  questionnaire's ``n_eff`` (Kish), or the record's ``participant_count`` (1 when not
  given), times its weight (``triangulation.questionnaire_weight``, the record's
  ``weight``; default 1). Its variance is the questionnaire's ``se**2 / weight``, or
  ``s**2 / effective size`` for a rating, where ``s`` is how much people's views of the
  dimension differ (the questionnaire's SD, else a quarter of the scale's range): a
  workshop's rating is treated as the mean view of its participants.
* Current position = the inverse-variance weighted mean of the sources. Its band is
  ``current +/- t * se`` with ``se = sqrt(1 / sum(1 / variance))``, scaled up by the
  Birge ratio ``sqrt(Q / (k - 1))`` when the ``k`` sources disagree by more than their own
  uncertainty (``Q = sum((x - current)**2 / variance)``), so the band widens when sources
  disagree; ``t = t(0.975, n_eff - 1)`` of the questionnaire, 1.96 without one; clipped
  to the scale.
* Everything shown is rounded once, to two decimal places; gaps and priorities are
  computed from the rounded figures, so a reader can check them by subtraction.
* The level reached is the highest level at or below the current position, never the
  nearest: 2.54 is "Developing, moving towards Established".
* Agreement: the spread (highest minus lowest source) with two or more sources; the
  sources agree when the spread is at most ``triangulation.agreement`` (default 1 point).
* A colour's current position, band and target are the means of its dimensions' (as
  shown), rounded.
* Gap = target - current. Priority score = target - upper end of the band: the gap we can
  be fairly sure of. Dimensions are ranked by priority score, then gap, then framework
  order. The top priorities are the first :data:`TOP_PRIORITIES` ranked dimensions with a
  gap above 0; each should have an action that lists it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from owcf.model.framework import Scale
from owcf.model.plan import Action
from owcf.model.trust import Trust
from owcf.stats.results import Analysis, Estimate

#: decimal places of every figure a position shows
DECIMALS = 2
#: how many of the ranked gaps are the trust's top priorities
TOP_PRIORITIES = 5
#: the 97.5% point of the normal distribution: the band's multiplier without a questionnaire
Z_975 = 1.959963984540054

METHOD = {
    "sources": "the questionnaire's overall mean (if published) and each evidence rating of "
               "the dimension",
    "effective_size": "questionnaire: n_eff x triangulation.questionnaire_weight; evidence: "
                      "participant_count (1 if not given) x its weight",
    "spread_of_views": "s = the questionnaire's SD for the dimension, else a quarter of the "
                       "scale's range",
    "variance": "questionnaire: se^2 / questionnaire_weight; evidence rating: s^2 / its "
                "effective size (the mean view of its participants)",
    "current": "inverse-variance weighted mean of the sources (weights in proportion to "
               "effective sizes when the spread of views is shared)",
    "band": "current +/- t x se; se = sqrt(1 / sum(1/variance)) x max(1, sqrt(Q/(k-1))), "
            "Q = sum((x - current)^2 / variance) over the k sources (Birge ratio: the band "
            "widens when the sources disagree beyond their uncertainty); t = t(0.975, n_eff-1) "
            "of the questionnaire, 1.96 without one; clipped to the scale",
    "agreement": "spread = highest - lowest source; sources agree when spread <= agreement",
    "rounding": "current, band and target rounded once to 2 decimal places; gap and priority "
                "computed from the rounded figures",
    "level": "the highest scale level at or below the current position ('moving towards' the "
             "next level when above it); never rounded up",
    "colour": "mean of the colour's dimensions' current positions, bands and targets as shown, "
              "rounded",
    "gap": "target - current",
    "priority": "target - upper end of the band (the gap we can be fairly sure of); ranked "
                "by priority, then gap, then framework order",
    "actions": "the trust's actions, not cancelled, that list the dimension",
    "priorities_without_action": f"of the first {TOP_PRIORITIES} ranked dimensions with a gap "
                                 "above 0, those no action lists",
}


def rounded(value: float | None) -> float | None:
    """A figure as every output shows it (round half to even on the binary value)."""
    return None if value is None else round(value, DECIMALS) + 0.0  # never -0.0


def level_reached(scale: Scale, position: float | None) -> str | None:
    """The level a position has reached, never rounded up: 'Developing, moving towards
    Established' for 2.54 on the bundled scale, 'Established' for 3.00."""
    if position is None:
        return None
    reached = [lv for lv in scale.levels if lv.value <= position + 1e-9]
    if not reached:  # below the scale (never, for a checked position): the first level ahead
        return f"moving towards {scale.levels[0].label}"
    level = reached[-1]
    ahead = [lv for lv in scale.levels if lv.value > position + 1e-9]
    if ahead and position > level.value + 1e-9:
        return f"{level.label}, moving towards {ahead[0].label}"
    return level.label


@dataclass(frozen=True)
class Rating:
    """One source's view of a dimension, with how much evidence stands behind it."""

    id: str
    kind: str
    value: float
    weight: float
    #: how many people the source stands for, times its weight
    effective_size: float = 1.0
    variance: float = math.nan
    #: the source's part of the current position (its share of 1 / variance)
    share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "value": self.value, "weight": self.weight,
                "effective_size": round(self.effective_size, 1),
                "share": None if self.share is None else round(self.share, 3)}


@dataclass(frozen=True)
class Position:
    """Where the trust stands on one dimension or colour, and how far it is from its target.

    ``current``, ``low``, ``high`` and ``target`` are rounded to :data:`DECIMALS`; ``gap``
    and ``priority`` are worked out from them.
    """

    scope: str
    id: str
    name: str
    colour: str
    questionnaire: Estimate | None
    sources: tuple[Rating, ...]
    current: float | None
    low: float | None
    high: float | None
    target: float | None
    spread: float | None = None
    agree: bool | None = None
    rank: int | None = None
    #: the level reached, in words
    level: str | None = None
    #: numbers of the actions (not cancelled) that address it
    actions: tuple[int, ...] = ()

    @property
    def gap(self) -> float | None:
        if self.target is None or self.current is None:
            return None
        return rounded(self.target - self.current)

    @property
    def priority(self) -> float | None:
        if self.target is None or self.current is None:
            return None
        return rounded(self.target - (self.high if self.high is not None else self.current))

    def to_dict(self) -> dict[str, Any]:
        q = self.questionnaire
        gap_low = None if self.target is None or self.high is None else rounded(
            self.target - self.high)
        gap_high = None if self.target is None or self.low is None else rounded(
            self.target - self.low)
        return {
            "scope": self.scope, "id": self.id, "name": self.name, "colour": self.colour,
            "questionnaire": None if q is None else {
                "n": q.n, "n_eff": q.n_eff, "mean": q.mean, "sd": q.sd, "se": q.se,
                "ci_low": q.ci_low, "ci_high": q.ci_high,
                "suppressed": dict(q.suppressed) or None},
            "sources": [s.to_dict() for s in self.sources],
            "current": self.current, "low": self.low, "high": self.high,
            "level": self.level, "spread": self.spread, "agree": self.agree,
            "target": self.target, "gap": self.gap, "gap_low": gap_low, "gap_high": gap_high,
            "priority": self.priority, "rank": self.rank, "actions": list(self.actions),
        }


@dataclass(frozen=True)
class GapReport:
    """Current positions and gaps for every dimension and colour, ranked."""

    trust: str
    dimensions: tuple[Position, ...]
    colours: tuple[Position, ...]
    top: int = TOP_PRIORITIES

    def dimension(self, ident: str) -> Position:
        return next(p for p in self.dimensions if p.id == ident)

    def colour(self, ident: str) -> Position:
        return next(p for p in self.colours if p.id == ident)

    def ranked(self, scope: str = "dimension") -> list[Position]:
        positions = self.dimensions if scope == "dimension" else self.colours
        return sorted((p for p in positions if p.rank is not None), key=lambda p: p.rank or 0)

    def priorities(self) -> list[Position]:
        """The top priorities: the first ``top`` ranked dimensions still short of target."""
        return [p for p in self.ranked() if (p.gap or 0) > 0][:self.top]

    def without_action(self) -> list[Position]:
        """Top priorities that no action addresses."""
        return [p for p in self.priorities() if not p.actions]

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": "1", "trust": self.trust, "method": dict(METHOD),
                "top_priorities": self.top,
                "priorities_without_action": [
                    {"rank": p.rank, "id": p.id, "name": p.name, "gap": p.gap}
                    for p in self.without_action()],
                "dimensions": [p.to_dict() for p in self.dimensions],
                "colours": [p.to_dict() for p in self.colours]}


@dataclass(frozen=True)
class Combined:
    """What the sources of one dimension say together."""

    sources: tuple[Rating, ...]
    current: float | None = None
    low: float | None = None
    high: float | None = None
    spread: float | None = None
    agree: bool | None = None


def spread_of_views(q: Estimate | None, scale: Scale) -> float:
    """How much people's views of a dimension differ: the questionnaire's SD where it is
    published and above 0, else a quarter of the scale's range."""
    if q is not None and q.sd is not None and q.sd > 0:
        return q.sd
    return (scale.maximum - scale.minimum) / 4


def _n_eff(q: Estimate) -> float:
    return q.n_eff if q.n_eff is not None else float(q.n or 1)


def band_multiplier(q: Estimate | None, q_weight: float = 1.0) -> float:
    """t(0.975, n_eff - 1) of a published questionnaire figure (what its own interval
    uses), else 1.96."""
    from owcf.stats.tdist import t_quantile

    if q is None or q.mean is None or q_weight <= 0 or _n_eff(q) < 2:
        return Z_975
    return float(t_quantile(0.975, _n_eff(q) - 1))


def combine(q: Estimate | None, ratings: list[tuple[str, str, float, int | None, float]],
            scale: Scale, q_weight: float = 1.0, agreement: float = 1.0,
            t: float | None = None) -> Combined:
    """The current position and its band from the questionnaire estimate ``q`` and
    ``ratings`` of (id, kind, value, participant count or None, weight). ``t`` is the
    band's multiplier (:func:`band_multiplier`, worked out here when not given)."""
    s = spread_of_views(q, scale)
    sources: list[Rating] = []
    t = band_multiplier(q, q_weight) if t is None else t
    if q is not None and q.mean is not None and q_weight > 0:
        n_eff = _n_eff(q)
        variance = (q.se ** 2 if q.se else s ** 2 / n_eff) / q_weight
        sources.append(Rating("questionnaire", "questionnaire", q.mean, q_weight,
                              n_eff * q_weight, variance))
    for ident, kind, value, count, weight in ratings:
        size = (count or 1) * weight
        sources.append(Rating(ident, kind, value, weight, size, s ** 2 / size))
    if not sources:
        return Combined(())
    total = sum(1 / r.variance for r in sources)
    current = sum(r.value / r.variance for r in sources) / total
    se = math.sqrt(1 / total)
    spread = agree = None
    if len(sources) >= 2:
        q_stat = sum((r.value - current) ** 2 / r.variance for r in sources)
        se *= max(1.0, math.sqrt(q_stat / (len(sources) - 1)))
        spread = max(r.value for r in sources) - min(r.value for r in sources)
        agree = spread <= agreement + 1e-12
    low = max(scale.minimum, current - t * se)
    high = min(scale.maximum, current + t * se)
    shared = tuple(replace(r, share=(1 / r.variance) / total) for r in sources)
    return Combined(shared, rounded(current), rounded(low), rounded(high), rounded(spread), agree)


def _ranks(positions: list[Position], order: list[str]) -> dict[str, int]:
    rankable = [p for p in positions if p.priority is not None]
    rankable.sort(key=lambda p: (-(p.priority or 0), -(p.gap or 0), order.index(p.id)))
    return {p.id: i for i, p in enumerate(rankable, start=1)}


def addressed_by(actions: tuple[Action, ...]) -> dict[str, tuple[int, ...]]:
    """Dimension id -> the numbers of the actions (not cancelled) that list it."""
    out: dict[str, list[int]] = {}
    for action in actions:
        if action.status == "cancelled":
            continue
        for dim in action.dimensions:
            out.setdefault(dim, []).append(action.number)
    return {dim: tuple(sorted(set(numbers))) for dim, numbers in out.items()}


def current_positions(analysis: Analysis, trust: Trust) -> GapReport:
    """Combine the questionnaire with the trust's other evidence and rank the gaps."""
    framework = trust.framework
    scale = framework.scale
    overall = analysis.overall
    actions = addressed_by(trust.actions)
    q_weight = trust.triangulation.questionnaire_weight
    estimates = [overall.dimension(dim.id) for dim in framework.dimensions]
    multipliers = _multipliers(estimates, q_weight)
    dims: list[Position] = []
    for dim, est, t in zip(framework.dimensions, estimates, multipliers, strict=True):
        ratings = [(e.id, e.kind, e.ratings[dim.id], e.participant_count, e.weight)
                   for e in trust.evidence if dim.id in e.ratings]
        combined = combine(est, ratings, scale, q_weight, trust.triangulation.agreement, t)
        dims.append(Position("dimension", dim.id, dim.name, dim.colour, est, combined.sources,
                             combined.current, combined.low, combined.high,
                             rounded(trust.targets.get(dim.id)), combined.spread, combined.agree,
                             level=level_reached(scale, combined.current),
                             actions=actions.get(dim.id, ())))
    order = [d.id for d in framework.dimensions]
    ranks = _ranks(dims, order)
    dims = [_with_rank(p, ranks) for p in dims]

    colours: list[Position] = []
    for colour in framework.colours:
        members = [p for p in dims if p.colour == colour.id]
        current = rounded(_mean([p.current for p in members]))
        banded = [p for p in members if p.low is not None and p.high is not None]
        low = high = None
        if banded and len(banded) == len([p for p in members if p.current is not None]):
            low, high = rounded(_mean([p.low for p in banded])), rounded(_mean([p.high for p in banded]))
        targets = [p.target for p in members]
        target = rounded(_mean(targets)) if targets and None not in targets else None
        numbers = tuple(sorted({n for p in members for n in p.actions}))
        colours.append(Position("colour", colour.id, colour.name, colour.id,
                                overall.colour(colour.id), (), current, low, high, target,
                                level=level_reached(scale, current), actions=numbers))
    cranks = _ranks(colours, [c.id for c in framework.colours])
    return GapReport(trust.id, tuple(dims), tuple(_with_rank(p, cranks) for p in colours))


def _multipliers(estimates: list[Estimate], q_weight: float) -> list[float]:
    """:func:`band_multiplier` of every dimension in one vectorised t quantile."""
    import numpy as np

    from owcf.stats.tdist import t_quantile

    dfs = [_n_eff(q) - 1 if q.mean is not None and q_weight > 0 and _n_eff(q) >= 2 else math.inf
           for q in estimates]
    return [float(t) for t in t_quantile(0.975, np.array(dfs, dtype=float))]


def _with_rank(p: Position, ranks: dict[str, int]) -> Position:
    return replace(p, rank=ranks.get(p.id))


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
