"""The trust's summary report: Markdown and self-contained HTML with its charts.

It reads as a statistical release a board can act on: a first page with the main points,
every colour against its target and the top priorities with their actions and owners
(:mod:`owcf.publish.release`); then the actions in date order; then the current position
colour by colour (spider diagram, dot chart, the answers by audience and by workforce
group, each chart with its table); the support the trust needs; the trust's own
introduction, framework and plan; and what a reader needs to know about the figures.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from owcf.ingest.personal import redact
from owcf.ingest.responses import ResponseSet
from owcf.model.framework import Framework
from owcf.model.plan import ACTION_STATUSES, TEST_KINDS, Action, PlannedTest
from owcf.model.support import suggest
from owcf.model.trust import Trust
from owcf.progress.compare import FigureChange, Progress
from owcf.publish.charts.bars import answer_shares, diverging_bars_svg
from owcf.publish.charts.dots import dot_chart_svg, dumbbell_svg
from owcf.publish.charts.spider import radar_svg
from owcf.publish.charts.style import (
    BARS_WIDTH,
    DOT_WIDTH,
    NARROW_BARS_WIDTH,
    OVERVIEW_WIDTH,
    RADAR_WIDTH,
)
from owcf.publish.release import main_points, priorities, release
from owcf.publish.templating import fmt_date, render
from owcf.stats.positions import GapReport, Position, current_positions
from owcf.stats.results import Analysis, GroupResult, Reliability

FORMATS = ("html", "md")
#: the progress chart's width in points: its table (with each change's interval) beside it
PROGRESS_WIDTH = 210.0


@dataclass(frozen=True)
class Chart:
    """One chart: its file beside report.md, its SVG, a title that states its finding, and
    a short account of what it shows (its accessible name; the figures are in its table)."""

    file: str
    svg: str
    number: int
    title: str
    alt: str

    @property
    def width(self) -> str:
        """The chart's width as its SVG gives it ('280pt'): its print size."""
        found = re.search(r'\swidth="([0-9.]+pt)"', self.svg[:self.svg.index(">")])
        return found.group(1) if found else "100%"


@dataclass(frozen=True)
class AnswerRow:
    """One row of a table equivalent of the answer bars."""

    label: str
    shares: tuple[str, ...] | None  # each answer's share, as the bar shows it
    instead: str                    # why there is no bar
    note: str                       # the non-answers


@dataclass(frozen=True)
class ColourSection:
    id: str
    name: str
    theme: str
    overall: Position
    rows: tuple[Position, ...]
    summary: str
    radar: Chart
    dots: Chart
    answers: Chart | None
    answer_panels: tuple[tuple[str, tuple[AnswerRow, ...]], ...]


def _participants(test: PlannedTest, framework: Framework) -> str:
    names = [framework.audience(a).name for a in test.audiences]
    names += [framework.workforce_group(g).name for g in test.workforce_groups]
    names += list(test.other_participants)
    return "; ".join(names)


def _colour_names(test: PlannedTest, framework: Framework) -> str:
    if len(test.colours) == len(framework.colours):
        return "All colours"
    return ", ".join(framework.colour(c).name for c in test.colours)


def _summary(name: str, rows: Iterable[Position]) -> str:
    """A few plain sentences on one colour: its strongest and weakest dimensions with the
    level each has reached, its largest gap, and where the tests disagree."""
    scored = [r for r in rows if r.current is not None]
    if not scored:
        return f"No dimension of {name} has a current position yet."
    strongest = max(scored, key=lambda r: (r.current, r.id))
    weakest = min(scored, key=lambda r: (r.current, r.id))
    assert strongest.current is not None and weakest.current is not None  # both are scored
    text = (f"{name}: the strongest dimension is {strongest.name} at {strongest.current:.2f} "
            f"and the weakest {weakest.name} at {weakest.current:.2f} ({weakest.level}).")
    gapped = [r for r in scored if r.gap is not None]
    if gapped and all((r.gap or 0) <= 0 for r in gapped):
        text += " Every dimension is at or above its target."
    disagree = [r.name for r in scored if r.agree is False]
    if disagree:
        text += (f" The tests disagree on {', '.join(disagree)}, so its band is wide."
                 if len(disagree) == 1 else
                 f" The tests disagree on {', '.join(disagree)}, so their bands are wide.")
    return text


