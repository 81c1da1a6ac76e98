"""The trust's summary report: Markdown and self-contained HTML with spider diagrams.

Sections follow the trust reports of the original tool: Introduction; the framework;
our plan for completing the tool; our current position (a spider diagram per colour with
its figures as a table); planned actions; actions.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from owcf.analysis import Analysis
from owcf.charts import radar_svg
from owcf.framework import Framework
from owcf.gaps import GapReport, Position, positions
from owcf.templating import fmt_date, render
from owcf.trust import TEST_KINDS, PlannedTest, Trust

FORMATS = ("html", "md")


@dataclass(frozen=True)
class ColourSection:
    id: str
    name: str
    theme: str
    description: str
    overall: Position
    rows: tuple[Position, ...]
    chart_file: str
    chart_svg: str
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
    text = (f"{name}: the strongest dimension is {strongest.name} at "
            f"{strongest.current:.2f} ({framework.scale.label_for(strongest.current)})"
            f" and the weakest is {weakest.name} at {weakest.current:.2f} "
            f"({framework.scale.label_for(weakest.current)}).")
    gapped = [r for r in scored if r.gap is not None]
    if gapped:
        widest = max(gapped, key=lambda r: (r.gap, r.id))
        if widest.gap > 0:
            text += (f" The largest gap to target is {widest.name}: "
                     f"{widest.gap:.2f} below the target of {widest.target:g}.")
        else:
            text += " Every dimension is at or above its target."
    disagree = [r.name for r in scored if r.agree is False]
    if disagree:
        text += f" The sources of evidence disagree on {', '.join(disagree)}."
    return text


def build_sections(trust: Trust, gaps: GapReport) -> list[ColourSection]:
    """Per colour: the positions, the written summary and the spider diagram."""
    framework = trust.framework
    scale = [(lv.value, lv.label) for lv in framework.scale.levels]
    sections = []
    for colour in framework.colours:
        rows = tuple(gaps.dimension(d.id) for d in colour.dimensions)
        summary = _summary(colour.name, rows, framework)
        svg = radar_svg(f"owcf-{colour.id}", [r.name for r in rows],
                        [r.current for r in rows], [r.target for r in rows], scale,
                        colour.hex, f"Spider diagram for {colour.name}. {summary}")
        sections.append(ColourSection(colour.id, colour.name, colour.theme, colour.description,
                                      gaps.colour(colour.id), rows,
                                      f"charts/{colour.id}.svg", svg, summary))
    return sections


def _audience_counts(analysis: Analysis, framework: Framework) -> list[tuple[str, int | None]]:
    by_audience = [g for g in analysis.groups if list(g.by) == ["audience"]]
    return [(framework.audience(g.by["audience"]).name if g.by["audience"] else "Not stated",
             g.respondents) for g in by_audience]


def render_report(trust: Trust, analysis: Analysis, formats: Iterable[str] = FORMATS
                  ) -> dict[str, bytes]:
    """All report files in memory, keyed by path relative to the output folder."""
    framework = trust.framework
    gaps = positions(analysis, trust)
    sections = build_sections(trust, gaps)
    tests = [{"dates": _dates(t), "activity": t.name, "colours": _colour_names(t, framework),
              "participants": _participants(t, framework)} for t in trust.tests]
    context = {
        "trust": trust, "framework": framework, "analysis": analysis, "sections": sections,
        "tests": tests, "audiences": _audience_counts(analysis, framework),
        "evidence": [{"record": e, "kind": TEST_KINDS[e.kind]} for e in trust.evidence],
        "kinds": TEST_KINDS,
        "statuses": {"planned": "Planned", "in_progress": "In progress", "done": "Done",
                     "cancelled": "Cancelled"},
    }
    files: dict[str, bytes] = {}
    formats = set(formats)
    if "md" in formats:
        files["report.md"] = render("report.md.j2", **context).encode("utf-8")
        for section in sections:
            files[section.chart_file] = section.chart_svg.encode("utf-8")
    if "html" in formats:
        files["report.html"] = render("report.html.j2", **context).encode("utf-8")
    return files


def _dates(test: PlannedTest) -> str:
    if test.start is None:
        return f"By {fmt_date(test.end)}"
    return f"{fmt_date(test.start)} to {fmt_date(test.end)}"


def write_files(files: Mapping[str, bytes], out_dir: Path) -> list[Path]:
    """Write every file or none: stage them beside ``out_dir``, then move each into place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".owcf-", dir=out_dir))
    written = []
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for name in files:
            final = out_dir / name
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, final)
            written.append(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
