"""Guards against bugs that once survived every test (issue 12's planted bugs), each
checked against a value worked out by hand here, never against owcf's own helpers or a
golden file: reverse scoring in item means, the reliability flag's threshold, ranking by
priority, a day's grace for actions due today, the exit status of an internal error, the
formula-neutralising prefixes, Markdown escaping, and the minimum-answered rule."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.errors import ProblemLog
from owcf.files import spreadsheet_safe, to_csv
from owcf.ingest.pipeline import ingest
from owcf.ingest.responses import ResponseSet
from owcf.model.framework import read_framework
from owcf.model.plan import Action, Evidence
from owcf.model.questionnaire import read_questionnaire
from owcf.model.trust import Triangulation
from owcf.model.workspaces import load_trust
from owcf.publish.templating import md_escape
from owcf.stats.analysis import analyse
from owcf.stats.positions import current_positions

from .conftest import TINY_FRAMEWORK, TINY_QUESTIONNAIRE, write

runner = CliRunner()


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("guards")
    log = ProblemLog()
    framework = read_framework(write(root / "f.yaml", TINY_FRAMEWORK), log)
    questionnaire = read_questionnaire(write(root / "q.yaml", TINY_QUESTIONNAIRE), log, framework)
    assert framework and questionnaire and not log.errors, log.problems
    return framework, questionnaire


def responses(questionnaire, rows: list[tuple[str, dict[str, int]]]) -> ResponseSet:
    """rows: (audience, {item: answer 1-4}); answer k is category k (1-4 come first)."""
    people = pd.DataFrame({"audience": [a for a, _ in rows],
                           "workforce_group": [None] * len(rows)})
    answers = pd.DataFrame({i.id: np.array([r.get(i.id, 0) for _, r in rows], dtype=np.int8)
                            for i in questionnaire.items})
    return ResponseSet(people, answers, questionnaire, "hand")


def test_an_item_mean_is_of_reverse_scored_answers(model) -> None:
    """v2 is reverse scored on the 1-4 scale: an answer of 1 is 4, of 2 is 3."""
    framework, questionnaire = model
    rows = [("staff", {"v1": 4, "v2": 1}), ("staff", {"v1": 3, "v2": 2}),
            ("leaders", {"v1": 4, "v2": 1})]
    result = analyse(responses(questionnaire, rows), framework, min_cell=1)
    v2 = next(i for i in result.overall.items if i.id == "v2")
    assert v2.mean == pytest.approx((4 + 3 + 4) / 3)
    assert result.overall.dimension("vision").mean == pytest.approx((4 + 4 + 3 + 3 + 4 + 4) / 6)


@pytest.mark.parametrize(("p1", "p2", "flagged"), [
    ([1, 2, 3, 4, 2], [2, 1, 3, 2, 3], True),               # alpha 0.26 by hand
    ([3, 4, 4, 3, 4, 1], [1, 3, 4, 1, 3, 2], True),         # 0.682
    ([2, 3, 3, 4, 4, 1], [3, 2, 4, 4, 3, 2], False),        # 0.713
    ([1, 2, 3, 4, 4], [1, 2, 3, 4, 3], False),              # 0.966
])
def test_reliability_is_flagged_below_seven_tenths(model, p1: list[int], p2: list[int],
                                                   flagged: bool) -> None:
    framework, questionnaire = model
    rows = [("staff", {"p1": a, "p2": b}) for a, b in zip(p1, p2, strict=True)]
    result = analyse(responses(questionnaire, rows), framework, min_cell=1)
    rel = next(r for r in result.reliability if r.dimension == "planning")

    def var(xs: list[int]) -> float:  # sample variance, by hand
        return sum((x - sum(xs) / len(xs)) ** 2 for x in xs) / (len(xs) - 1)

    by_hand = 2 * (1 - (var(p1) + var(p2)) / var([a + b for a, b in zip(p1, p2, strict=True)]))
    assert rel.alpha == pytest.approx(by_hand)
    assert (by_hand < 0.7) is flagged  # the case is what its comment says
    assert rel.flagged is flagged


def test_gaps_are_ranked_by_priority_not_by_gap(tiny: Path, model) -> None:
    """Vision: six respondents all at 2, so nobody's view differs and the spread of views
    is a quarter of the range, 0.75: band 2 -/+ t(0.975, 5) x 0.75 / sqrt(6) = 1.21 to
    2.79: gap 3 - 2 = 1, priority 3 - 2.79 = 0.21. Planning: scores 1, 1, 1, 4, mean 1.75
    (gap 1.25, the larger), sd 1.5, se 0.75, band 1.75 +/- t(0.975, 3) x 0.75 = 1.75 +/-
    2.39, clipped to the scale's 4: priority 3 - 4 = -1, the smaller. Ranked by priority,
    vision comes first."""
    trust = load_trust(tiny)
    framework, questionnaire = trust.framework, trust.questionnaire
    rows = [("staff", {"v1": 2, "v2": 3, **planning}) for planning in (
        {"p1": 1, "p2": 1}, {"p1": 1, "p2": 1}, {"p1": 1, "p2": 1}, {"p1": 4, "p2": 4}, {}, {})]
    report = current_positions(analyse(responses(questionnaire, rows), framework, min_cell=1),
                               trust)
    vision, planning = report.dimension("vision"), report.dimension("planning")
    t5 = 2.5705818356363146  # Student t, 97.5th percentile, 5 degrees of freedom (tables)
    assert vision.high == round(2 + t5 * 0.75 / math.sqrt(6), 2) == 2.79
    assert (vision.gap, vision.priority) == (pytest.approx(1.0), pytest.approx(0.21))
    assert (planning.gap, planning.priority) == (pytest.approx(1.25), pytest.approx(-1.0))
    assert [p.id for p in report.ranked()] == ["vision", "planning"]
    assert (vision.rank, planning.rank) == (1, 2)
    assert [p.id for p in report.ranked("colour")] == ["red", "blue"]


def test_an_action_due_today_is_not_yet_overdue(trust_path: Path) -> None:
    due = dt.date(2009, 7, 1)
    action = Action(1, "Share the report.", due, "planned")
    assert not action.overdue(due)
    assert action.overdue(due + dt.timedelta(days=1))
    assert not replace(action, status="done").overdue(due + dt.timedelta(days=1))
    # the tiny trust's one action is due on 2009-07-01
    on_the_day = runner.invoke(app, ["actions", "-t", "tinytown", "--overdue", "--today",
                                     "2009-07-01", "--format", "json"])
    assert on_the_day.exit_code == 0, on_the_day.output
    assert '"actions": []' in on_the_day.stdout
    late = runner.invoke(app, ["actions", "-t", "tinytown", "--overdue", "--today", "2009-07-02"])
    assert late.exit_code == 1


def test_an_internal_error_exits_3_and_a_user_error_1(trust_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("owcf.workspace.report.generate", broken)
    result = runner.invoke(app, ["report", "-t", "tinytown"])
    assert result.exit_code == 3
    assert "owcf: internal error: ZeroDivisionError: a bug (rerun with --debug" in result.stderr
    assert runner.invoke(app, ["analyse", "-t", "no-such-trust"]).exit_code == 1
    assert runner.invoke(app, ["analyse", "--no-such-option"]).exit_code == 2


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start: str) -> None:
    assert spreadsheet_safe(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    (row,) = list(csv.reader(io.StringIO(to_csv([{"cell": f"{start}SUM(A1)"}]), newline="")))[1:]
    assert row == [f"'{start}SUM(A1)".replace("\r", "\n")]  # a bare CR would end the row
    assert spreadsheet_safe("SUM(A1)") == "SUM(A1)" and spreadsheet_safe(-1.5) == -1.5


def test_markdown_escaping_covers_every_special_character() -> None:
    assert md_escape("a|b") == "a\\|b"
    assert md_escape("\\`*_{}[]<>#|") == "\\\\\\`\\*\\_\\{\\}\\[\\]\\<\\>\\#\\|"
    assert md_escape("line\nbreak") == "line break"


QUESTIONNAIRE = """\
schema: owcf-questionnaire/1
id: guard-q
name: Guard questionnaire
framework: tiny
answer_scale:
  - {value: 1, label: No}
  - {value: 2, label: Rarely}
  - {value: 3, label: Often}
  - {value: 4, label: Yes}