def _group_id(group: GroupResult, field: str) -> str:
    """The audience or workforce group a group of a breakdown by ``field`` is for: the
    charts leave out the groups whose ``field`` is not stated."""
    ident = group.by[field]
    assert ident is not None
    return ident


ChartCall = tuple[Callable[..., str], tuple[Any, ...]]


def draw(calls: Sequence[ChartCall]) -> list[str]:
    """Render chart calls in order (the 23 charts of a report take a few hundredths of a
    second: no worker processes)."""
    return [func(*args) for func, args in calls]


def _agree(counts: Mapping[str, int | None], values: Sequence[int]) -> float | None:
    """The share of answers on the scale above its middle, in %; None if withheld."""
    on_scale = [counts.get(str(v)) for v in values]
    if any(n is None for n in on_scale):
        return None
    scored = sum(n or 0 for n in on_scale)
    if not scored:
        return None
    upper = [n or 0 for v, n in zip(values, on_scale, strict=True)
             if v > (values[0] + values[-1]) / 2]
    return 100 * sum(upper) / scored


def _answers_title(name: str, everyone: Mapping[str, int | None],
                   members: Sequence[tuple[str, Mapping[str, int | None]]],
                   values: Sequence[int]) -> str:
    share = _agree(everyone, values)
    shares = [(s, label) for label, counts in members
              if (s := _agree(counts, values)) is not None]
    text = f"{name}: "
    text += f"{share:.0f}% of answers agree" if share is not None else "answers by group"
    if len(shares) >= 2:
        high = max(shares)
        text += f"; {high[1].lower()} most ({high[0]:.0f}%)"
    return text


def _radar_title(name: str, rows: Sequence[Position]) -> str:
    gapped = [r for r in rows if r.gap is not None]
    below = [r for r in gapped if (r.gap or 0) > 0]
    if not gapped:
        return f"{name}: no current position yet"
    if not below:
        return f"{name}: every dimension at or above target"
    if len(below) == len(gapped):
        return f"{name}: all {len(gapped)} dimensions below target"
    return f"{name}: {len(below)} of {len(gapped)} dimensions below target"


def _dots_title(name: str, rows: Sequence[Position]) -> str:
    if all(r.current is None for r in rows):
        return f"{name}: no current position yet"
    gapped = [r for r in rows if r.gap is not None and (r.gap or 0) > 0]
    if not gapped:
        return f"{name}: no dimension below its target"
    widest = max(gapped, key=lambda r: (r.gap or 0, r.id))
    return f"{name}: {widest.name} furthest from target (gap {widest.gap:.2f})"


@dataclass(frozen=True)
class Answers:
    """A chart of the answers and its table equivalent."""

    chart: Chart
    panels: tuple[tuple[str, tuple[AnswerRow, ...]], ...]


@dataclass(frozen=True)
class Sections:
    """The colours, and how each workforce group answered across them."""

    colours: list[ColourSection]
    workforce: Answers | None


def _answer_rows(members: Sequence[tuple[str, Mapping[str, int | None]]],
                 values: Sequence[int], codes: Sequence[str]) -> tuple[AnswerRow, ...]:
    rows = []
    for label, counts in members:
        shares, instead, note = answer_shares(counts, values, codes)
        rows.append(AnswerRow(label, shares, instead, note))
    return tuple(rows)


def _total(counts: Sequence[Mapping[str, int | None]]) -> dict[str, int | None]:
    """Answer counts added up (withheld if any part is withheld): the sums of published
    figures, so they reveal nothing the parts do not."""
    out: dict[str, int | None] = {}
    for part in counts:
        for key, value in part.items():
            if key in out and out[key] is None:
                continue
            out[key] = None if value is None else (out.get(key) or 0) + value
    return out


