"""The two minimum-answered rules, stated once in the questionnaire
(``answers_needed``, ``keeps_response``, ``scores_dimension``, ``scores_colour``): first
against cases worked by hand, then the vectorised statistics held to them on any data.
(The ingest side, ``keeps_response``, is held to it in tests/test_ingest_reconcile.py.)"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from owcf.errors import ProblemLog
from owcf.ingest.responses import ResponseSet
from owcf.model.framework import Framework, read_framework
from owcf.model.questionnaire import Questionnaire, read_questionnaire
from owcf.stats.analysis import respondent_scores

from .conftest import TINY_FRAMEWORK, TINY_QUESTIONNAIRE, write


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Framework, Questionnaire]:
    folder: Path = tmp_path_factory.mktemp("rules")
    log = ProblemLog()
    framework = read_framework(write(folder / "f.yaml", TINY_FRAMEWORK), log)
    questionnaire = read_questionnaire(write(folder / "q.yaml", TINY_QUESTIONNAIRE), log, framework)
    assert framework and questionnaire and not log.errors
    return framework, questionnaire


@pytest.mark.parametrize(("fraction", "asked", "needed"), [
    (0.5, 1, 1), (0.5, 2, 1), (0.5, 3, 2), (0.5, 4, 2),   # half, rounded up
    (1.0, 3, 3), (0.34, 3, 2), (0.1, 1, 1), (0.1, 0, 1),  # at least one, always
    (0.25, 4, 1), (0.75, 4, 3),
])
def test_answers_needed_is_the_fraction_rounded_up_and_at_least_one(
        tiny_models: tuple[Framework, Questionnaire], fraction: float, asked: int,
        needed: int) -> None:
    questionnaire = replace(tiny_models[1], min_answered_fraction=fraction)
    assert questionnaire.answers_needed(asked) == needed


def test_the_rules_on_cases_worked_by_hand(tiny_models: tuple[Framework, Questionnaire]) -> None:
    _, q = tiny_models
    # tiny questionnaire: vision v1 v2 (everyone); values s1 (everyone) s2 (leaders);
    # planning p1 p2 (staff and leaders); fraction 0.5
    assert q.keeps_response("staff", {"v1"})               # 1 of vision's 2
    assert q.keeps_response("young_people", {"s1"})        # values: 1 asked, 1 given
    assert not q.keeps_response("young_people", set())
    assert not q.keeps_response("young_people", {"p1"})    # planning is not asked of them
    assert q.scores_dimension("staff", "vision", {"v2"})
    assert not q.scores_dimension("staff", "values", set())
    assert q.scores_dimension("leaders", "values", {"s2"})  # 1 of 2 asked of leaders
    assert not q.scores_dimension("young_people", "planning", {"p1", "p2"})
    assert q.scores_colour("staff", ["vision", "values"], {"vision"})
    assert not q.scores_colour("staff", ["vision", "values"], set())
    assert not q.scores_colour("young_people", ["planning"], {"planning"})
    strict = replace(q, min_answered_fraction=1.0)
    assert not strict.scores_colour("staff", ["vision", "values"], {"vision"})
    assert not strict.keeps_response("leaders", {"s1"})    # values needs s1 and s2


ANSWER = st.sampled_from(["1", "2", "3", "4", "DK", "NA", ""])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), fraction=st.sampled_from([0.5, 1.0, 0.34, 0.2]))
def test_scores_follow_the_rule_stated_in_the_questionnaire(
        tiny_models: tuple[Framework, Questionnaire], data: st.DataObject,
        fraction: float) -> None:
    """A dimension score exists exactly when ``scores_dimension`` says and is the mean of
    the scored items' positions (reverse items flipped); a colour score exactly when
    ``scores_colour`` says, the mean of the dimension scores."""
    framework, base = tiny_models
    q = replace(base, min_answered_fraction=fraction)
    audiences = [a.id for a in framework.audiences]
    n = data.draw(st.integers(1, 20))
    who = data.draw(st.lists(st.sampled_from(audiences), min_size=n, max_size=n))
    rows = [[a if item.asked_of(w) else "" for item, a in
             zip(q.items, data.draw(st.lists(ANSWER, min_size=6, max_size=6)), strict=True)]
            for w in who]
    codes = {c: k for k, c in enumerate(q.categories, start=1)} | {"": 0}
    answers = pd.DataFrame([[codes[a] for a in row] for row in rows],
                           columns=[i.id for i in q.items], dtype=np.int8)
    respondents = pd.DataFrame({"audience": who, "workforce_group": [None] * n})
    dims, colours = respondent_scores(ResponseSet(respondents, answers, q, "test"), framework)
    for r in range(n):
        scored = {item.id: float(a) for item, a in zip(q.items, rows[r], strict=True)
                  if a in {"1", "2", "3", "4"}}
        scored = {i: (5 - v if q.items[[x.id for x in q.items].index(i)].reverse else v)
                  for i, v in scored.items()}
        dim_scores = {}
        for dim in framework.dimensions:
            got = dims.loc[r, dim.id]
            if q.scores_dimension(who[r], dim.id, scored):
                mine = [scored[i.id] for i in q.items_for(dim.id) if i.id in scored]
                assert got == pytest.approx(sum(mine) / len(mine))
                dim_scores[dim.id] = got
            else:
                assert math.isnan(got)
        for colour in framework.colours:
            got = colours.loc[r, colour.id]
            ids = [d.id for d in colour.dimensions]
            if q.scores_colour(who[r], ids, dim_scores):
                mine = [dim_scores[d] for d in ids if d in dim_scores]
                assert got == pytest.approx(sum(mine) / len(mine))
            else:
                assert math.isnan(got)
