"""The trust's summary report: Markdown and self-contained HTML with spider diagrams.

Sections follow the trust reports of the original tool: Introduction; the framework;
our plan for completing the tool; our current position (a spider diagram per colour with
its figures as a table); planned actions; actions.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from multiprocessing.pool import Pool
from typing import Any

from owcf.ingest.personal import redact
from owcf.ingest.responses import ResponseSet
from owcf.model.framework import Framework
from owcf.model.plan import ACTION_STATUSES, TEST_KINDS, PlannedTest
from owcf.model.support import suggest
from owcf.model.trust import Trust
from owcf.publish.charts import diverging_bars_svg, dot_chart_svg, radar_svg
from owcf.publish.templating import fmt_date, render
from owcf.stats.positions import GapReport, Position, current_positions
from owcf.stats.results import Analysis, GroupResult, PerceptionGap, Reliability

FORMATS = ("html", "md")


@dataclass(frozen=True)
class Chart:
    """One chart of a colour: its file beside report.md, its SVG, and its text alternative."""

    file: str
    svg: str
    alt: str


@dataclass(frozen=True)
class ColourSection:
    id: str
    name: str
    theme: str
    overall: Position
    rows: tuple[Position, ...]
    charts: tuple[Chart, ...]
    summary: str


def _participants(test: PlannedTest, framework: Framework) -> str:
    names = [framework.audience(a).name for a in test.audiences]
    names += [framework.workforce_group(g).name for g in test.workforce_groups]
    names += list(test.other_participants)
    return "; ".join(names)


def _colour_names(test: PlannedTest, framework: Framework) -> str:
    if len(test.colours) == len(framework.colours):
        return "All colours"
    return ", ".join(framework.colour(c).name for c in test.colours)


def _summary(name: str, rows: Iterable[Position], framework: Framework) -> str:
    """One or two plain sentences saying what the chart shows (its text alternative)."""
    scored = [r for r in rows if r.current is not None]
    if not scored:
        return f"No dimension of {name} has a current position yet."
    strongest = max(scored, key=lambda r: (r.current, r.id))
    weakest = min(scored, key=lambda r: (r.current, r.id))
    assert strongest.current is not None and weakest.current is not None  # both are scored
    text = (f"{name}: the strongest dimension is {strongest.name} at "
            f"{strongest.current:.2f} ({framework.scale.label_for(strongest.current)})"
            f" and the weakest is {weakest.name} at {weakest.current:.2f} "
            f"({framework.scale.label_for(weakest.current)}).")
    gapped = [r for r in scored if r.gap is not None]
    if gapped:
        widest = max(gapped, key=lambda r: (r.gap, r.id))
        assert widest.gap is not None  # it is one of the gapped
        if widest.gap > 0:
            text += (f" The largest gap to target is {widest.name}: "
                     f"{widest.gap:.2f} below the target of {widest.target:g}.")
        else:
            text += " Every dimension is at or above its target."
    disagree = [r.name for r in scored if r.agree is False]
    if disagree:
        text += f" The sources of evidence disagree on {', '.join(disagree)}."
    return text


def _group_id(group: GroupResult, field: str) -> str:
    """The audience or workforce group a group of a breakdown by ``field`` is for: the
    charts leave out the groups whose ``field`` is not stated."""
    ident = group.by[field]
    assert ident is not None
    return ident


ChartCall = tuple[Callable[..., str], tuple[Any, ...]]


def _call(func: Callable[..., str], args: tuple[Any, ...]) -> str:
    return func(*args)


def _load_matplotlib() -> None:
    import matplotlib.backends.backend_svg
    import matplotlib.figure  # noqa: F401


def chart_workers(jobs: int) -> Pool | None:
    """Processes for drawing charts, started early so they load matplotlib while the
    parent reads and analyses the responses (None with one core or no fork)."""
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork").Pool(jobs, initializer=_load_matplotlib)


def draw(calls: Sequence[ChartCall], workers: Pool | None = None) -> list[str]:
    """Render chart calls, on ``workers`` (see :func:`chart_workers`) when given.

    Each chart is deterministic on its own, so the order of work does not change any byte.
    """
    if workers is not None and len(calls) > 1:
        return workers.starmap(_call, calls)
    return [func(*args) for func, args in calls]


def build_sections(trust: Trust, gaps: GapReport, analysis: Analysis,
                   by_group: Analysis | None = None, overlays: bool = False,
                   workers: Pool | None = None) -> list[ColourSection]:
    """Per colour: the positions, a written summary, and up to three charts of them.

    The spider diagram's shape depends on the order of its axes, so a dot chart of the same
    positions sits beside it, with diverging bars of the answers by audience and group.
    """
    framework = trust.framework
    scale = [(lv.value, lv.label) for lv in framework.scale.levels]
    q_scale = [o.value for o in trust.questionnaire.answer_scale]
    q_labels = [o.label for o in trust.questionnaire.answer_scale]
    q_aside = [(n.code, n.label) for n in trust.questionnaire.non_answers]
    audiences = [g for g in analysis.groups[1:] if list(g.by) == ["audience"] and g.by["audience"]]
    groups = [g for g in by_group.groups[1:] if g.by.get("workforce_group")] if by_group else []
    planned: list[tuple[Any, ...]] = []
    calls: list[ChartCall] = []
    for colour in framework.colours:
        rows = tuple(gaps.dimension(d.id) for d in colour.dimensions)
        summary = _summary(colour.name, rows, framework)
        names = [r.name for r in rows]
        series = [(framework.audience(_group_id(g, "audience")).name,
                   [g.dimension(d.id).mean for d in colour.dimensions])
                  for g in audiences] if overlays else []
        alts = [
            (f"charts/{colour.id}.svg",
             f"Spider diagram for {colour.name}: current position (solid line, round markers) "
             "against target (dashed line, square markers) on each dimension"
             + (", with each audience's view" if series else "")
             + "; the figures are in the table below."),
            (f"charts/{colour.id}-dots.svg",
             f"Dot chart for {colour.name}: current position (circle) with its band and target "
             "(square) for each dimension; the figures are in the table below."),
        ]
        calls += [
            (radar_svg, (f"owcf-{colour.id}", names, [r.current for r in rows],
                         [r.target for r in rows], scale, colour.hex,
                         f"Spider diagram for {colour.name}. {summary}", series)),
            (dot_chart_svg, (f"owcf-{colour.id}-dots", names, [r.current for r in rows],
                             [r.low for r in rows], [r.high for r in rows],
                             [r.target for r in rows], scale, colour.hex,
                             f"Dot chart for {colour.name}: current position and its band "
                             "against target for each dimension.")),
        ]
        answer_rows = [(framework.audience(_group_id(g, "audience")).name, g.colour(colour.id).counts)
                       for g in audiences]
        answer_rows += [(framework.workforce_group(_group_id(g, "workforce_group")).name,
                         g.colour(colour.id).counts) for g in groups]
        if answer_rows:  # no responses yet, no answers to show
            alts.append((f"charts/{colour.id}-answers.svg",
                         f"Answers to {colour.name} questions by audience and workforce group: "
                         "disagreement to the left, agreement to the right; groups with small "
                         "numbers are withheld."))
            calls.append((diverging_bars_svg, (f"owcf-{colour.id}-answers", answer_rows,
                                               q_labels, q_scale, f"Answers to {colour.name} "
                                               "questions by audience and workforce group.",
                                               q_aside)))
        planned.append((colour, rows, summary, alts))
    svgs = iter(draw(calls, workers))
    return [ColourSection(colour.id, colour.name, colour.theme,
                          gaps.colour(colour.id), rows,
                          tuple(Chart(file, next(svgs), alt) for file, alt in alts), summary)
            for colour, rows, summary, alts in planned]


def _audience_counts(analysis: Analysis, framework: Framework) -> list[tuple[str, int | None]]:
    by_audience = [g for g in analysis.groups if list(g.by) == ["audience"]]
    return [(framework.audience(g.by["audience"]).name if g.by["audience"] else "Not stated",
             g.respondents) for g in by_audience]


@dataclass(frozen=True)
class BoardSummary:
    """What a board asks for first."""

    strongest: tuple[Position, ...]
    weakest: tuple[Position, ...]
    largest_gaps: tuple[Position, ...]
    disagreements: tuple[PerceptionGap, ...]
    unreliable: tuple[Reliability, ...]


def board_summary(gaps: GapReport, analysis: Analysis, size: int = 3) -> BoardSummary:
    """Strongest and weakest dimensions, largest gaps, and where audiences disagree."""
    scored = sorted((p for p in gaps.dimensions if p.current is not None),
                    key=lambda p: (-(p.current or 0), p.id))
    disagree = sorted((g for g in analysis.perception_gaps
                       if g.flagged and g.scope == "dimension" and g.difference is not None),
                      key=lambda g: (-abs(g.difference or 0), g.id, g.audience_a, g.audience_b))
    return BoardSummary(tuple(scored[:size]), tuple(reversed(scored[-size:])) if scored else (),
                        tuple(gaps.ranked()[:5]), tuple(disagree[:5]),
                        tuple(r for r in analysis.reliability if r.flagged))


@dataclass(frozen=True)
class Comment:
    audience: str
    text: str


def select_comments(responses: ResponseSet, analysis: Analysis, framework: Framework,
                    per_audience: int = 10) -> tuple[list[Comment], int]:
    """Redacted comments from audiences large enough to publish, and how many there were.

    Comments from an audience whose figures are withheld are left out: a handful of quotes
    can identify their authors as surely as a small count can.
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
            chosen = texts[(audiences == audience.id) & (texts != "")].head(per_audience)
            out += [Comment(audience.name, redact(t)) for t in chosen]
    return out, int((texts != "").sum())


