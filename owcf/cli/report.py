"""``owcf report``: one trust's summary report, or every trust's in parallel."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from owcf.cli.common import (
    EXIT_INVALID,
    MaxCellsOption,
    MinCellOption,
    State,
    StrictOption,
    TrustOption,
    handled,
    say,
    show,
    usage,
)
from owcf.errors import OwcfError, Problem
from owcf.model.sources import MAX_CELLS

if TYPE_CHECKING:
    from owcf.workspace.report import ReportOptions


class ReportFormat(StrEnum):
    html = "html"
    md = "md"
    both = "both"


@handled
def report(
    trust: TrustOption = None,
    every: Annotated[bool, typer.Option(
        "--all", help="Every trust workspace on the search path, in parallel; reports go to "
        "OUT/TRUST.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", help="Folder for the report (default: ./reports/TRUST; with --all, "
        "the parent folder, default ./reports).")] = None,
    output: Annotated[ReportFormat, typer.Option(
        "--format", "-f", help="Which report files to write.")] = ReportFormat.both,
    min_cell: MinCellOption = None,
    include_comments: Annotated[bool, typer.Option(
        "--include-comments", help="Quote free-text comments (emails, phone numbers, IP "
        "addresses and postcodes removed; none from audiences too small to publish).")
    ] = False,
    overlays: Annotated[bool, typer.Option(
        "--audience-overlays", help="Draw each audience's view on the spider diagrams.")
    ] = False,
    jobs: Annotated[int | None, typer.Option(
        min=1, metavar="N", help="Worker processes for --all, one trust each (default: every "
        "core).")] = None,
    strict: StrictOption = False,
    max_cells: MaxCellsOption = MAX_CELLS,
) -> None:
    """Write the trust's summary report (report.md, report.html, charts/) and print the paths.

    The trust's responses files may be survey exports: they are ingested on the
    fly, with the reconciliation on stderr.

    Example: owcf report --trust oxfordshire --out reports/oxfordshire
    """
    from owcf.workspace.report import ReportOptions, generate

    formats = ("html", "md") if output is ReportFormat.both else (output.value,)
    options = ReportOptions(formats, min_cell, include_comments, overlays, strict, max_cells)
    if every:
        if trust is not None:
            raise usage("give --trust NAME or --all, not both")
        _report_all(out or Path("reports"), options, jobs)
        return
    if trust is None:
        raise usage("--trust NAME (or --all) is required")
    written = generate(trust, out, options)
    if not State.quiet:
        for line in written.notes:  # the reconciliation of each responses file
            say(line)
    show(written.warnings)
    for path in written.paths:
        print(path)


def _report_all(out: Path, options: ReportOptions, jobs: int | None) -> None:
    """Every workspace's report across worker processes, with a progress bar on stderr."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from owcf.model.workspaces import list_workspaces
    from owcf.workspace.report import Outcome, generate_one

    names = list_workspaces()
    if not names:
        raise OwcfError([Problem("file-not-found", "no trust workspaces on the search path")])
    work = [(name, out / name, options) for name in names]
    outcomes: dict[str, Outcome] = {}
    progress = Progress("[progress.description]{task.description}", BarColumn(),
                        MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(file=sys.stderr), disable=State.quiet)
    with progress, ProcessPoolExecutor(max_workers=jobs or os.cpu_count()) as pool:
        task = progress.add_task("reports", total=len(work))
        futures = [pool.submit(generate_one, job) for job in work]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[outcome.trust] = outcome
            progress.advance(task)
    failed = 0
    for name in names:  # report in a stable order, whatever order the workers finished in
        outcome = outcomes[name]
        if not State.quiet:
            for line in outcome.notes:
                say(line)
        show(list(outcome.problems))
        failed += not outcome.ok
        for path in outcome.written:
            print(path)
    say(f"{len(names) - failed} of {len(names)} reports written")
    if failed:
        raise typer.Exit(EXIT_INVALID)
