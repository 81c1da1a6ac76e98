"""A trust's report from its workspace: load, ingest, analyse, render, write all or none;
and many trusts' reports across worker processes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from owcf.errors import OwcfError, Problem, Severity
from owcf.files import source_date_epoch, write_files
from owcf.model.sources import MAX_CELLS
from owcf.publish.report import FORMATS, render_report, select_comments
from owcf.workspace.inputs import gather
from owcf.workspace.run import analyse_inputs, published_analyses, read_workspace_responses

if TYPE_CHECKING:  # pandas loads only when responses are read
    from owcf.ingest.responses import ResponseSet


@dataclass(frozen=True)
class ReportOptions:
    """What ``owcf report`` may change about a report."""

    formats: tuple[str, ...] = FORMATS
    #: withhold figures resting on fewer respondents (default: the trust's own threshold)
    min_cell: int | None = None
    include_comments: bool = False
    #: each audience's view drawn on the spider diagrams
    overlays: bool = False
    #: a rejected responses row stops the report
    strict: bool = False
    #: the most cells an XLSX responses file may hold (see owcf.ingest.sheet)
    max_cells: int = MAX_CELLS


@dataclass(frozen=True)
class Written:
    """What a report run wrote, and what it has to say about its inputs."""

    paths: tuple[Path, ...]
    warnings: tuple[Problem, ...]
    #: the reconciliation of each responses file read
    notes: tuple[str, ...]


def generate(trust: str | Path, out: Path | None = None,
             options: ReportOptions = ReportOptions()) -> Written:
    """Read a trust workspace, analyse it, and write its report (into ``out``, by default
    ``./reports/TRUST``). Raises OwcfError, writing nothing, if the inputs are invalid, or
    with ``options.strict`` if any row was rejected."""
    produced = source_date_epoch()  # a bad value stops the report before any work
    inputs, warnings = gather(trust=trust, require_responses=False,
                              max_cells=options.max_cells)
    workspace = inputs.trust
    assert workspace is not None
    ingestion, read_warnings = read_workspace_responses(
        inputs, options.strict, "report shows no current position")
    warnings = [*warnings, *read_warnings]
    responses = ingestion.responses
    from owcf.stats.analysis import SharedPattern

    shared = SharedPattern()  # (every analysis of the report withholds the same figures)
    by_audience, by_group = published_analyses(inputs, responses, options.min_cell, shared)
    progress = None
    if workspace.baselines:  # "Progress since ROUND", from the last baseline listed
        from owcf.workspace.progress import choose_baseline, progress_of

        progress = progress_of(workspace, by_audience, choose_baseline(workspace, None))
    weighted = None
    if workspace.population is not None and len(responses):
        weighted = analyse_inputs(inputs, responses, [], weights="population",
                                  min_cell=options.min_cell, shared=shared)
    comments = (select_comments(responses, by_audience, inputs.framework)
                if options.include_comments else None)
    files = render_report(workspace, by_audience, options.formats, by_group=by_group,
                          comments=comments, produced=produced.date() if produced else None,
                          overlays=options.overlays, weighted=weighted,
                          unstated=unstated_by_audience(responses), progress=progress)
    paths = write_files(files, out or Path("reports") / workspace.id)
    return Written(tuple(paths), tuple(warnings), ingestion.notes)


def unstated_by_audience(responses: ResponseSet) -> dict[str, int]:
    """How many respondents of each audience gave no workforce group."""
    people = responses.respondents
    if "workforce_group" not in people or not len(people):
        return {}
    missing = people["workforce_group"].isna()
    counts = people.loc[missing, "audience"].astype(str).value_counts()
    return {str(k): int(v) for k, v in sorted(counts.items())}


@dataclass(frozen=True)
class Outcome:
    """One trust's report in a batch: what was written, or why not."""

    trust: str
    written: tuple[Path, ...]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()  # the reconciliation of the responses files read

    @property
    def ok(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)


def generate_one(job: tuple[str, Path, ReportOptions]) -> Outcome:
    """``generate`` for a worker process: failures come back as problems, never raised."""
    name, out, options = job
    try:
        written = generate(name, out, options)
    except OwcfError as exc:
        return Outcome(name, (), tuple(exc.problems))
    return Outcome(name, written.paths, written.warnings, written.notes)
