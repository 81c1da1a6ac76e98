"""Questionnaire responses: the checked set analysis works on, and how to read files.

Files are read by :mod:`owcf.ingest`, which takes owcf's own layout (one row per
respondent: ``respondent_id``, ``audience``, optional ``workforce_group``, ``submitted``
and ``comment`` columns, then one column per questionnaire item id; or one row per
answer) and the exports of the common survey platforms. Answers are a scale value, its
label, a non-answer code or label ("DK", "Don't know", "NA", ...) or blank. Row numbers
in problems count the header as row 1, so the first respondent is row 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from owcf.errors import ProblemLog, Severity
from owcf.framework import Framework
from owcf.questionnaire import Questionnaire

if TYPE_CHECKING:  # owcf.ingest imports this module: only the type is needed here
    from owcf.ingest.reconcile import Ingested

#: at most this many problems of one code are listed per file; the rest are counted
MAX_LISTED = 200


@dataclass(frozen=True)
class ResponseSet:
    """Checked responses: who answered (``respondents``) and what (``answers``).

    ``answers`` holds, per respondent and questionnaire item, the 1-based index into
    ``questionnaire.categories`` (0 = blank), as int8. Ingest makes ``audience``,
    ``workforce_group`` and breakdown fields categoricals (missing: "not stated"); analysis
    takes text columns too. There are no respondent ids, not even pseudonyms: analysis
    needs none (:attr:`owcf.ingest.Ingested.pseudonyms` has them, for written files).
    """

    respondents: pd.DataFrame
    answers: pd.DataFrame
    questionnaire: Questionnaire
    source: str
    comments: pd.Series | None = None

    def __len__(self) -> int:
        return len(self.respondents)

    @classmethod
    def empty(cls, questionnaire: Questionnaire) -> ResponseSet:
        """No responses yet: a trust can still report its plan, targets and actions."""
        respondents = pd.DataFrame({c: pd.Series(dtype=object)
                                    for c in ("audience", "workforce_group")})
        answers = pd.DataFrame({i.id: pd.Series(dtype=np.int8) for i in questionnaire.items})
        return cls(respondents, answers, questionnaire, "")


def _add_limited(log: ProblemLog, result: Ingested, severity: Severity) -> None:
    """Add an ingested file's row problems to ``log``: at most :data:`MAX_LISTED` of each
    code, and a count of the rest."""
    log.problems.extend(result.problems(severity, limit=MAX_LISTED))
    for code, count in sorted(result.reason_totals().items()):
        if count > MAX_LISTED:
            log.add("too-many-problems", f"{count - MAX_LISTED} more {code} problems not listed",
                    file=result.file, severity=severity)


def read_responses(path: Path, questionnaire: Questionnaire, framework: Framework,
                   log: ProblemLog, fields: Sequence[str] = (), *, strict: bool = False,
                   source: str = "auto", mapping: Path | None = None,
                   salt: str | None = None) -> ResponseSet | None:
    """Read one responses file (owcf's layout or a platform export) into a ResponseSet.

    Rows with problems are rejected and listed in ``log`` as warnings, and the accepted
    rows returned; with ``strict`` they are errors and the result is None, as for a
    file-level problem. ``fields`` names extra respondent columns to keep, as text, for
    breakdowns (matched by heading, or mapped in the mapping YAML).
    """
    from owcf.ingest.pipeline import ingest

    result = ingest(path, questionnaire, framework, log, source=source, mapping=mapping,
                    fields=fields, salt=salt)
    if result is None:
        return None
    _add_limited(log, result, Severity.ERROR if strict else Severity.WARNING)
    if strict and len(result.rejected):
        return None
    return result.responses


def read_response_files(paths: list[Path], questionnaire: Questionnaire, framework: Framework,
                        log: ProblemLog, fields: Sequence[str] = (), *, strict: bool = False,
                        salt: str | None = None) -> ResponseSet | None:
    """Read several responses files as one set; a respondent may appear in only one."""
    from owcf.ingest.pipeline import InputFile, combine, ingest_files

    if not paths:
        log.add("no-responses", "no responses files to read")
        return None
    results = ingest_files([InputFile(p) for p in paths], questionnaire, framework, log,
                           fields=fields, salt=salt)
    if results is None:
        return None
    for result in results:
        _add_limited(log, result, Severity.ERROR if strict else Severity.WARNING)
    if strict and any(len(r.rejected) for r in results):
        return None
    return combine(results, questionnaire)