def build_sections(trust: Trust, gaps: GapReport, analysis: Analysis,
                   by_group: Analysis | None = None, overlays: bool = False,
                   first_figure: int = 2) -> Sections:
    """Per colour: the positions, a written summary, and three charts with their titles;
    then how each workforce group answered, across all colours.

    The spider diagram's shape depends on the order of its axes, so a dot chart of the same
    positions sits beside it; diverging bars show each audience's answers, and one more
    chart each workforce group's, with the same figures as tables. (The answers of each
    workforce group to each colour's questions are in ``owcf analyse --by workforce_group``:
    a chart of them for every colour would more than double the printed report.)
    """
    framework = trust.framework
    scale = [(lv.value, lv.label) for lv in framework.scale.levels]
    q = trust.questionnaire
    q_scale = [o.value for o in q.answer_scale]
    q_labels = [o.label for o in q.answer_scale]
    q_aside = [(n.code, n.label) for n in q.non_answers]
    codes = [code for code, _ in q_aside]
    audiences = [g for g in analysis.groups[1:] if list(g.by) == ["audience"] and g.by["audience"]]
    groups = [g for g in by_group.groups[1:] if g.by.get("workforce_group")] if by_group else []
    planned: list[tuple[Any, ...]] = []
    calls: list[ChartCall] = []
    number = first_figure
    for colour in framework.colours:
        rows = tuple(gaps.dimension(d.id) for d in colour.dimensions)
        names = [r.name for r in rows]
        series = [(framework.audience(_group_id(g, "audience")).name,
                   [g.dimension(d.id).mean for d in colour.dimensions])
                  for g in audiences] if overlays else []
        radar = (f"charts/{colour.id}.svg", number, _radar_title(colour.name, rows),
                 f"Spider diagram of {colour.name}: current position (solid line, circles) "
                 "and target (dashed line, open squares) on each dimension"
                 + (", with each audience's view" if series else ""))
        dots = (f"charts/{colour.id}-dots.svg", number + 1, _dots_title(colour.name, rows),
                f"Dot chart of {colour.name}: current position (circle) with its band and "
                "target (open square) for each dimension")
        number += 2
        calls += [
            # the levels' names are in the text above the colours
            (radar_svg, (f"owcf-{colour.id}", names, [r.current for r in rows],
                         [r.target for r in rows], scale, colour.hex, radar[3], series,
                         RADAR_WIDTH, False)),
            (dot_chart_svg, (f"owcf-{colour.id}-dots", names, [r.current for r in rows],
                             [r.low for r in rows], [r.high for r in rows],
                             [r.target for r in rows], scale, colour.hex, dots[3], DOT_WIDTH,
                             True, False)),
        ]
        members = [(framework.audience(_group_id(g, "audience")).name, g.colour(colour.id).counts)
                   for g in audiences]
        answers = None
        if members:  # no responses yet, no answers to show
            panels = [("By audience", members)]
            answers = (f"charts/{colour.id}-answers.svg", number,
                       _answers_title(colour.name, analysis.overall.colour(colour.id).counts,
                                      members, q_scale),
                       f"Answers to {colour.name} questions by audience: disagreement to the "
                       "left, agreement to the right")
            number += 1
            calls.append((diverging_bars_svg, (f"owcf-{colour.id}-answers", panels, q_labels,
                                               q_scale, answers[3], q_aside,
                                               NARROW_BARS_WIDTH)))
        planned.append((colour, rows, radar, dots, answers,
                        (("By audience", _answer_rows(members, q_scale, codes)),)))
    workforce = None
    if groups:
        members = [(framework.workforce_group(_group_id(g, "workforce_group")).name,
                    _total([c.counts for c in g.colours])) for g in groups]
        everyone = _total([c.counts for c in analysis.overall.colours])
        title = _answers_title("All questions", everyone, members, q_scale)
        workforce = ("charts/workforce-groups-answers.svg", number,
                     title.replace("All questions: ", "Across all questions, ", 1),
                     "Answers to all questions by workforce group: disagreement to the left, "
                     "agreement to the right")
        calls.append((diverging_bars_svg, ("owcf-workforce-groups-answers",
                                           [("By workforce group", members)], q_labels,
                                           q_scale, workforce[3], q_aside, BARS_WIDTH)))
        workforce_rows = (("By workforce group", _answer_rows(members, q_scale, codes)),)
    svgs = iter(draw(calls))
    out = []
    for colour, rows, radar, dots, answers, answer_panels in planned:
        charts = [Chart(file, next(svgs), num, title, alt)
                  for file, num, title, alt in (radar, dots)]
        answer_chart = Chart(answers[0], next(svgs), *answers[1:]) if answers else None
        out.append(ColourSection(colour.id, colour.name, colour.theme, gaps.colour(colour.id),
                                 rows, _summary(colour.name, rows), charts[0], charts[1],
                                 answer_chart, answer_panels if answers else ()))
    return Sections(out, Answers(Chart(workforce[0], next(svgs), *workforce[1:]), workforce_rows)
                    if workforce else None)


