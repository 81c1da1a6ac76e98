"""Current position from every test, the gap to target, and which gaps to work on first.

Rules (docs/methods.md has the reasoning):

* Sources for a dimension: the questionnaire's overall mean (if published), weighted by
  the trust's ``triangulation.questionnaire_weight`` (default 1), and each evidence
  record that rates the dimension, weighted by its ``weight`` (default 1).
* Current position = the weighted mean of the sources. Its band is the questionnaire's
  95% interval scaled by the questionnaire's share of the weight: evidence ratings are
  judgements with no sampling error, so only the questionnaire contributes uncertainty.
* Agreement: the spread (highest minus lowest source) with two or more sources; the
  sources agree when the spread is at most ``triangulation.agreement`` (default 1 point).
* A colour's current position, band and target are the means of its dimensions'.
* Gap = target - current. Priority score = target - upper end of the band: the gap we can
  be fairly sure of. Dimensions are ranked by priority score, then gap, then framework order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from owcf.model.trust import Trust
from owcf.stats.results import Analysis, Estimate

METHOD = {
    "current": "weighted mean of the questionnaire mean and each evidence rating",
    "band": "questionnaire 95% interval x questionnaire share of the weight (evidence has "
            "no sampling error)",
    "agreement": "spread = highest - lowest source; sources agree when spread <= agreement",
    "colour": "mean of the colour's dimensions' current positions, bands and targets",
    "gap": "target - current",
    "priority": "target - upper end of the band (the gap we can be fairly sure of); ranked "
                "by priority, then gap, then framework order",
}


@dataclass(frozen=True)
class Rating:
    """One test's view of a dimension."""

    id: str
    kind: str
    value: float
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "value": self.value, "weight": self.weight}


@dataclass(frozen=True)
class Position:
    """Where the trust stands on one dimension or colour, and how far it is from its target."""

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

    @property
    def gap(self) -> float | None:
        return None if self.target is None or self.current is None else self.target - self.current

    @property
    def priority(self) -> float | None:
        if self.target is None or self.current is None:
            return None
        return self.target - (self.high if self.high is not None else self.current)

    def to_dict(self) -> dict[str, Any]:
        q = self.questionnaire
        gap_low = None if self.target is None or self.high is None else self.target - self.high
        gap_high = None if self.target is None or self.low is None else self.target - self.low
        return {
            "scope": self.scope, "id": self.id, "name": self.name, "colour": self.colour,
            "questionnaire": None if q is None else {
                "n": q.n, "mean": q.mean, "ci_low": q.ci_low, "ci_high": q.ci_high,
                "suppressed": dict(q.suppressed) or None},
            "sources": [s.to_dict() for s in self.sources],
            "current": self.current, "low": self.low, "high": self.high,
            "spread": self.spread, "agree": self.agree, "target": self.target,
            "gap": self.gap, "gap_low": gap_low, "gap_high": gap_high,
            "priority": self.priority, "rank": self.rank,
        }


@dataclass(frozen=True)
class GapReport:
    """Current positions and gaps for every dimension and colour, ranked."""

    trust: str
    dimensions: tuple[Position, ...]
    colours: tuple[Position, ...]

    def dimension(self, ident: str) -> Position:
        return next(p for p in self.dimensions if p.id == ident)

    def colour(self, ident: str) -> Position:
        return next(p for p in self.colours if p.id == ident)

    def ranked(self, scope: str = "dimension") -> list[Position]:
        positions = self.dimensions if scope == "dimension" else self.colours
        return sorted((p for p in positions if p.rank is not None), key=lambda p: p.rank or 0)

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": "1", "trust": self.trust, "method": dict(METHOD),
                "dimensions": [p.to_dict() for p in self.dimensions],
                "colours": [p.to_dict() for p in self.colours]}


def _combine(q: Estimate | None, sources: list[Rating], q_weight: float, agreement: float
             ) -> tuple[float | None, float | None, float | None, float | None, bool | None]:
    """(current, low, high, spread, agree) from the questionnaire estimate and other sources."""
    values = list(sources)
    if q is not None and q.mean is not None and q_weight > 0:
        values.append(Rating("questionnaire", "questionnaire", q.mean, q_weight))
    if not values:
        return None, None, None, None, None
    total = sum(s.weight for s in values)
    current = sum(s.weight * s.value for s in values) / total
    low = high = None
    if q is not None and q.mean is not None and q.ci_low is not None and q_weight > 0:
        share = q_weight / total
        low = current - share * (q.mean - q.ci_low)
        high = current + share * (q.ci_high - q.mean)  # type: ignore[operator]
    spread = agree = None
    if len(values) >= 2:
        spread = max(s.value for s in values) - min(s.value for s in values)
        agree = spread <= agreement + 1e-12
    return current, low, high, spread, agree


def _ranks(positions: list[Position], order: list[str]) -> dict[str, int]:
    rankable = [p for p in positions if p.priority is not None]
    rankable.sort(key=lambda p: (-(p.priority or 0), -(p.gap or 0), order.index(p.id)))
    return {p.id: i for i, p in enumerate(rankable, start=1)}


def current_positions(analysis: Analysis, trust: Trust) -> GapReport:
    """Triangulate the questionnaire with the trust's other evidence and rank the gaps."""
    framework = trust.framework
    overall = analysis.overall
    q_weight = trust.triangulation.questionnaire_weight
    agreement = trust.triangulation.agreement
    dims: list[Position] = []
    for dim in framework.dimensions:
        est = overall.dimension(dim.id)
        sources = [Rating(e.id, e.kind, e.ratings[dim.id], e.weight)
                   for e in trust.evidence if dim.id in e.ratings]
        current, low, high, spread, agree = _combine(est, sources, q_weight, agreement)
        dims.append(Position("dimension", dim.id, dim.name, dim.colour, est, tuple(sources),
                             current, low, high, trust.targets.get(dim.id), spread, agree))
    order = [d.id for d in framework.dimensions]
    ranks = _ranks(dims, order)
    dims = [_with_rank(p, ranks) for p in dims]

    colours: list[Position] = []
    for colour in framework.colours:
        members = [p for p in dims if p.colour == colour.id]
        current = _mean([p.current for p in members])
        banded = [p for p in members if p.low is not None and p.high is not None]
        low = high = None
        if banded and len(banded) == len([p for p in members if p.current is not None]):
            low, high = _mean([p.low for p in banded]), _mean([p.high for p in banded])
        targets = [p.target for p in members]
        target = _mean(targets) if targets and None not in targets else None
        colours.append(Position("colour", colour.id, colour.name, colour.id,
                                overall.colour(colour.id), (), current, low, high, target))
    cranks = _ranks(colours, [c.id for c in framework.colours])
    return GapReport(trust.id, tuple(dims), tuple(_with_rank(p, cranks) for p in colours))


def _with_rank(p: Position, ranks: dict[str, int]) -> Position:
    return replace(p, rank=ranks.get(p.id))


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
