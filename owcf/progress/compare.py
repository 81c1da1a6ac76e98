"""Progress from a baseline round to the current one, like with like.

* Only what both rounds measured the same way is compared: a dimension whose framework
  entry (colour) or questionnaire items (wording, reversal, audiences) differ, or that
  one round lacks, is left out, and so is a colour whose dimensions differ or include one
  left out; each is listed with its reason. Rounds on different scales are not compared
  at all (:func:`scale_difference`; the caller refuses them).
* The change is current minus baseline on the questionnaire's mean, with its 95% Welch
  interval from both rounds' means, SDs and effective sizes
  (:func:`owcf.stats.change.welch`). A change resting on a figure withheld in either
  round is withheld too, with the reason.
* A change is *real* when its Holm-adjusted p (over the dimensions compared; separately
  over the colours compared) is at most :data:`owcf.stats.change.ALPHA`.
* Targets (the current round's): reached when the current position is at or above it;
  else nearer or further when the change is real (improved or fell back), no nearer when
  it is not; where the change is withheld, by the positions as published (to two
  decimal places).
* Each source of evidence (the questionnaire, each other test) is compared where both
  rounds have it: matched by id, else by kind when each round has one source of the kind.
* Actions due since the baseline: the current round's actions due after the baseline's
  assessment period ended and by the end of the current one, with their status now and,
  where the baseline listed the same action number, then.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from owcf.progress.rounds import Figure, Item, Round, Source
from owcf.stats.change import ADJUSTMENT, ALPHA, Change, holm, welch

IMPROVED, FELL_BACK, NO_REAL_CHANGE = "improved", "fell back", "no real change"
REACHED, NEARER, FURTHER, NO_NEARER = "reached", "nearer", "further", "no nearer"

METHOD = {
    "change": "current round's questionnaire mean minus the baseline's (the overall figure "
              "of each dimension and colour, as each round published it)",
    "interval": "95% Welch interval: se = sqrt(sd_current^2/n_current + sd_baseline^2/"
                "n_baseline) with each round's effective size (Kish), Welch-Satterthwaite "
                "degrees of freedom; two-sided p from the t distribution",
    "adjustment": f"{ADJUSTMENT}: Holm's step-down adjustment over the dimensions compared, "
                  "and separately over the colours compared; a change is real when its "
                  f"adjusted p is at most {ALPHA}",
    "like_with_like": "only dimensions with the same colour and the same questionnaire items "
                      "(wording, reversal, audiences) in both rounds, and colours with the "
                      "same dimensions, all comparable; every other comparison is listed "
                      "under 'excluded' with its reason",
    "disclosure": "a change resting on a figure withheld in either round is withheld",
    "targets": "the current round's target: reached when the current position is at or "
               "above it; else nearer (further) when the change is real and an improvement "
               "(a fall), no nearer when it is not real; where the change is withheld, by "
               "the positions as published",
    "sources": "each source of evidence compared where both rounds have it (by id, else by "
               "kind when each round has one source of that kind)",
    "actions": "the current round's actions due after the baseline's assessment period "
               "ended and by the end of the current one",
}


@dataclass(frozen=True)
class SourceChange:
    """One source of evidence in both rounds."""

    id: str
    kind: str
    baseline: float
    current: float

    @property
    def change(self) -> float:
        return _round2(self.current - self.baseline)


@dataclass(frozen=True)
class FigureChange:
    """One dimension or colour compared."""

    scope: str
    baseline: Figure
    current: Figure
    #: None where withheld
    change: Change | None
    withheld: str | None
    p_adjusted: float | None = None
    real: bool = False
    sources: tuple[SourceChange, ...] = ()

    @property
    def id(self) -> str:
        return self.current.id

    @property
    def direction(self) -> str | None:
        """improved, fell back or no real change; None where withheld."""
        if self.change is None:
            return None
        if not self.real:
            return NO_REAL_CHANGE
        return IMPROVED if self.change.difference > 0 else FELL_BACK

    @property
    def position_change(self) -> float | None:
        before, now = self.baseline.current, self.current.current
        return None if before is None or now is None else _round2(now - before)

    @property
    def target(self) -> float | None:
        return self.current.target if self.current.target is not None else self.baseline.target

    @property
    def target_status(self) -> str | None:
        """reached, nearer, further or no nearer (None without a target or positions):
        nearer or further only on a real change, so noise moves no dimension."""
        target, before, now = self.target, self.baseline.current, self.current.current
        if target is None or now is None:
            return None
        if now >= target:
            return REACHED
        direction = self.direction
        if direction is not None:
            return {IMPROVED: NEARER, FELL_BACK: FURTHER}.get(direction, NO_NEARER)
        if before is None:
            return None
        then, gap = _round2(target - before), _round2(target - now)
        return NEARER if gap < then else FURTHER if gap > then else NO_NEARER

    def to_dict(self) -> dict[str, Any]:
        c = self.change
        return {
            "scope": self.scope, "id": self.id, "name": self.current.name,
            "colour": self.current.colour,
            "baseline": _side(self.baseline), "current": _side(self.current),
            "change": None if c is None else c.difference,
            "se": None if c is None else c.se, "df": None if c is None else c.df,
            "ci_low": None if c is None else c.ci_low,
            "ci_high": None if c is None else c.ci_high,
            "p_value": None if c is None else c.p_value, "p_adjusted": self.p_adjusted,
            "real": self.real, "direction": self.direction, "withheld": self.withheld,
            "position": {"baseline": self.baseline.current, "current": self.current.current,
                         "change": self.position_change},
            "target": {"value": self.target, "status": self.target_status},
            "sources": [{"id": s.id, "kind": s.kind, "baseline": s.baseline,
                         "current": s.current, "change": s.change} for s in self.sources],
        }


@dataclass(frozen=True)
class Excluded:
    """A comparison left out, and why."""

    scope: str
    id: str
    name: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"scope": self.scope, "id": self.id, "name": self.name, "reason": self.reason}


@dataclass(frozen=True)
class Progress:
    """Everything that moved (or did not) between two rounds."""

    trust: str
    round: str
    baseline: str
    #: where the baseline was read from
    baseline_origin: str
    periods: tuple[tuple[str, str] | None, tuple[str, str] | None]
    dimensions: tuple[FigureChange, ...]
    colours: tuple[FigureChange, ...]
    excluded: tuple[Excluded, ...]
    actions: tuple[dict[str, Any], ...]

    def moved(self) -> list[FigureChange]:
        """The dimensions whose change is real, biggest first."""
        real = [d for d in self.dimensions if d.real and d.change is not None]
        return sorted(real, key=lambda d: -abs(d.change.difference if d.change else 0))

    def to_dict(self) -> dict[str, Any]:
        before, now = self.periods
        return {
            "schema_version": "1", "trust": self.trust,
            "round": {"name": self.round, "period": _period(now)},
            "baseline": {"name": self.baseline, "source": self.baseline_origin,
                         "period": _period(before)},
            "method": {**METHOD, "alpha": ALPHA, "adjustment_method": ADJUSTMENT},
            "summary": {d: sum(1 for f in self.dimensions if f.direction == d)
                        for d in (IMPROVED, NO_REAL_CHANGE, FELL_BACK)}
            | {"withheld": sum(1 for f in self.dimensions if f.withheld),
               "excluded": sum(1 for e in self.excluded if e.scope == "dimension")},
            "dimensions": [d.to_dict() for d in self.dimensions],
            "colours": [c.to_dict() for c in self.colours],
            "excluded": [e.to_dict() for e in self.excluded],
            "actions": list(self.actions),
        }


def scale_difference(baseline: Round, current: Round) -> str | None:
    """Why two rounds cannot be compared at all (their scales differ), or None."""
    if baseline.scale != current.scale:
        return (f"its framework scale {_scale(baseline.scale)} differs from this round's "
                f"{_scale(current.scale)}")
    if baseline.answer_scale != current.answer_scale:
        return (f"its answer scale {_values(baseline.answer_scale)} differs from this "
                f"round's {_values(current.answer_scale)}")
    return None


def compare(trust: str, baseline: Round, current: Round,
            actions: Sequence[Mapping[str, Any]] = ()) -> Progress:
    """Progress from ``baseline`` to ``current`` (same scales: see
    :func:`scale_difference`); ``actions`` are the current round's (number, text, due,
    status, dimensions)."""
    assert scale_difference(baseline, current) is None
    excluded: list[Excluded] = []
    dims = _like(baseline, current, "dimension", excluded, lambda k: _dimension_reason(
        baseline, current, k))
    comparable = {f.id for f in dims}
    colours = _like(baseline, current, "colour", excluded, lambda k: _colour_reason(
        baseline, current, k, comparable))
    return Progress(trust, current.name, baseline.name, baseline.origin,
                    (baseline.period, current.period), tuple(_adjusted(dims, baseline)),
                    tuple(_adjusted(colours, baseline)), tuple(excluded),
                    tuple(_due_since(baseline, current, actions)))


def _like(baseline: Round, current: Round, scope: str, excluded: list[Excluded],
          reason_of: Callable[[str], str | None]) -> list[FigureChange]:
    """The figures of ``scope`` both rounds measured alike, unadjusted; the others go to
    ``excluded``."""
    before = baseline.dimensions if scope == "dimension" else baseline.colours
    now = current.dimensions if scope == "dimension" else current.colours
    out = []
    for ident, figure in now.items():
        reason = reason_of(ident)
        if reason is not None:
            excluded.append(Excluded(scope, ident, figure.name, reason))
            continue
        old = before[ident]
        withheld = _withheld(old, baseline.name) or _withheld(figure, current.name)
        change = None
        if withheld is None:
            assert old.summary is not None and figure.summary is not None
            change = welch(old.summary, figure.summary)
        out.append(FigureChange(scope, old, figure, change, withheld,
                                sources=_sources(old.sources, figure.sources)))
    for ident, figure in before.items():
        if ident not in now:
            excluded.append(Excluded(scope, ident, figure.name,
                                     f"not in round {current.name}'s framework"))
    return out


def _adjusted(figures: list[FigureChange], baseline: Round) -> list[FigureChange]:
    adjusted = holm([f.change.p_value if f.change else None for f in figures])
    return [FigureChange(f.scope, f.baseline, f.current, f.change, f.withheld, p,
                         p is not None and p <= ALPHA, f.sources)
            for f, p in zip(figures, adjusted, strict=True)]


def _withheld(figure: Figure, round_name: str) -> str | None:
    return None if figure.withheld is None else f"round {round_name}: {figure.withheld}"


def _dimension_reason(baseline: Round, current: Round, ident: str) -> str | None:
    old = baseline.dimensions.get(ident)
    if old is None:
        return f"not in round {baseline.name}'s framework"
    colour = current.dimensions[ident].colour
    if old.colour != colour:
        return f"moved from colour {old.colour} to {colour}"
    return _items_reason(baseline, current, ident)


def _items_reason(baseline: Round, current: Round, dimension: str) -> str | None:
    before = {i.id: i for i in baseline.items if i.dimension == dimension}
    now = {i.id: i for i in current.items if i.dimension == dimension}
    if before == now:
        return None
    parts = []
    added = sorted(set(now) - set(before))
    removed = sorted(set(before) - set(now))
    changed = sorted(k for k in set(now) & set(before) if now[k] != before[k])
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    if changed:
        parts.append("changed " + ", ".join(f"{k} ({_what_changed(before[k], now[k])})"
                                            for k in changed))
    return "its questionnaire items differ between the rounds: " + "; ".join(parts)


def _what_changed(before: Item, now: Item) -> str:
    what = [name for name, a, b in (("wording", before.text, now.text),
                                    ("reversal", before.reverse, now.reverse),
                                    ("audiences", before.audiences, now.audiences)) if a != b]
    return ", ".join(what)


def _colour_reason(baseline: Round, current: Round, ident: str,
                   comparable: set[str]) -> str | None:
    if ident not in baseline.colours:
        return f"not in round {baseline.name}'s framework"
    before = baseline.colour_dimensions.get(ident, ())
    now = current.colour_dimensions.get(ident, ())
    if set(before) != set(now):
        return "its dimensions differ between the rounds"
    left_out = [d for d in now if d not in comparable]
    if left_out:
        return "it rests on dimensions not compared: " + ", ".join(left_out)
    return None


def _sources(before: Sequence[Source], now: Sequence[Source]) -> tuple[SourceChange, ...]:
    """Sources in both rounds: same id, else the one source of a kind in each round."""
    by_id = {s.id: s for s in before}
    matched: list[tuple[Source, Source]] = []
    rest = []
    for s in now:
        if s.id in by_id:
            matched.append((by_id.pop(s.id), s))
        else:
            rest.append(s)
    for s in rest:
        same_now = [r for r in rest if r.kind == s.kind]
        same_before = [b for b in by_id.values() if b.kind == s.kind]
        if len(same_now) == 1 and len(same_before) == 1:
            matched.append((same_before[0], s))
    order = {s.id: k for k, s in enumerate(now)}
    matched.sort(key=lambda pair: order[pair[1].id])
    return tuple(SourceChange(s.id, s.kind, b.value, s.value) for b, s in matched)


def _due_since(baseline: Round, current: Round, actions: Sequence[Mapping[str, Any]]
               ) -> list[dict[str, Any]]:
    after = baseline.period[1] if baseline.period else None
    until = current.period[1] if current.period else None
    then = {a["number"]: a.get("status") for a in baseline.actions}
    out = []
    for action in actions:
        due = action.get("due")
        if due is None or (after is not None and due <= after) or (
                until is not None and due > until):
            continue
        out.append({**action, "status_at_baseline": then.get(action["number"])})
    return sorted(out, key=lambda a: (a["due"], a["number"]))


def _side(figure: Figure) -> dict[str, Any]:
    s = figure.summary
    return {"n": figure.n, "n_eff": None if s is None else s.n_eff,
            "mean": None if s is None else s.mean, "sd": None if s is None else s.sd}


def _period(period: tuple[str, str] | None) -> dict[str, str] | None:
    return None if period is None else {"start": period[0], "end": period[1]}


def _round2(value: float) -> float:
    return round(value, 2) + 0.0


def _scale(scale: tuple[float, float, tuple[float, ...]]) -> str:
    return f"{scale[0]:g}-{scale[1]:g} (levels {_values(scale[2])})"


def _values(values: tuple[float, ...]) -> str:
    return ", ".join(f"{v:g}" for v in values)
