"""Reading a command's inputs through the workspace pipeline, with its diagnostics on
stderr: the warnings, the reconciliation of each responses file and its rejected rows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from owcf.cli.common import State, say, show, usage
from owcf.errors import OwcfError, Problem, Severity
from owcf.model.sources import MAX_CELLS, Platform

if TYPE_CHECKING:
    from owcf.stats.results import Analysis
    from owcf.workspace.inputs import Inputs
    from owcf.workspace.run import Ingestion


def gather_inputs(responses: list[Path], trust: str | None, framework: Path | None = None,
                  questionnaire: Path | None = None, require_responses: bool = True,
                  source: Platform = Platform.auto, mapping: Path | None = None,
                  max_cells: int = MAX_CELLS) -> Inputs:
    """The command's inputs, checked; their warnings on stderr."""
    from owcf.workspace.inputs import gather

    if trust is not None and not responses and (source is not Platform.auto or mapping):
        raise usage("--source and --mapping apply to files given on the command line; for "
                    "the trust's own files, set them per file under 'responses:' in trust.yaml")
    inputs, warnings = gather(responses, trust, framework, questionnaire, require_responses,
                              source.value, mapping, max_cells)
    show(warnings)
    return inputs


def ingest_inputs(inputs: Inputs, strict: bool, list_rejected: bool = True) -> Ingestion:
    """Every responses file ingested; the reconciliation and the rejected rows go to stderr.
    With ``strict`` a rejected row is an error: exit 1, listed by ``handled``."""
    from owcf.workspace.run import read_responses

    ingestion = read_responses(inputs, strict)
    show(ingestion.warnings)
    if not State.quiet or (strict and ingestion.rejected):
        for line in ingestion.notes:
            say(line)
    if strict and ingestion.rejected:
        raise OwcfError(ingestion.rejected)
    if list_rejected:
        show(ingestion.rejected)
    return ingestion


def analyse_inputs(inputs: Inputs, by: list[str], weights: str, min_cell: int | None,
                   strict: bool = False) -> Analysis:
    """Read the responses and run the analysis with the trust's disclosure settings."""
    from owcf.workspace import run

    unknown = [b for b in by if b not in inputs.breakdowns]
    if unknown:
        raise usage(f"cannot break down by {', '.join(unknown)}: choose from "
                    f"{', '.join(inputs.breakdowns)} (a trust declares more under 'breakdowns:')")
    responses = ingest_inputs(inputs, strict).responses
    from owcf.stats.analysis import outside_pattern

    if outside_pattern(by, inputs.crossings):
        show([Problem("crossing-outside-pattern",
                      f"{' crossed with '.join(by)} is outside the data set's suppression "
                      f"pattern: read with the runs by {' and by '.join(by)}, withheld "
                      "figures may be worked out (see docs/methods.md); to publish it, "
                      f"list [{', '.join(by)}] under 'crossings:' in trust.yaml",
                      severity=Severity.WARNING)])
    return run.analyse_inputs(inputs, responses, by, weights=weights, min_cell=min_cell)