@dataclass(frozen=True)
class ProgressSection:
    """Progress since the baseline round: one dumbbell per colour (its chart and table),
    the dimensions that really moved, and the actions due since, by status."""

    progress: Progress
    chart: Chart
    colours: tuple[FigureChange | None, ...]
    moved: tuple[FigureChange, ...]
    statuses: dict[str, int]


def _progress_title(colours: Sequence[FigureChange | None], baseline: str) -> str:
    up = [f.current.name for f in colours if f and f.direction == "improved"]
    down = [f.current.name for f in colours if f and f.direction == "fell back"]
    parts = []
    if up:
        parts.append(f"{_and(up)} really improved")
    if down:
        parts.append(f"{_and(down)} fell back")
    if not parts and not any(f and f.change for f in colours):
        return f"No colour can be compared with {baseline}"
    if not parts:
        return f"No colour really changed since {baseline}"
    return "; ".join(parts) + f" since {baseline}"


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def progress_section(progress: Progress, framework: Framework, number: int
                     ) -> ProgressSection:
    """Figure ``number``: a dumbbell per colour (the questionnaire's mean in each round,
    the target marked), with the same figures as a table, and the dimensions that really
    moved. (A chart of every dimension would add a page or more to the printed report;
    ``owcf progress`` lists every one.)"""
    scale = [(lv.value, lv.label) for lv in framework.scale.levels]
    found = {f.id: f for f in progress.colours}
    colours = tuple(found.get(c.id) for c in framework.colours)
    rounds = (progress.baseline, progress.round)

    def mean(f: FigureChange | None, side: str) -> float | None:
        figure = None if f is None or f.change is None else getattr(f, side)
        return None if figure is None or figure.summary is None else figure.summary.mean

    alt = (f"Dumbbell chart of every colour: the questionnaire's mean in {rounds[0]} (open "
           f"circle) and {rounds[1]} (filled circle), and the target (open square)")
    svg = dumbbell_svg("owcf-progress", [c.name for c in framework.colours],
                       [mean(f, "baseline") for f in colours],
                       [mean(f, "current") for f in colours],
                       [f.target if f else None for f in colours], scale,
                       [c.hex for c in framework.colours], rounds, alt, PROGRESS_WIDTH)
    chart = Chart("charts/progress.svg", svg, number, _progress_title(colours, rounds[0]),
                  alt)
    statuses: dict[str, int] = {}
    for action in progress.actions:
        statuses[action["status"]] = statuses.get(action["status"], 0) + 1
    return ProgressSection(progress, chart, colours, tuple(progress.moved()),
                           dict(sorted(statuses.items())))


def overview_chart(gaps: GapReport, framework: Framework) -> Chart:
    """Figure 1: every colour's current position and band against its target."""
    scale = [(lv.value, lv.label) for lv in framework.scale.levels]
    colours = list(gaps.colours)
    gapped = [c for c in colours if c.gap is not None]
    below = [c for c in gapped if (c.gap or 0) > 0]
    if not gapped:
        title = "Current position of each colour"
    elif not below:
        title = "Every colour is at or above its target"
    else:
        far = max(below, key=lambda c: (c.gap or 0, c.id))
        lead = ("Every colour is below its target" if len(below) == len(gapped)
                else f"{len(below)} of {len(gapped)} colours are below their targets")
        title = f"{lead}; {far.name} is furthest from it"
    alt = ("Dot chart of every colour: current position (circle) with its band and target "
           "(open square)")
    svg = dot_chart_svg("owcf-overview", [c.name for c in colours], [c.current for c in colours],
                        [c.low for c in colours], [c.high for c in colours],
                        [c.target for c in colours], scale,
                        [framework.colour(c.id).hex for c in colours], alt, OVERVIEW_WIDTH,
                        figures=False)
    return Chart("charts/overview.svg", svg, 1, title, alt)


