"""What the analysis finds, as values: an estimate per colour, dimension and item for each
group, reliability, perception gaps, and the whole :class:`Analysis`, whose ``to_dict()``
is the ``owcf analyse --format json`` output. Made by :func:`owcf.stats.analysis.analyse`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "1"
STAT_FIELDS = ("n", "n_eff", "mean", "sd", "se", "ci_low", "ci_high")


@dataclass(frozen=True)
class Estimate:
    """Figures for one colour, dimension or item within one group of respondents."""

    id: str
    name: str
    n: int | None
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    counts: dict[str, int | None]
    colour: str | None = None
    dimension: str | None = None
    n_eff: float | None = None
    se: float | None = None
    suppressed: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.colour is not None:
            out["colour"] = self.colour
        if self.dimension is not None:
            out["dimension"] = self.dimension
        out |= {"n": self.n, "n_eff": self.n_eff, "mean": self.mean, "sd": self.sd,
                "se": self.se, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "counts": dict(self.counts),
                "suppressed": dict(self.suppressed) or None}
        return out


@dataclass(frozen=True)
class GroupResult:
    """All figures for one group (``by`` is empty for everyone)."""

    by: dict[str, str | None]
    respondents: int | None
    threshold: int
    colours: tuple[Estimate, ...]
    dimensions: tuple[Estimate, ...]
    items: tuple[Estimate, ...]
    suppressed: dict[str, str] = field(default_factory=dict)

    def dimension(self, dimension_id: str) -> Estimate:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def colour(self, colour_id: str) -> Estimate:
        return next(c for c in self.colours if c.id == colour_id)

    def item(self, item_id: str) -> Estimate:
        return next(i for i in self.items if i.id == item_id)

    def to_dict(self) -> dict[str, Any]:
        return {"by": dict(self.by), "respondents": self.respondents,
                "threshold": self.threshold, "suppressed": dict(self.suppressed) or None,
                "colours": [c.to_dict() for c in self.colours],
                "dimensions": [d.to_dict() for d in self.dimensions],
                "items": [i.to_dict() for i in self.items]}


@dataclass(frozen=True)
class Reliability:
    """Internal consistency of one dimension's items."""

    dimension: str
    items: tuple[str, ...]
    n: int | None
    alpha: float | None
    alpha_if_deleted: dict[str, float | None]
    flagged: bool
    suppressed: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"dimension": self.dimension, "items": list(self.items), "n": self.n,
                "alpha": self.alpha, "alpha_if_item_deleted": dict(self.alpha_if_deleted),
                "flagged": self.flagged, "suppressed": dict(self.suppressed) or None}


@dataclass(frozen=True)
class PerceptionGap:
    """How far two audiences' views of one colour or dimension differ (a minus b)."""

    scope: str
    id: str
    audience_a: str
    audience_b: str
    mean_a: float | None
    mean_b: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    flagged: bool
    suppressed: str | None = None  # why the gap is withheld: a reason of either mean

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "id": self.id, "audience_a": self.audience_a,
                "audience_b": self.audience_b, "mean_a": self.mean_a, "mean_b": self.mean_b,
                "difference": self.difference, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "flagged": self.flagged, "suppressed": self.suppressed}


@dataclass(frozen=True)
class Analysis:
    """The result of :func:`analyse`; ``to_dict()`` is exactly the ``--format json`` output."""

    framework: str
    questionnaire: str
    scale: tuple[int, int]
    categories: tuple[str, ...]
    non_answers: tuple[str, ...]
    sources: tuple[str, ...]
    respondents: int | None  # None when everyone's size is withheld
    by: tuple[str, ...]
    weights: str
    min_cell: int
    min_cell_by_audience: dict[str, int]
    groups: tuple[GroupResult, ...]
    reliability: tuple[Reliability, ...] = ()
    perception_gaps: tuple[PerceptionGap, ...] = ()
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
            "weights": self.weights,
            "disclosure": {"min_cell": self.min_cell,
                           "min_cell_by_audience": dict(self.min_cell_by_audience),
                           "reasons": {"fewer-than-min-cell": "a group of fewer respondents "
                                       "than its threshold",
                                       "secondary": "a group withheld so that a smaller "
                                       "one cannot be worked out by subtraction",
                                       "withheld": "rests on fewer respondents than the "
                                       "group's threshold, or withheld so that such a "
                                       "figure cannot be worked out (which of the two is "
                                       "not said: saying it would give figures away)"}},
            "method": dict(self.method),
            "groups": [g.to_dict() for g in self.groups],
            "reliability": [r.to_dict() for r in self.reliability],
            "perception_gaps": [p.to_dict() for p in self.perception_gaps],
        }
