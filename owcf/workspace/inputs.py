"""Gather what a command works on: framework, questionnaire, responses and trust settings.

Commands accept responses files, a trust workspace, or both; this module resolves them in
one place so every command reads the same way. Responses files are ingested (owcf's
layout or a survey platform's export, see :mod:`owcf.ingest`): rejected rows are left out
and accounted for in the reconciliation.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from owcf.errors import OwcfError, Problem, ProblemLog, Severity
from owcf.model.framework import Framework, read_framework
from owcf.model.questionnaire import Questionnaire, read_questionnaire
from owcf.model.sources import MAX_CELLS, Platform, ResponsesFile
from owcf.model.trust import STANDARD_BREAKDOWNS, Disclosure, Trust
from owcf.model.workspaces import load_trust
from owcf.resources import default_framework_path, default_questionnaire_path

if TYPE_CHECKING:  # pyarrow and pandas load only when responses are read
    from owcf.ingest.ingested import Ingested

#: rejected rows listed per file in a reconciliation; the rest are counted
LISTED = 20


@dataclass(frozen=True)
class Inputs:
    """Everything an analysis needs, checked."""

    framework: Framework
    questionnaire: Questionnaire
    files: tuple[ResponsesFile, ...]
    #: each file as the outputs name it (relative to the workspace for a trust's own)
    labels: tuple[str, ...]
    trust: Trust | None = None

    @property
    def breakdowns(self) -> tuple[str, ...]:
        """Respondent fields a user may break down by."""
        return STANDARD_BREAKDOWNS + (self.trust.breakdowns if self.trust else ())

    @property
    def crossings(self) -> tuple[tuple[str, ...], ...]:
        """Crossings of those fields the trust publishes besides audience × workforce group."""
        return self.trust.crossings if self.trust else ()

    @property
    def disclosure(self) -> Disclosure:
        return self.trust.disclosure if self.trust else Disclosure()

    def ingest(self, log: ProblemLog) -> list[Ingested]:
        """Every responses file, ingested as one set (file-level problems go to ``log``)."""
        from owcf.ingest.pipeline import ingest_files

        if not self.files:
            return []
        extra = self.trust.breakdowns if self.trust else ()
        salt = self.trust.pseudonym_salt if self.trust else None
        return ingest_files(self.files, self.questionnaire, self.framework, log,
                            fields=extra, salt=salt) or []


def reconciliation(results: Sequence[Ingested], strict: bool = False
                   ) -> tuple[list[str], list[Problem]]:
    """For people: per file, the reconciliation lines (layout read; rows read = accepted +
    rejected, by reason) and its rejected rows (the first :data:`LISTED`, then a count),
    as errors when ``strict``, else warnings."""
    from owcf.ingest.pipeline import summary

    severity = Severity.ERROR if strict else Severity.WARNING
    lines: list[str] = []
    rejected: list[Problem] = []
    for result in results:
        lines += summary(result)
        shown = result.row_problems(severity, limit=LISTED)
        rejected += shown
        more = len(result.rejected) - len(shown)
        if more > 0:
            rejected.append(Problem("too-many-problems", f"{more} more rejected rows not "
                                    "listed; owcf ingest writes every one, with all its "
                                    "reasons, to a rejects file", file=result.file,
                                    severity=severity))
    return lines, rejected


def gather(responses: Sequence[Path] = (), trust: str | Path | None = None,
           framework: Path | None = None, questionnaire: Path | None = None,
           require_responses: bool = True, source: str = Platform.auto.value,
           mapping: Path | None = None, max_cells: int = MAX_CELLS
           ) -> tuple[Inputs, list[Problem]]:
    """Resolve the inputs; raise OwcfError listing every problem, else return warnings too.

    ``source`` and ``mapping`` say how to read the ``responses`` given here; a trust's
    own files carry theirs in ``trust.yaml``. ``max_cells`` bounds what any XLSX may
    expand to.
    """
    log = ProblemLog()
    fw: Framework | None = None
    q: Questionnaire | None = None
    workspace: Trust | None = None
    files = [ResponsesFile(p, source, mapping, max_cells) for p in responses]
    labels = [str(p) for p in responses]
    if trust is not None:
        workspace = load_trust(trust)
        fw, q = workspace.framework, workspace.questionnaire
        if not files:
            files = [replace(f, max_cells=max_cells) for f in workspace.response_files]
            labels = [os.path.relpath(f.path, workspace.directory) for f in files]
        if not files and require_responses:
            raise OwcfError([Problem("no-responses", "the trust names no responses files: list "
                                     "them under 'responses:' or give one",
                                     file=str(workspace.directory / "trust.yaml"))])
    if framework is not None or fw is None:
        fw = read_framework(framework or default_framework_path(), log)
    if questionnaire is not None or q is None:
        q = read_questionnaire(questionnaire or default_questionnaire_path(), log, fw)
    log.raise_if_errors()
    assert fw is not None and q is not None
    return Inputs(fw, q, tuple(files), tuple(labels), workspace), log.warnings
