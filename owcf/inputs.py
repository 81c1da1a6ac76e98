"""Gather what a command works on: framework, questionnaire, responses and trust settings.

Commands accept responses files, a trust workspace, or both; this module resolves them in
one place so every command reads the same way.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from owcf.errors import OwcfError, Problem, ProblemLog
from owcf.framework import Framework, read_framework
from owcf.questionnaire import Questionnaire, read_questionnaire
from owcf.resources import default_framework_path, default_questionnaire_path
from owcf.responses import ResponseSet, read_response_files
from owcf.trust import STANDARD_BREAKDOWNS, Disclosure, Trust, load_trust


@dataclass(frozen=True)
class Inputs:
    """Everything an analysis needs, checked."""

    framework: Framework
    questionnaire: Questionnaire
    paths: tuple[Path, ...]
    sources: tuple[str, ...]
    trust: Trust | None = None

    @property
    def breakdowns(self) -> tuple[str, ...]:
        """Respondent fields a user may break down by."""
        return STANDARD_BREAKDOWNS + (self.trust.breakdowns if self.trust else ())

    @property
    def disclosure(self) -> Disclosure:
        return self.trust.disclosure if self.trust else Disclosure()

    def read(self, log: ProblemLog) -> ResponseSet | None:
        """The responses, or an empty set for a trust that has none yet."""
        if not self.paths:
            return ResponseSet.empty(self.questionnaire)
        extra = self.trust.breakdowns if self.trust else ()
        return read_response_files(list(self.paths), self.questionnaire, self.framework, log, extra)


def gather(responses: Sequence[Path] = (), trust: str | Path | None = None,
           framework: Path | None = None, questionnaire: Path | None = None,
           require_responses: bool = True) -> tuple[Inputs, list[Problem]]:
    """Resolve the inputs; raise OwcfError listing every problem, else return warnings too."""
    log = ProblemLog()
    fw: Framework | None = None
    q: Questionnaire | None = None
    workspace: Trust | None = None
    paths = list(responses)
    sources = [str(p) for p in responses]
    if trust is not None:
        workspace = load_trust(trust)
        fw, q = workspace.framework, workspace.questionnaire
        if not paths:
            paths = list(workspace.responses)
            sources = [os.path.relpath(p, workspace.directory) for p in paths]
        if not paths and require_responses:
            raise OwcfError([Problem("no-responses", "the trust names no responses files: list "
                                     "them under 'responses:' or give a CSV",
                                     file=str(workspace.directory / "trust.yaml"))])
    if framework is not None or fw is None:
        fw = read_framework(framework or default_framework_path(), log)
    if questionnaire is not None or q is None:
        q = read_questionnaire(questionnaire or default_questionnaire_path(), log, fw)
    log.raise_if_errors()
    assert fw is not None and q is not None
    return Inputs(fw, q, tuple(paths), tuple(sources), workspace), log.warnings
