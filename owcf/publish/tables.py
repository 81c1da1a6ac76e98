"""Analysis figures as tables for people; machines get JSON or CSV.

On a terminal a table fits the terminal's width (60 columns and up): names and words wrap,
numbers never wrap or get cut. Anywhere else (a pipe, a file) it is plain text: one line
per row, columns aligned with spaces, no colour, no box drawing and no width limit, so
``grep`` and ``less`` see every figure whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: `owcf actions` need not load pandas
    from owcf.progress.compare import FigureChange, Progress
    from owcf.stats.positions import GapReport, Position
    from owcf.stats.results import Analysis, Estimate, GroupResult

SECONDARY_MARK = "·"
#: the narrowest a text column gets before numbers would have to give way
NARROWEST = 8


@dataclass(frozen=True)
class Column:
    heading: str
    #: right-aligned and never wrapped (its heading may wrap at spaces)
    number: bool = False


@dataclass
class TextTable:
    """A titled table of text cells; a cell may hold several lines."""

    title: str
    columns: Sequence[Column]
    rows: list[list[str]] = field(default_factory=list)
    #: rows printed in bold on a terminal (a colour above its dimensions)
    bold: set[int] = field(default_factory=set)

    def add(self, cells: Sequence[str], bold: bool = False) -> None:
        if bold:
            self.bold.add(len(self.rows))
        self.rows.append(list(cells))


def is_terminal(stream: IO[str]) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


def emit(tables: Iterable[TextTable], stream: IO[str], notes: Sequence[str] = (),
         width: int | None = None) -> None:
    """Print ``tables`` and then ``notes``: fitted to a terminal (``width`` columns, default
    the terminal's), else as plain text."""
    if is_terminal(stream):
        _emit_rich(list(tables), stream, notes, width)
    else:
        stream.write("\n\n".join(plain(t) for t in tables))
        for note in notes:
            stream.write(f"\n{note}")
        stream.write("\n")


def plain(table: TextTable) -> str:
    """The table as plain text: a title line, headings, a rule, then one line per row
    (the lines of a multi-line cell joined with spaces)."""
    cells = [[" ".join(c.split("\n")) for c in row] for row in table.rows]
    headings = [" ".join(c.heading.split()) for c in table.columns]
    widths = [max([len(h), *(len(row[i]) for row in cells)])
              for i, h in enumerate(headings)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if col.number else v.ljust(w)
                 for v, w, col in zip(values, widths, table.columns, strict=True)]
        return "  ".join(parts).rstrip()

    out = [table.title, line(headings), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    return "\n".join(out)


def _words(text: str) -> list[str]:
    return text.split() or [""]


def column_widths(table: TextTable, available: int) -> list[int]:
    """Widths that fit ``available`` characters: a number column its widest value (never
    less), a text column its longest word; if that is too wide, text columns give way
    (they fold) down to :data:`NARROWEST`, widest first. Spare room goes to the first text
    column (the names), the other text columns, then the headings of number columns, each
    up to its natural width."""
    columns = range(len(table.columns))
    number = [table.columns[i].number for i in columns]
    lines = [[line for row in table.rows for line in row[i].split("\n")] for i in columns]
    heads = [table.columns[i].heading for i in columns]
    natural = [max([len(heads[i]), *(len(line) for line in lines[i])]) for i in columns]
    widths = []
    for i in columns:
        words = [w for line in lines[i] for w in ([line] if number[i] else _words(line))]
        widths.append(max(len(w) for w in [*words, *_words(heads[i])]))
    while sum(widths) > available:
        text = [i for i in columns if not number[i] and widths[i] > NARROWEST]
        if not text:
            break  # a terminal narrower than the figures themselves: rich crops
        widest = max(text, key=lambda i: widths[i])
        widths[widest] -= 1
    spare = available - sum(widths)
    texts = [i for i in columns if not number[i]]
    for i in [*texts, *(i for i in columns if number[i])]:
        give = max(0, min(spare, natural[i] - widths[i]))
        widths[i] += give
        spare -= give
    return widths


def _emit_rich(tables: list[TextTable], stream: IO[str], notes: Sequence[str],
               width: int | None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=stream, width=width, highlight=False, soft_wrap=False,
                      force_terminal=True)
    for spec in tables:
        # the box's blank dividers put one space between columns; the names take what
        # the figures leave
        table = Table(title=spec.title, title_justify="left", box=box.SIMPLE_HEAD,
                      padding=0, pad_edge=False, show_edge=False)
        widths = column_widths(spec, console.width - (len(spec.columns) - 1))
        for col, size in zip(spec.columns, widths, strict=True):
            table.add_column(col.heading, justify="right" if col.number else "left",
                             overflow="fold", width=size)
        for k, row in enumerate(spec.rows):
            style = "bold" if k in spec.bold else ""
            table.add_row(*(Text(cell, style=style) for cell in row))
        console.print(table)
    for note in notes:
        console.print(Text(note))


def withheld(reason: str | None, threshold: int) -> str:
    """How a withheld figure reads in a terminal table: "<N" only where the output says
    it is fewer than N."""
    return f"<{threshold}" if reason == "fewer-than-min-cell" else SECONDARY_MARK


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


def _rows(group: GroupResult, items: bool) -> Iterable[tuple[Estimate, str, bool]]:
    for colour in group.colours:
        yield colour, colour.name, True
        for dim in (d for d in group.dimensions if d.colour == colour.id):
            yield dim, f"  {dim.name}", False
            if items:
                for item in (i for i in group.items if i.dimension == dim.id):
                    yield item, f"    {item.id}", False


def analysis_tables(analysis: Analysis, items: bool = False) -> list[TextTable]:
    """One table per group: colours, their dimensions (and items), with withheld marks."""
    out = []
    for group in analysis.groups:
        title = ", ".join(f"{k}: {v or 'not stated'}" for k, v in group.by.items()) or "Everyone"
        size = group.respondents if group.respondents is not None else withheld(
            group.suppressed.get("respondents"), group.threshold)
        columns = [Column("Colour / dimension"), *(Column(h, number=True) for h in (
            "n", "Mean", "95% CI", "SD", *analysis.non_answers, "Blank"))]
        table = TextTable(f"{title} ({size} respondents)", columns)
        for est, label, bold in _rows(group, items):
            table.add([label, *_cells(est, group, analysis)], bold=bold)
        out.append(table)
    return out


def print_analysis(analysis: Analysis, stream: IO[str], items: bool = False,
                   width: int | None = None) -> None:
    """The analysis tables, then what the withheld marks mean."""
    emit(analysis_tables(analysis, items), stream,
         [f"weights: {analysis.weights}. <N: fewer than N respondents; {SECONDARY_MARK}: "
          "withheld (fewer than N respondents, or would let such a figure be worked "
          "out)."], width)


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _band(p: Position) -> str:
    return "–" if p.low is None or p.high is None else f"{p.low:.2f}–{p.high:.2f}"


def gap_tables(report: GapReport, terminal: bool) -> list[TextTable]:
    """Dimensions by priority, then colours, then the top priorities no action addresses.
    On a terminal the band sits under the current position and the gap under the target,
    so the table fits 60 columns with room for the names."""
    out = []
    for scope, title, name in (("dimension", "Dimensions by priority", "Dimension"),
                               ("colour", "Colours by priority", "Colour")):
        figures = ([Column("Current (band)", number=True), Column("Target (gap)", number=True)]
                   if terminal else [Column(h, number=True)
                                     for h in ("Current", "Band", "Target", "Gap")])
        columns = [Column("Rank", number=True), Column(name), *figures,
                   Column("Priority", number=True), Column("Sources"), Column("Actions")]
        table = TextTable(title, columns)
        ranked = report.ranked(scope)
        unranked = [p for p in (report.dimensions if scope == "dimension" else report.colours)
                    if p.rank is None]
        for p in [*ranked, *unranked]:
            agree = "–" if p.agree is None else ("agree" if p.agree else
                                                 f"differ ({p.spread:.2f})")
            if terminal:
                now = [_num(p.current) + ("" if p.low is None else f"\n{_band(p)}"),
                       _num(p.target) + ("" if p.gap is None else f"\n({_num(p.gap)})")]
            else:
                now = [_num(p.current), _band(p), _num(p.target), _num(p.gap)]
            actions = ", ".join(str(n) for n in p.actions) or ("none" if scope == "dimension"
                                                                else "–")
            table.add([str(p.rank or "–"), p.name, *now, _num(p.priority), agree, actions])
        out.append(table)
    missing = report.without_action()
    if missing:
        table = TextTable(f"Top {report.top} priorities with no action",
                          [Column("Rank", number=True), Column("Dimension"),
                           Column("Gap", number=True)])
        for p in missing:
            table.add([str(p.rank), p.name, _num(p.gap)])
        out.append(table)
    return out


def print_gaps(report: GapReport, stream: IO[str], width: int | None = None) -> None:
    """Dimensions by priority, then colours, then the top priorities no action addresses."""
    emit(gap_tables(report, is_terminal(stream)), stream,
         ["Actions: the numbers of the actions (owcf actions) that list the dimension."], width)


def action_table(rows: list[dict[str, object]], today: str) -> TextTable:
    """The action plan in due-date order, overdue actions marked."""
    table = TextTable(f"Actions (as of {today})", [
        Column("No.", number=True), Column("Action"), Column("Owner"), Column("Due", number=True),
        Column("Status"), Column("Dimensions")])
    for row in rows:
        status = str(row["status"]).replace("_", " ")
        if row["overdue"]:
            status += " OVERDUE"
        dims = row["dimensions"]
        assert isinstance(dims, list)
        table.add([str(row["id"]), str(row["text"]), str(row["owner"] or "–"),
                   str(row["due"] or "–"), status, ", ".join(dims)])
    return table


def print_actions(rows: list[dict[str, object]], stream: IO[str], today: str,
                  width: int | None = None) -> None:
    """The action plan, overdue actions marked."""
    emit([action_table(rows, today)], stream, (), width)


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}".replace("-", "−")


def _change_cells(f: FigureChange) -> list[str]:
    c = f.change
    if c is None:
        return ["–", "–", "withheld", "–"]
    interval = ("–" if c.ci_low is None or c.ci_high is None
                else f"{_signed(c.ci_low)} to {_signed(c.ci_high)}")
    p = ("–" if f.p_adjusted is None else "<0.001" if f.p_adjusted < 0.001
         else f"{f.p_adjusted:.3f}")
    return [_signed(c.difference), interval, f.direction or "–", p]


def progress_tables(progress: Progress) -> list[TextTable]:
    """Dimensions, then colours, then what was left out and the actions due since."""
    since = f"since {progress.baseline}"
    out = []
    for scope, changes in (("Dimension", progress.dimensions), ("Colour", progress.colours)):
        table = TextTable(f"{scope}s: change {since} (questionnaire mean)", [
            Column(scope), Column(progress.baseline, number=True),
            Column(progress.round, number=True), Column("Change", number=True),
            Column("95% interval", number=True), Column("Real change?"),
            Column("Adjusted p", number=True), Column("Target"), Column("Sources")])
        for f in changes:
            before = f.baseline.summary.mean if f.baseline.summary else None
            now = f.current.summary.mean if f.current.summary else None
            sources = "; ".join(f"{s.id} {_signed(s.change)}" for s in f.sources
                                if s.kind != "questionnaire") or "–"
            target = ("–" if f.target_status is None
                      else f"{f.target_status} ({_num(f.target)})")
            table.add([f.current.name, _num(before), _num(now), *_change_cells(f),
                       target, sources])
        out.append(table)
    if progress.excluded:
        table = TextTable("Not compared", [Column("Scope"), Column("Id"), Column("Reason")])
        for e in progress.excluded:
            table.add([e.scope, e.id, e.reason])
        out.append(table)
    withheld = [f for f in (*progress.dimensions, *progress.colours) if f.withheld]
    if withheld:
        table = TextTable("Changes withheld", [Column("Scope"), Column("Id"), Column("Reason")])
        for f in withheld:
            table.add([f.scope, f.id, f.withheld or ""])
        out.append(table)
    table = TextTable(f"Actions due {since}", [
        Column("No.", number=True), Column("Action"), Column("Due", number=True),
        Column("Status"), Column(f"Status in {progress.baseline}")])
    for a in progress.actions:
        table.add([str(a["number"]), str(a["text"]), str(a["due"]),
                   str(a["status"]).replace("_", " "),
                   str(a["status_at_baseline"] or "–").replace("_", " ")])
    out.append(table)
    return out


def print_progress(progress: Progress, stream: IO[str], width: int | None = None) -> None:
    """Progress since the baseline, as tables."""
    emit(progress_tables(progress), stream, [
        "Real change: holds after Holm's adjustment over the dimensions (or colours) "
        "compared, at the 5% level. Target: reached, nearer or further than at the "
        "baseline (current position against the current target)."], width)