@dataclass(frozen=True)
class Comment:
    audience: str
    text: str
    #: how many people in the audience wrote these same words
    count: int = 1
    #: below this, the count is not published: 'more than one person'
    threshold: int = 1

    @property
    def people(self) -> str:
        """Who wrote it, in words: '' for one person, '17 people', or, for a number too
        small to publish, 'more than one person'."""
        if self.count <= 1:
            return ""
        return f"{self.count} people" if self.count >= self.threshold else "more than one person"


def select_comments(responses: ResponseSet, analysis: Analysis, framework: Framework,
                    per_audience: int = 10) -> tuple[list[Comment], int]:
    """Redacted comments from audiences large enough to publish, and how many there were.

    Each distinct comment is quoted once per audience, with how many people wrote it (a
    number below the audience's threshold is not published), the most often written first
    (then in the order they came). Comments from an audience whose figures are withheld are
    left out: a handful of quotes can identify their authors as surely as a small count can.
    """
    if responses.comments is None:
        return [], 0
    texts = responses.comments.fillna("").astype(str).str.strip()
    audiences = responses.respondents["audience"]
    shown = {g.by["audience"] for g in analysis.groups
             if list(g.by) == ["audience"] and g.respondents is not None}
    out: list[Comment] = []
    for audience in framework.audiences:
        if audience.id in shown:
            said: dict[str, int] = {}
            for text in texts[(audiences == audience.id) & (texts != "")]:
                clean = redact(text)
                said[clean] = said.get(clean, 0) + 1
            order = sorted(said.items(), key=lambda kv: -kv[1])  # stable: first come first
            threshold = analysis.min_cell_by_audience.get(audience.id, analysis.min_cell)
            out += [Comment(audience.name, text, n, threshold) for text, n in order[:per_audience]]
    return out, int((texts != "").sum())


@dataclass(frozen=True)
class Count:
    """Who answered in one audience or workforce group, against its size where known."""

    name: str
    respondents: int | None
    size: float | None = None
    #: why ``respondents`` is withheld, in words: "fewer than N" only when it is
    withheld: str = ""

    @property
    def rate(self) -> float | None:
        """Respondents as a % of the group's size."""
        if self.respondents is None or not self.size:
            return None
        return 100 * self.respondents / self.size


@dataclass(frozen=True)
class Weighted:
    """A questionnaire figure unweighted and weighted to the population sizes."""

    name: str
    colour: bool
    unweighted: float
    weighted: float

    @property
    def gap(self) -> float:
        """How far apart the two are, as printed."""
        return abs(round(self.weighted, 2) - round(self.unweighted, 2))


@dataclass(frozen=True)
class DataQuality:
    """The appendix: who answered, what was withheld and why, reliability, weighting."""

    by_audience: tuple[Count, ...]
    by_group: tuple[Count, ...]
    #: audiences outside the workforce (children...), counted as audiences only
    outside: tuple[Count, ...]
    withheld: dict[str, int]
    reliability: tuple[Reliability, ...]
    weighted: tuple[Weighted, ...] = ()
    population_source: str = ""
    population_by: str = ""


def _sizes(trust: Trust, field: str) -> dict[str, float]:
    population = trust.population
    return dict(population.sizes) if population is not None and population.by == field else {}