scoring:
  min_answered_fraction: 0.5
items:
  - {id: v1, dimension: vision, text: One}
  - {id: v2, dimension: vision, text: Two}
  - {id: v3, dimension: vision, text: Three}
  - {id: p1, dimension: planning, text: Four}
  - {id: p2, dimension: planning, text: Five}
  - {id: p3, dimension: planning, text: Six}
  - {id: p4, dimension: planning, text: Seven}
  - {id: p5, dimension: planning, text: Eight}
"""


def test_the_minimum_answered_rule_rounds_up(tmp_path: Path) -> None:
    """Half of three items is 1.5: two answers are needed, not one. Half of five is 2.5:
    three. A response meeting neither is rejected as too-few-answers."""
    log = ProblemLog()
    framework = read_framework(write(tmp_path / "f.yaml", TINY_FRAMEWORK), log)
    questionnaire = read_questionnaire(write(tmp_path / "q.yaml", QUESTIONNAIRE), log, framework)
    assert framework and questionnaire
    rows = ["respondent_id,audience,v1,v2,v3,p1,p2,p3,p4,p5",
            "one-of-three,staff,4,,,,,,,",            # 1 < 2: rejected
            "two-of-three,staff,4,3,,,,,,",           # 2 >= 2: kept
            "two-of-five,staff,,,,1,2,,,",            # 2 < 3 (and none of vision): rejected
            "three-of-five,staff,,,,1,2,3,,",         # 3 >= 3: kept
            "one-and-two,staff,1,,,1,2,,,"]           # short of both: rejected
    path = write(tmp_path / "r.csv", "\n".join(rows) + "\n")
    result = ingest(path, questionnaire, framework, log)
    assert result is not None, log.problems
    rejected = [(p.row, p.code) for p in result.row_problems()]
    assert rejected == [(2, "too-few-answers"), (4, "too-few-answers"), (6, "too-few-answers")]
    assert [questionnaire.answers_needed(k) for k in (1, 2, 3, 4, 5)] == [1, 1, 2, 2, 3]


def test_evidence_and_questionnaire_combine_with_their_weights(tiny: Path, model) -> None:
    """Vision at 2 from six respondents and a workshop rating of 3.5 with weight 2 (one
    participant, so it stands for 2 people): each counts for the people behind it,
    current (6 x 2 + 2 x 3.5) / 8 = 2.375, shown 2.38; target 3: gap 0.62. Without the
    weight it would be (6 x 2 + 3.5) / 7 = 2.21."""
    trust = load_trust(tiny)
    rows = [("staff", {"v1": 2, "v2": 3})] * 6
    workshop = Evidence("w", "analysis_workshop", None, "", "", "", {"vision": 3.5}, 2.0)
    trust = replace(trust, evidence=(workshop,), triangulation=Triangulation(1.0, 1.0))
    result = analyse(responses(trust.questionnaire, rows), trust.framework, min_cell=1)
    vision = current_positions(result, trust).dimension("vision")
    assert vision.current == 2.38 and vision.gap == pytest.approx(0.62)
    assert [s.effective_size for s in vision.sources] == [6.0, 2.0]
    assert vision.spread == pytest.approx(1.5) and vision.agree is False
