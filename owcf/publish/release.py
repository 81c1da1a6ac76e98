"""The report's first page, in the manner of a GOV.UK statistical release: what the
release is (status, period, date, contact, and what is not real), the main points in plain
sentences with numbers, one view of every colour against its target, and the top
priorities with the actions, owners and due dates that address them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from owcf.model.framework import Framework
from owcf.model.plan import TEST_KINDS, Action
from owcf.model.trust import Trust
from owcf.progress.compare import Progress
from owcf.publish.templating import fmt_date
from owcf.stats.positions import GapReport, Position
from owcf.stats.results import Analysis

#: how the report names where a part of the data came from
ORIGIN_WORDS = {"synthetic": "synthetic (made by a program, not collected)",
                "illustrative": "illustrative (made up as an example)"}
PART_WORDS = {"responses": "the questionnaire responses", "targets": "the targets",
              "evidence": "the ratings from the other tests",
              "population": "the workforce sizes", "actions": "the action owners and links"}


def period_words(period: tuple[dt.date, dt.date] | None) -> str:
    """'23 January to 1 June 2009', '23 January 2009 to 1 June 2010' or ''."""
    if period is None:
        return ""
    start, end = period
    if start == end:
        return fmt_date(end)
    if start.year == end.year:
        return f"{start.day} {start:%B} to {fmt_date(end)}"
    return f"{fmt_date(start)} to {fmt_date(end)}"


@dataclass(frozen=True)
class Release:
    """What the first page says about the report itself."""

    status: str
    period: str
    produced: str
    contact: str
    #: sentences saying what is synthetic or illustrative (empty when all is real)
    caveats: tuple[str, ...]
    #: the trust's own word on where its data came from
    note: str = ""


def release(trust: Trust, produced: dt.date | None) -> Release:
    origins = trust.provenance.not_real()
    caveats: list[str] = []
    for origin in ("synthetic", "illustrative"):
        parts = [PART_WORDS[p] for p, o in origins.items() if o == origin]
        if parts:  # every part's name is plural
            caveats.append(f"{_join(parts).capitalize()} are {ORIGIN_WORDS[origin]}.")
    if origins:
        caveats.append("These figures say nothing about the trust: do not use them to judge it.")
    return Release(trust.status.capitalize(), period_words(trust.period), fmt_date(produced),
                   trust.contact, tuple(caveats), trust.provenance.note)


def _join(words: Sequence[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class Priority:
    """A top priority and the actions that address it."""

    position: Position
    colour: str
    actions: tuple[Action, ...]


def priorities(gaps: GapReport, trust: Trust) -> list[Priority]:
    by_number = {a.number: a for a in trust.actions}
    framework = trust.framework
    return [Priority(p, framework.colour(p.colour).name,
                     tuple(sorted((by_number[n] for n in p.actions),
                                  key=lambda a: (a.due or dt.date.max, a.number))))
            for p in gaps.priorities()]


def reference_level(framework: Framework) -> tuple[int, str]:
    """The level main points count from: the middle of the scale ('Established')."""
    level = framework.scale.levels[len(framework.scale.levels) // 2]
    return level.value, level.label


def main_points(trust: Trust, gaps: GapReport, analysis: Analysis,
                audiences: Sequence[tuple[str, int | None]],
                rates: Sequence[tuple[str, float]], progress: Progress | None = None
                ) -> list[str]:
    """The headline in plain sentences with numbers, most important first; with
    ``progress``, the dimensions that really moved since the baseline second."""
    points: list[str] = []
    framework = trust.framework
    scored = [p for p in gaps.dimensions if p.current is not None]
    if not scored:
        return ["No dimension has a current position yet: no questionnaire figure or rating "
                "from another test can be published.",
                *_who_answered(analysis, audiences, rates)]
    value, label = reference_level(framework)
    reached = sum((p.current or 0) >= value for p in scored)
    at_target = [p for p in scored if p.gap is not None and p.gap <= 0]
    text = (f"{reached} of the {len(scored)} dimensions with a current position "
            f"{'has' if reached == 1 else 'have'} reached {label} or above and "
            f"{len(scored) - reached} {'is' if len(scored) - reached == 1 else 'are'} "
            f"below it")
    text += (f"; {len(at_target)} {'has' if len(at_target) == 1 else 'have'} reached "
             "its target." if at_target else "; none has reached its target.")
    points.append(text)
    if progress is not None:
        points.append(_moved(progress))
    colours = [c for c in gaps.colours if c.gap is not None]
    if colours:
        far = max(colours, key=lambda c: (c.gap or 0, c.id))
        near = min(colours, key=lambda c: (c.gap or 0, c.id))
        below = sum((c.gap or 0) > 0 for c in colours)
        lead = ("Every colour is below its target" if below == len(colours) else
                f"{below} of the {len(colours)} colours are below their targets")
        points.append(f"{lead}. {far.name} is furthest from its target ({far.current:.2f} "
                      f"against {far.target:.2f}, a gap of {far.gap:.2f}) and {near.name} "
                      f"the closest ({near.current:.2f} against {near.target:.2f}, a gap of "
                      f"{near.gap:.2f}).")
    top = gaps.priorities()
    if top:
        first, missing = top[0], gaps.without_action()
        text = (f"The top priority is {first.name} ({first.current:.2f} against a target of "
                f"{first.target:.2f}). ")
        if missing:
            names = _join([f"{p.name} (priority {p.rank})" for p in missing])
            text += (f"{len(top) - len(missing)} of the top {len(top)} priorities "
                     f"{'has' if len(top) - len(missing) == 1 else 'have'} an action with an "
                     f"owner; {names} {'has' if len(missing) == 1 else 'have'} none yet.")
        else:
            text += f"Each of the top {len(top)} priorities has an action with an owner."
        points.append(text)
    points += _disagreeing_sources(gaps, trust)
    points += _audience_differences(analysis, framework)
    points += _who_answered(analysis, audiences, rates)
    return points


def _moved(progress: Progress) -> str:
    """Which dimensions really moved since the baseline, with their changes."""
    moved = progress.moved()
    up = [f for f in moved if f.direction == "improved"]
    down = [f for f in moved if f.direction == "fell back"]
    compared = [f for f in progress.dimensions if f.change is not None]

    def listed(changes: Sequence[Any]) -> str:
        return _join([f.current.name for f in changes])

    since = f"Since {progress.baseline}"
    if not compared:
        return (f"No dimension can be compared with {progress.baseline}: each change is "
                "withheld or was not measured alike in both rounds.")
    if not moved:
        return (f"{since}, none of the {len(compared)} dimensions compared has really "
                "changed.")
    parts = []
    if up:
        parts.append(f"{listed(up)} really improved")
    if down:
        parts.append(f"{listed(down)} fell back")
    rest = len(compared) - len(moved)
    return (f"{since}, " + "; ".join(parts) + f"; the other {rest} dimensions compared did "
            "not really change.")


def _disagreeing_sources(gaps: GapReport, trust: Trust) -> list[str]:
    split = [p for p in gaps.dimensions if p.agree is False]
    if not split:
        return []
    parts = []
    for p in split[:3]:
        views = ", ".join(f"{TEST_KINDS[s.kind].lower()} {s.value:.2f}" for s in p.sources)
        parts.append(f"{p.name} ({views}; band {p.low:.2f} to {p.high:.2f})")
    more = f" and {len(split) - 3} more" if len(split) > 3 else ""
    return [f"The tests disagree by more than {trust.triangulation.agreement:g} point on "
            f"{_join(parts)}{more}."]


def _audience_differences(analysis: Analysis, framework: Framework) -> list[str]:
    """Where audiences see the trust differently beyond chance: for the audience that rates
    it highest against each other audience, on how many dimensions, and the largest
    difference; one sentence, not a row per dimension."""
    names = {a.id: a.name for a in framework.audiences}
    dims = {d.id: d.name for d in framework.dimensions}
    pairs: dict[tuple[str, str], list[tuple[float, str, float, float]]] = {}
    for g in analysis.perception_gaps:
        if g.scope != "dimension" or not g.flagged or g.difference is None:
            continue
        assert g.mean_a is not None and g.mean_b is not None  # a flagged gap has its means
        a, b, diff, ma, mb = g.audience_a, g.audience_b, g.difference, g.mean_a, g.mean_b
        if diff < 0:
            a, b, diff, ma, mb = b, a, -diff, mb, ma
        pairs.setdefault((a, b), []).append((diff, g.id, ma, mb))
    if not pairs:
        return []
    # the audience higher than others on the most dimensions speaks for the pattern
    tally: dict[str, int] = {}
    for (a, _), found in pairs.items():
        tally[a] = tally.get(a, 0) + len(found)
    lead = max(sorted(tally), key=lambda a: tally[a])
    parts, largest = [], (0.0, "", 0.0, 0.0, "")
    for (a, b), found in sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if a != lead:
            continue
        parts.append(f"the {names[b].lower()} on {len(found)}")
        best = max(found, key=lambda f: (f[0], f[1]))
        if best[0] > largest[0]:
            largest = (*best, b)
    diff, dim, ma, mb, other = largest
    return [f"{names[lead]} rate the trust higher than {_join(parts)} of the {len(dims)} "
            f"dimensions, beyond chance; most of all on {dims[dim]} ({ma:.2f} against "
            f"{mb:.2f} from the {names[other].lower()})."]


def _who_answered(analysis: Analysis, audiences: Sequence[tuple[str, int | None]],
                  rates: Sequence[tuple[str, float]]) -> list[str]:
    total = analysis.overall.respondents
    if total is None:  # withheld: small itself, or its groups would give it away
        if analysis.overall.suppressed.get("respondents") == "fewer-than-min-cell":
            return [f"Fewer than {analysis.overall.threshold} people answered the questionnaire."]
        return ["How many people answered the questionnaire is withheld: with so few, it "
                "would give away how many answered in each group."]
    if not total:
        return []
    shown = [f"{n} {name.lower()}" for name, n in audiences if n is not None]
    text = f"{total} people answered the questionnaire"
    if shown:
        text += f" ({_join(shown)})"
    elif len(audiences) > 1:
        text += " (each audience's number is withheld: too few to publish)"
    if rates:
        low, high = min(r for _, r in rates), max(r for _, r in rates)
        text += (f"; between {low:.1f}% and {high:.1f}% of each workforce group responded"
                 if len(rates) > 1 else f"; {low:.1f}% of the workforce responded")
    return [text + "."]
