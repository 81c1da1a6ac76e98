"""The one workspace pipeline every command runs: load -> ingest -> analyse.

>>> inputs, warnings = gather(trust="oxfordshire")      # load: YAML checked, files named
>>> ingestion = read_responses(inputs)                   # ingest: every file, reconciled
>>> result = analyse_inputs(inputs, ingestion.responses, ["audience"])

``owcf analyse``, ``gaps``, ``report`` and ``ingest`` all read their responses through
:func:`read_responses`, so a file is accepted, rejected and accounted for the same way
whichever command reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from owcf.errors import OwcfError, Problem, ProblemLog, Severity
from owcf.workspace.inputs import Inputs, reconciliation

if TYPE_CHECKING:  # pandas and pyarrow load only when responses are read
    from owcf.ingest.ingested import Ingested
    from owcf.ingest.responses import ResponseSet
    from owcf.stats.analysis import SharedPattern
    from owcf.stats.results import Analysis


@dataclass(frozen=True)
class Ingestion:
    """The responses files of one run, read: what was accepted and the account of the rest."""

    results: tuple[Ingested, ...]
    responses: ResponseSet
    #: per file, the reconciliation for people: layout read; rows read = accepted + rejected
    notes: tuple[str, ...]
    #: the rejected rows as listed (the first few per file, then a count): errors when the
    #: run is strict, else warnings
    rejected: tuple[Problem, ...]
    #: file-level warnings (a breakdown field with no column, items nobody answered...)
    warnings: tuple[Problem, ...]


def read_responses(inputs: Inputs, strict: bool = False) -> Ingestion:
    """Ingest every responses file of ``inputs`` as one set. A file-level problem raises
    OwcfError listing every one; rejected rows are left out and listed in the result."""
    from owcf.ingest.pipeline import combine

    log = ProblemLog()
    results = inputs.ingest(log)
    log.raise_if_errors()
    notes, rejected = reconciliation(results, strict)
    return Ingestion(tuple(results), combine(results, inputs.questionnaire), tuple(notes),
                     tuple(rejected), tuple(log.warnings))


def read_workspace_responses(inputs: Inputs, strict: bool, lacking: str
                             ) -> tuple[Ingestion, list[Problem]]:
    """:func:`read_responses` for a trust workspace, which may name no responses files yet
    (``lacking`` says what the output is then without). With ``strict`` a rejected row
    raises OwcfError; otherwise the rejected rows are among the warnings returned."""
    ingestion = read_responses(inputs, strict)
    if strict and ingestion.rejected:
        raise OwcfError(ingestion.rejected)
    warnings = [*ingestion.warnings, *ingestion.rejected]
    if not inputs.files:
        assert inputs.trust is not None  # only a workspace may name no files
        warnings.append(Problem("no-responses", "the trust names no responses files yet; "
                                f"the {lacking}", severity=Severity.WARNING,
                                file=str(inputs.trust.directory / "trust.yaml")))
    return ingestion, warnings


def analyse_inputs(inputs: Inputs, responses: ResponseSet, by: Sequence[str] = (), *,
                   weights: str = "respondents", min_cell: int | None = None,
                   shared: SharedPattern | None = None) -> Analysis:
    """The analysis of ``responses`` with the trust's disclosure settings (``min_cell``
    overrides its threshold) and, for ``weights="population"``, its population sizes;
    analyses given one ``shared`` work the suppression pattern out once."""
    from owcf.stats.analysis import analyse

    disclosure = inputs.disclosure
    return analyse(responses, inputs.framework, by,
                   min_cell if min_cell is not None else disclosure.min_cell,
                   inputs.labels, weights=weights,
                   population=inputs.trust.population if inputs.trust else None,
                   min_cell_by_audience=disclosure.by_audience, breakdowns=inputs.breakdowns,
                   crossings=inputs.crossings, shared=shared)


def published_analyses(inputs: Inputs, responses: ResponseSet, min_cell: int | None = None,
                       shared: SharedPattern | None = None) -> tuple[Analysis, Analysis]:
    """The analyses a trust's report is built from: broken down by audience, and by
    workforce group, with the trust's disclosure settings (one suppression pattern, in
    ``shared`` if given). ``owcf share --protected`` carries exactly these, so it
    withholds what the report withholds."""
    from owcf.stats.analysis import SharedPattern

    shared = shared if shared is not None else SharedPattern()
    return (analyse_inputs(inputs, responses, ["audience"], min_cell=min_cell, shared=shared),
            analyse_inputs(inputs, responses, ["workforce_group"], min_cell=min_cell,
                           shared=shared))