@dataclass(frozen=True)
class DataQuality:
    """The appendix: who answered, what was withheld and why, and reliability."""

    by_audience: tuple[tuple[str, int | None], ...]
    by_group: tuple[tuple[str, int | None], ...]
    withheld: dict[str, int]
    reliability: tuple[Reliability, ...]


def data_quality(analysis: Analysis, by_group: Analysis | None, framework: Framework
                 ) -> DataQuality:
    """Responses by audience and workforce group, and counts of withheld figures by reason."""
    groups: list[tuple[str, int | None]] = []
    if by_group is not None:
        for g in by_group.groups[1:]:
            key = g.by.get("workforce_group")
            groups.append((framework.workforce_group(key).name if key else "Not stated",
                           g.respondents))
    withheld: dict[str, int] = {}
    for result in (r for r in (analysis, by_group) if r is not None):
        for g in result.groups:
            for est in (*g.colours, *g.dimensions, *g.items):
                for reason in est.suppressed.values():
                    withheld[reason] = withheld.get(reason, 0) + 1
    return DataQuality(tuple(_audience_counts(analysis, framework)), tuple(groups),
                       dict(sorted(withheld.items())), analysis.reliability)


def render_report(trust: Trust, analysis: Analysis, formats: Iterable[str] = FORMATS, *,
                  by_group: Analysis | None = None,
                  comments: tuple[list[Comment], int] | None = None,
                  produced: dt.date | None = None, overlays: bool = False,
                  workers: Pool | None = None) -> dict[str, bytes]:
    """All report files in memory, keyed by path relative to the output folder.

    ``analysis`` is broken down by audience; ``by_group`` (optional) by workforce group.
    """
    framework = trust.framework
    gaps = current_positions(analysis, trust)
    sections = build_sections(trust, gaps, analysis, by_group, overlays, workers)
    ranked = [(p.id, p.name, p.gap or 0.0) for p in gaps.ranked()]
    support = suggest(ranked, trust.catalogue, trust.support.accepted) if trust.catalogue else []
    tests = [{"dates": _dates(t), "activity": t.name, "colours": _colour_names(t, framework),
              "participants": _participants(t, framework)} for t in trust.tests]
    quality = data_quality(analysis, by_group, framework)
    context = {
        "trust": trust, "framework": framework, "analysis": analysis, "sections": sections,
        "tests": tests, "audiences": quality.by_audience,
        "evidence": [{"record": e, "kind": TEST_KINDS[e.kind]} for e in trust.evidence],
        "kinds": TEST_KINDS,
        "statuses": {s: s.replace("_", " ").capitalize() for s in ACTION_STATUSES},
        "summary": board_summary(gaps, analysis), "support": support,
        "catalogue": trust.catalogue, "quality": quality,
        "comments": comments[0] if comments else None,
        "comment_total": comments[1] if comments else 0,
        "produced": fmt_date(produced) if produced else None,
        "audience_names": {a.id: a.name for a in framework.audiences},
        "dimension_names": {d.id: d.name for d in framework.dimensions},
        "reasons": {"fewer-than-min-cell": "rests on fewer respondents than the threshold",
                    "secondary": "withheld so that another withheld figure cannot be worked out"},
    }
    files: dict[str, bytes] = {}
    formats = set(formats)
    if "md" in formats:
        files["report.md"] = render("report.md.j2", **context).encode("utf-8")
        for section in sections:
            for chart in section.charts:
                files[chart.file] = chart.svg.encode("utf-8")
    if "html" in formats:
        files["report.html"] = render("report.html.j2", **context).encode("utf-8")
    return files


def _dates(test: PlannedTest) -> str:
    if test.start is None:
        return f"By {fmt_date(test.end)}"
    return f"{fmt_date(test.start)} to {fmt_date(test.end)}"
