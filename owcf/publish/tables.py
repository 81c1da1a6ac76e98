"""Analysis figures as terminal tables for people (rich); machines get JSON or CSV."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:  # for annotations only: `owcf actions` need not load pandas
    from owcf.stats.positions import GapReport
    from owcf.stats.results import Analysis, Estimate, GroupResult

SECONDARY_MARK = "·"


def _console(stream: IO[str]) -> Console:
    width = None if stream.isatty() else 140
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def withheld(reason: str | None, threshold: int) -> str:
    """How a withheld figure reads in a terminal table."""
    return SECONDARY_MARK if reason == "secondary" else f"<{threshold}"


def _cells(est: Estimate, group: GroupResult, analysis: Analysis) -> list[str]:
    def num(field: str) -> str:
        value = getattr(est, field)
        if value is None and field in est.suppressed:
            return withheld(est.suppressed[field], group.threshold)
        return "–" if value is None else f"{value:.2f}"

    def count(label: str) -> str:
        value = est.counts.get(label)
        if value is None:
            return withheld(est.suppressed.get(f"counts.{label}"), group.threshold)
        return str(value)

    n = withheld(est.suppressed["n"], group.threshold) if "n" in est.suppressed else str(est.n)
    ci = "–"
    if "ci_low" in est.suppressed:
        ci = withheld(est.suppressed["ci_low"], group.threshold)
    elif est.ci_low is not None:
        ci = f"{est.ci_low:.2f}–{est.ci_high:.2f}"
    return [n, num("mean"), ci, num("sd"), *(count(c) for c in analysis.non_answers),
            count("blank")]


def _rows(group: GroupResult, items: bool) -> Iterable[tuple[Estimate, str]]:
    for colour in group.colours:
        yield colour, f"[bold]{colour.name}[/bold]"
        for dim in (d for d in group.dimensions if d.colour == colour.id):
            yield dim, f"  {dim.name}"
            if items:
                for item in (i for i in group.items if i.dimension == dim.id):
                    yield item, f"    {item.id}"


def print_analysis(analysis: Analysis, stream: IO[str], items: bool = False) -> None:
    """One table per group: colours, their dimensions (and items), with withheld marks."""
    console = _console(stream)
    for group in analysis.groups:
        title = ", ".join(f"{k}: {v or 'not stated'}" for k, v in group.by.items()) or "Everyone"
        size = group.respondents if group.respondents is not None else withheld(
            group.suppressed.get("respondents"), group.threshold)
        table = Table(title=f"{title} ({size} respondents)", title_justify="left")
        for heading in ["Colour / dimension", "n", "Mean", "95% CI", "SD",
                        *analysis.non_answers, "Blank"]:
            table.add_column(heading, justify="left" if heading.startswith("Colour") else "right")
        for est, label in _rows(group, items):
            table.add_row(label, *_cells(est, group, analysis))
        console.print(table)
    console.print(f"weights: {analysis.weights}. <N: fewer than N respondents; "
                  f"{SECONDARY_MARK}: withheld so another withheld figure cannot be worked out.")


def print_gaps(report: GapReport, stream: IO[str]) -> None:
    """Dimensions by priority, then colours, with where each current position comes from."""
    console = _console(stream)

    def num(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    for scope, title in (("dimension", "Dimensions by priority"), ("colour", "Colours by priority")):
        table = Table(title=title, title_justify="left")
        for heading in ("Rank", "Name", "Current", "Band", "Target", "Gap", "Priority",
                        "Sources agree"):
            table.add_column(heading, justify="left" if heading in ("Name", "Sources agree")
                             else "right")
        ranked = report.ranked(scope)
        unranked = [p for p in (report.dimensions if scope == "dimension" else report.colours)
                    if p.rank is None]
        for p in [*ranked, *unranked]:
            band = "–" if p.low is None else f"{p.low:.2f}–{p.high:.2f}"
            agree = "–" if p.agree is None else ("yes" if p.agree else f"no (spread {p.spread:.2f})")
            table.add_row(str(p.rank or "–"), p.name, num(p.current), band, num(p.target),
                          num(p.gap), num(p.priority), agree)
        console.print(table)


def print_actions(rows: list[dict[str, object]], stream: IO[str], today: str) -> None:
    """The action plan, overdue actions marked."""
    console = _console(stream)
    table = Table(title=f"Actions (as of {today})", title_justify="left")
    for heading in ("No.", "Action", "Owner", "Due", "Status", "Dimensions"):
        table.add_column(heading, justify="right" if heading == "No." else "left")
    for row in rows:
        status = str(row["status"]).replace("_", " ")
        if row["overdue"]:
            status += " [bold]OVERDUE[/bold]"
        table.add_row(str(row["id"]), str(row["text"]), str(row["owner"] or "–"),
                      str(row["due"] or "–"), status, ", ".join(row["dimensions"]))  # type: ignore[arg-type]
    console.print(table)
