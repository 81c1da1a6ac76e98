"""Progress since an earlier round: resolve the baseline a trust names, read it (a results
package, checked against its schema, or an earlier workspace, analysed as ``owcf share
--protected`` would), describe the current round the same way and compare
(:func:`owcf.progress.compare.compare`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from owcf.errors import OwcfError, Problem
from owcf.model.trust import Baseline, Trust
from owcf.workspace.inputs import Inputs, gather
from owcf.workspace.run import published_analyses, read_responses, read_workspace_responses

if TYPE_CHECKING:
    from owcf.progress.compare import Progress
    from owcf.progress.rounds import Round
    from owcf.stats.results import Analysis



@dataclass(frozen=True)
class ProgressRun:
    """Progress made, and what the run has to say about its inputs."""

    progress: Progress
    warnings: tuple[Problem, ...]
    notes: tuple[str, ...]


def progress(trust: str | Path, since: str | None = None) -> ProgressRun:
    """The trust's progress since its baseline round ``since`` (default: the last one
    its trust.yaml lists). Raises OwcfError when the trust names no baseline, ``since``
    is not one, the baseline cannot be read or its scale differs."""
    inputs, warnings = gather(trust=trust, require_responses=False)
    workspace = inputs.trust
    assert workspace is not None
    baseline = choose_baseline(workspace, since)  # before any analysis: fail fast
    ingestion, read_warnings = read_workspace_responses(
        inputs, False, "progress compares no questionnaire figures")
    analyses = published_analyses(inputs, ingestion.responses)
    found = progress_of(workspace, analyses[0], baseline)
    return ProgressRun(found, (*warnings, *read_warnings), ingestion.notes)


def choose_baseline(workspace: Trust, since: str | None) -> Baseline:
    """The baseline named ``since``, else the last one listed."""
    file = str(workspace.directory / "trust.yaml")
    if not workspace.baselines:
        raise OwcfError([Problem("no-baseline", "the trust names no earlier round to measure "
                                 "progress from: add 'baselines: [{round: 2009, package: "
                                 "FILE}]' (a package from owcf share) or {round, workspace: "
                                 "FOLDER}", file=file)])
    if since is None:
        return workspace.baselines[-1]
    for baseline in workspace.baselines:
        if baseline.round == since:
            return baseline
    known = ", ".join(b.round for b in workspace.baselines)
    raise OwcfError([Problem("unknown-round", f"--since {since}: the trust's baselines are "
                             f"rounds {known}", file=file)])


def progress_of(workspace: Trust, analysis: Analysis, baseline: Baseline) -> Progress:
    """Progress from ``baseline`` to the round ``analysis`` (by audience, as the report
    publishes it) describes."""
    from owcf.progress.compare import compare, scale_difference

    before = read_baseline(baseline, workspace.id)
    now = current_round(workspace, analysis)
    reason = scale_difference(before, now)
    if reason is not None:
        raise OwcfError([Problem("baseline-scale", f"baseline round {baseline.round} "
                                 f"({baseline.path}) cannot be compared: {reason}",
                                 file=baseline.file, line=baseline.line)])
    actions = [{"number": a.number, "text": a.text,
                "due": a.due.isoformat() if a.due else None, "status": a.status,
                "dimensions": list(a.dimensions)} for a in workspace.actions]
    return compare(workspace.id, before, now, actions)


def current_round(workspace: Trust, analysis: Analysis) -> Round:
    """The round ``analysis`` describes, as a results package would carry it."""
    from owcf.progress.rounds import read_round
    from owcf.share.package import round_record
    from owcf.stats.positions import current_positions

    record = round_record(workspace, current_positions(analysis, workspace))
    return read_round(record, workspace.round_name, workspace.id)


def read_baseline(baseline: Baseline, trust: str) -> Round:
    """A baseline round of trust ``trust``: its results package (schema-checked), or its
    workspace analysed. A round of another trust is refused."""
    from owcf.progress.rounds import read_round

    if baseline.package is not None:
        data = _package(baseline)
        _same_trust(baseline, data["trust"]["id"], trust)
        return read_round(data, baseline.round, str(baseline.package))
    assert baseline.workspace is not None
    inputs, _ = gather(trust=baseline.workspace, require_responses=False)
    earlier = inputs.trust
    assert earlier is not None
    _same_trust(baseline, earlier.id, trust)
    return _analysed(inputs, earlier, baseline)


def _same_trust(baseline: Baseline, found: str, trust: str) -> None:
    if found != trust:
        raise OwcfError([Problem("invalid-value", f"baseline round {baseline.round} "
                                 f"({baseline.path}) is trust {found!r}'s, not {trust!r}'s",
                                 file=baseline.file, line=baseline.line)])


def _analysed(inputs: Inputs, earlier: Trust, baseline: Baseline) -> Round:
    from owcf.progress.rounds import read_round
    from owcf.share.package import round_record
    from owcf.stats.positions import current_positions

    analysis = published_analyses(inputs, read_responses(inputs).responses)[0]
    record = round_record(earlier, current_positions(analysis, earlier))
    return read_round(record, baseline.round, str(baseline.workspace))


def _package(baseline: Baseline) -> dict[str, Any]:
    """A baseline package, parsed and checked (schema, then consistency)."""
    from owcf.national.read import checked

    assert baseline.package is not None
    data, problems = checked(baseline.package)
    if data is None:
        raise OwcfError([*problems, _named_at(baseline)])
    return data


def _named_at(baseline: Baseline) -> Problem:
    return Problem("invalid-package", f"baseline round {baseline.round} is named here and "
                   "cannot be read (see above)", file=baseline.file, line=baseline.line)