def data_quality(analysis: Analysis, by_group: Analysis | None, trust: Trust,
                 weighted: Analysis | None = None,
                 unstated: Mapping[str, int] | None = None) -> DataQuality:
    """Responses by audience and workforce group with response rates, counts of withheld
    figures by reason, reliability, and unweighted against weighted figures.

    ``unstated`` counts respondents with no workforce group by audience: audiences outside
    the workforce (children, young people and families) are then shown as themselves, not
    as a workforce group "Not stated", unless that would publish a small number.
    """
    framework = trust.framework
    sizes = _sizes(trust, "audience")
    by_audience = [_count(framework.audience(g.by["audience"]).name if g.by["audience"]
                          else "Not stated", g, sizes.get(g.by["audience"] or ""))
                   for g in analysis.groups if list(g.by) == ["audience"]]
    groups: list[Count] = []
    outside: list[Count] = []
    if by_group is not None:
        sizes = _sizes(trust, "workforce_group")
        for g in by_group.groups[1:]:
            key = g.by.get("workforce_group")
            if key:
                groups.append(_count(framework.workforce_group(key).name, g, sizes.get(key)))
            else:
                split = _split_unstated(g, framework, analysis, unstated or {})
                if split is None:
                    groups.append(_count("Not stated", g))
                else:
                    rest, outside = split
                    if rest:
                        groups.append(Count("Not stated", rest))
    withheld: dict[str, int] = {}
    for result in (r for r in (analysis, by_group) if r is not None):
        for g in result.groups:
            for est in (*g.colours, *g.dimensions, *g.items):
                for reason in est.suppressed.values():
                    withheld[reason] = withheld.get(reason, 0) + 1
    population = trust.population
    return DataQuality(tuple(by_audience), tuple(groups), tuple(outside),
                       dict(sorted(withheld.items())), analysis.reliability,
                       _weighted(analysis, weighted, framework),
                       population.source if population else "",
                       population.by if population else "")


def _count(name: str, group: GroupResult, size: float | None = None) -> Count:
    """A group's respondents; when withheld, why: fewer than its threshold, or to
    protect a smaller group (a group of 40 is not "fewer than 5"), or only "withheld"
    (a small group whose being small, said, would give a figure away)."""
    reason = group.suppressed.get("respondents")
    words = "" if reason is None else (f"fewer than {group.threshold}"
                                       if reason == "fewer-than-min-cell" else "withheld"
                                       if reason == "withheld"
                                       else "withheld to protect a smaller group")
    return Count(name, group.respondents, size, words)


def _split_unstated(group: GroupResult, framework: Framework, analysis: Analysis,
                    unstated: Mapping[str, int]) -> tuple[int, list[Count]] | None:
    """The respondents with no workforce group as (workforce respondents with none, the
    audiences outside the workforce): None when the counts do not add up to the published
    figure or a part would be a small number (then the one published figure stands)."""
    if group.respondents is None or sum(unstated.values()) != group.respondents:
        return None
    outside = [a for a in framework.audiences if a.children]
    apart = [Count(a.name, unstated.get(a.id, 0)) for a in outside if unstated.get(a.id)]
    rest = group.respondents - sum(c.respondents or 0 for c in apart)
    thresholds = [analysis.min_cell_by_audience.get(a.id, analysis.min_cell) for a in outside]
    small = [c for c, t in zip(apart, thresholds, strict=False) if 0 < (c.respondents or 0) < t]
    if small or 0 < rest < analysis.min_cell or not apart:
        return None
    return rest, apart


def _weighted(analysis: Analysis, weighted: Analysis | None,
              framework: Framework) -> tuple[Weighted, ...]:
    """Colours and dimensions whose questionnaire mean, printed to two places, differs
    when respondents are weighted to the population sizes."""
    if weighted is None:
        return ()
    out = []
    for colour in framework.colours:
        pairs = [(colour.name, True, analysis.overall.colour(colour.id),
                  weighted.overall.colour(colour.id))]
        pairs += [(d.name, False, analysis.overall.dimension(d.id),
                   weighted.overall.dimension(d.id)) for d in colour.dimensions]
        for name, is_colour, plain, heavy in pairs:
            if plain.mean is None or heavy.mean is None:
                continue
            if f"{plain.mean:.2f}" != f"{heavy.mean:.2f}":
                out.append(Weighted(name, is_colour, plain.mean, heavy.mean))
    return tuple(out)


def _action_rows(trust: Trust, gaps: GapReport) -> list[dict[str, Any]]:
    """Every action in due-date order (undated last), with the dimensions it addresses and
    their priority ranks."""
    framework = trust.framework
    actions: list[Action] = sorted(trust.actions, key=lambda a: (a.due or dt.date.max, a.number))
    rows = []
    for a in actions:
        dims = [gaps.dimension(d) for d in a.dimensions]
        rows.append({"action": a, "due": fmt_date(a.due),
                     "dimensions": [(p.name, p.rank) for p in dims],
                     "colours": sorted({framework.colour(p.colour).name for p in dims})})
    return rows


