"""The checked response set: what ingest produces and the statistics work on.

Files become one by :mod:`owcf.ingest.pipeline` (owcf's own layout, one row per
respondent or per answer, and the exports of the common survey platforms); the
workspace pipeline, :func:`owcf.workspace.run.read_responses`, reads a trust's files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from owcf.model.questionnaire import Questionnaire


@dataclass(frozen=True)
class ResponseSet:
    """Checked responses: who answered (``respondents``) and what (``answers``).

    ``answers`` holds, per respondent and questionnaire item, the 1-based index into
    ``questionnaire.categories`` (0 = blank), as int8. Ingest makes ``audience``,
    ``workforce_group`` and breakdown fields categoricals (missing: "not stated"); analysis
    takes text columns too. There are no respondent ids, not even pseudonyms: analysis
    needs none (:attr:`owcf.ingest.ingested.Ingested.pseudonyms` has them, for written files).
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
