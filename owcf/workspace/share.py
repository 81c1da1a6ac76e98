"""A trust's results package for the national body: load -> ingest -> tally -> package.

The full package carries per-cell sums (:func:`owcf.stats.cells.cell_sums`); the
protected one carries the analyses the trust's report is built from
(:func:`owcf.workspace.run.published_analyses`), so it withholds exactly what the report
withholds, whatever disclosure method the statistics apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from owcf.errors import OwcfError, Problem
from owcf.files import source_date_epoch
from owcf.workspace.inputs import gather
from owcf.workspace.run import analyse_inputs, published_analyses, read_workspace_responses


@dataclass(frozen=True)
class Shared:
    """A results package made, and what the run has to say about its inputs."""

    package: dict[str, Any]
    text: str
    warnings: tuple[Problem, ...]
    #: the reconciliation of each responses file read
    notes: tuple[str, ...]


def share(trust: str | Path, protected: bool = False, by: Sequence[str] = (),
          strict: bool = False) -> Shared:
    """The trust's results package: full (per-cell sums, cells split by ``by`` too) or,
    with ``protected``, the figures its report publishes. Raises OwcfError on invalid
    inputs, or with ``strict`` if any responses row was rejected."""
    from owcf.share.package import full_package, package_text, protected_package
    from owcf.stats.cells import CELL_FIELDS, cell_sums
    from owcf.stats.positions import current_positions

    produced = source_date_epoch()  # a bad value stops before any work
    inputs, warnings = gather(trust=trust, require_responses=False)
    workspace = inputs.trust
    assert workspace is not None  # gathered by trust
    extra = [b for b in by if b not in CELL_FIELDS]
    unknown = [b for b in extra if b not in workspace.breakdowns]
    if unknown:
        raise OwcfError([Problem("invalid-value", f"cannot share a breakdown by "
                                 f"{', '.join(unknown)}: the trust declares "
                                 f"{', '.join(workspace.breakdowns) or 'no breakdowns'} under "
                                 "'breakdowns:'", file=str(workspace.directory / "trust.yaml"))])
    if protected and extra:
        raise OwcfError([Problem("invalid-value", "a protected package carries the report's "
                                 "breakdowns only (audience and workforce group): leave out --by")])
    ingestion, read_warnings = read_workspace_responses(
        inputs, strict, "package carries no questionnaire figures")
    warnings = [*warnings, *read_warnings]
    responses = ingestion.responses
    day = produced.date() if produced else None
    if protected:
        analyses = published_analyses(inputs, responses)
        # the positions as the report shows them, from the same analysis
        package = protected_package(workspace, analyses,
                                    current_positions(analyses[0], workspace), day)
    else:
        gaps = current_positions(analyse_inputs(inputs, responses), workspace)
        package = full_package(workspace, cell_sums(responses, inputs.framework, extra), gaps,
                               day)
    return Shared(package, package_text(package), tuple(warnings), ingestion.notes)