def render_report(trust: Trust, analysis: Analysis, formats: Iterable[str] = FORMATS, *,
                  by_group: Analysis | None = None,
                  comments: tuple[list[Comment], int] | None = None,
                  produced: dt.date | None = None, overlays: bool = False,
                  weighted: Analysis | None = None,
                  unstated: Mapping[str, int] | None = None,
                  progress: Progress | None = None) -> dict[str, bytes]:
    """All report files in memory, keyed by path relative to the output folder.

    ``analysis`` is broken down by audience; ``by_group`` (optional) by workforce group;
    ``weighted`` (optional) is the overall analysis weighted to the trust's population
    sizes; ``unstated`` counts respondents with no workforce group by audience;
    ``progress`` (optional) the change since a baseline round, shown after the main points.
    """
    framework = trust.framework
    gaps = current_positions(analysis, trust)
    moved = (progress_section(progress, framework, 2) if progress is not None else None)
    first = 3 if moved else 2
    built = build_sections(trust, gaps, analysis, by_group, overlays, first)
    sections = built.colours
    overview = overview_chart(gaps, framework)
    ranked = [(p.id, p.name, p.gap or 0.0) for p in gaps.ranked()]
    support = suggest(ranked, trust.catalogue, trust.support.accepted) if trust.catalogue else []
    tests = [{"dates": _dates(t), "activity": t.name, "colours": _colour_names(t, framework),
              "participants": _participants(t, framework)} for t in trust.tests]
    quality = data_quality(analysis, by_group, trust, weighted, unstated)
    weighted_means: dict[str, float | None] = {}
    if weighted is not None:
        weighted_means = {e.id: e.mean for e in (*weighted.overall.colours,
                                                 *weighted.overall.dimensions)}
    rates = [(c.name, c.rate) for c in quality.by_group if c.rate is not None]
    points = main_points(trust, gaps, analysis, [(c.name, c.respondents)
                                                 for c in quality.by_audience
                                                 if c.name != "Not stated"], rates, progress)
    context = {
        "trust": trust, "framework": framework, "analysis": analysis, "sections": sections,
        "release": release(trust, produced), "points": points, "overview": overview,
        "workforce": built.workforce, "progress": moved,
        "gaps": gaps, "priorities": priorities(gaps, trust), "weighted": weighted_means,
        "alpha": {r.dimension: r for r in analysis.reliability if r.alpha is not None},
        "without_action": gaps.without_action(), "actions": _action_rows(trust, gaps),
        "tests": tests, "quality": quality,
        "evidence": [{"record": e, "kind": TEST_KINDS[e.kind]} for e in trust.evidence],
        "kinds": TEST_KINDS,
        "statuses": {s: s.replace("_", " ").capitalize() for s in ACTION_STATUSES},
        "support": support, "catalogue": trust.catalogue,
        "comments": comments[0] if comments else None,
        "comment_total": comments[1] if comments else 0,
        "audience_names": {a.id: a.name for a in framework.audiences},
        "dimension_names": {d.id: d.name for d in framework.dimensions},
        "answer_labels": [o.label for o in trust.questionnaire.answer_scale],
        "non_answer_codes": ", ".join(n.code for n in trust.questionnaire.non_answers),
        # (the appendix counts the figures of colours, dimensions and items: their one reason)
        "reasons": {"withheld": "rests on fewer respondents than the threshold or would let "
                                "one that does be worked out"},
    }
    files: dict[str, bytes] = {}
    formats = set(formats)
    if "md" in formats:
        files["report.md"] = render("report.md.j2", **context).encode("utf-8")
        files[overview.file] = overview.svg.encode("utf-8")
        if built.workforce is not None:
            files[built.workforce.chart.file] = built.workforce.chart.svg.encode("utf-8")
        if moved is not None:
            files[moved.chart.file] = moved.chart.svg.encode("utf-8")
        for section in sections:
            for chart in (section.radar, section.dots, section.answers):
                if chart is not None:
                    files[chart.file] = chart.svg.encode("utf-8")
    if "html" in formats:
        files["report.html"] = render("report.html.j2", **context).encode("utf-8")
    return files


def _dates(test: PlannedTest) -> str:
    if test.start is None:
        return f"By {fmt_date(test.end)}"
    return f"{fmt_date(test.start)} to {fmt_date(test.end)}"

