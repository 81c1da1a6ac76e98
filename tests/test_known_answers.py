"""More known answers, worked out by hand in each test, for the figures a board acts on:
the full gaps record (current position, band, agreement, gap, priority, rank, for
dimensions and colours), population weights where a group lacks a stratum, reliability
at its edges, and the order and keys of groups. Written where mutation testing found a
change to the code that no test noticed."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from owcf.errors import ProblemLog
from owcf.ingest.responses import ResponseSet
from owcf.model.framework import read_framework
from owcf.model.plan import Evidence
from owcf.model.questionnaire import read_questionnaire
from owcf.model.trust import Population
from owcf.model.workspaces import load_trust
from owcf.stats.analysis import analyse, cronbach_alpha, respondent_scores
from owcf.stats.positions import current_positions
from owcf.stats.tally import cronbach_alpha_weighted

from .conftest import TINY_FRAMEWORK, TINY_QUESTIONNAIRE, write

T_975_3 = 3.182446305284263  # Student t, 97.5th percentile, 3 degrees of freedom (tables)


def responses(questionnaire, rows, index=None) -> ResponseSet:
    """rows: (audience, workforce group, {item: answer 1-4}); answer k is category k."""
    people = pd.DataFrame({"audience": [r[0] for r in rows],
                           "workforce_group": [r[1] for r in rows]}, index=index)
    answers = pd.DataFrame({i.id: np.array([r[2].get(i.id, 0) for r in rows], dtype=np.int8)
                            for i in questionnaire.items}, index=index)
    return ResponseSet(people, answers, questionnaire, "hand")


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("known")
    log = ProblemLog()
    framework = read_framework(write(root / "f.yaml", TINY_FRAMEWORK), log)
    questionnaire = read_questionnaire(write(root / "q.yaml", TINY_QUESTIONNAIRE), log, framework)
    assert framework and questionnaire and not log.errors
    return framework, questionnaire


def test_the_gaps_record_in_full(tiny: Path) -> None:
    """Six staff: vision 2 each (v2 = 3 reversed), values 3 each (s1), planning 1, 1, 1, 4
    for four of them. A workshop rates vision 3.5 with weight 2. Targets: vision 3,
    values 3.5, planning 3.

    vision: current (1 x 2 + 2 x 3.5) / 3 = 3, band 3 +/- 0 (the questionnaire's interval
    is 2-2), spread 1.5 > 1 so the sources disagree; gap 0, priority 0.
    values: 3, band 3-3, gap 0.5, priority 0.5.
    planning: mean 1.75, sd 1.5, se 0.75, interval 1.75 -/+ 3.1824 x 0.75 clipped to 1-4;
    band 1-4; gap 1.25, priority 3 - 4 = -1.
    Ranks by priority: values 1, vision 2, planning 3. Colours: red the mean of vision
    and values (3, band 3-3, target 3.25), blue planning's: red 1, blue 2."""
    trust = load_trust(tiny)
    workshop = Evidence("workshop", "analysis_workshop", None, "", "", "", {"vision": 3.5}, 2.0)
    trust = replace(trust, evidence=(workshop,))
    rows = [("staff", "health", {"v1": 2, "v2": 3, "s1": 3, **planning}) for planning in (
        {"p1": 1, "p2": 1}, {"p1": 1, "p2": 1}, {"p1": 1, "p2": 1}, {"p1": 4, "p2": 4}, {}, {})]
    analysis = analyse(responses(trust.questionnaire, rows), trust.framework, min_cell=1)
    record = current_positions(analysis, trust).to_dict()
    assert (record["schema_version"], record["trust"]) == ("1", "tinytown")
    assert record["method"]["priority"].startswith("target - upper end of the band")

    def position(scope, ident, name, colour, q, sources, current, low, high, spread, agree,
                 target, rank):
        return {"scope": scope, "id": ident, "name": name, "colour": colour,
                "questionnaire": {"n": q[0], "mean": q[1], "ci_low": q[2], "ci_high": q[3],
                                  "suppressed": None},
                "sources": sources, "current": current, "low": low, "high": high,
                "spread": spread, "agree": agree, "target": target, "gap": target - current,
                "gap_low": target - high, "gap_high": target - low,
                "priority": target - high, "rank": rank}

    planning_high = min(4.0, 1.75 + T_975_3 * 0.75)
    planning_low = max(1.0, 1.75 - T_975_3 * 0.75)
    workshop_rating = [{"id": "workshop", "kind": "analysis_workshop", "value": 3.5,
                        "weight": 2.0}]
    expected = {
        "dimensions": [
            position("dimension", "vision", "Vision", "red", (6, 2.0, 2.0, 2.0),
                     workshop_rating, 3.0, 3.0, 3.0, 1.5, False, 3.0, 2),
            position("dimension", "values", "Values", "red", (6, 3.0, 3.0, 3.0), [],
                     3.0, 3.0, 3.0, None, None, 3.5, 1),
            position("dimension", "planning", "Planning", "blue",
                     (4, 1.75, planning_low, planning_high), [], 1.75, planning_low,
                     planning_high, None, None, 3.0, 3),
        ],
        "colours": [
            position("colour", "red", "Red", "red", (6, 2.5, 2.5, 2.5), [], 3.0, 3.0, 3.0,
                     None, None, 3.25, 1),
            position("colour", "blue", "Blue", "blue", (4, 1.75, planning_low, planning_high),
                     [], 1.75, planning_low, planning_high, None, None, 3.0, 2),
        ],
    }
    assert (planning_low, planning_high) == (1.0, 4.0)
    for scope in ("dimensions", "colours"):
        for got, want in zip(record[scope], expected[scope], strict=True):
            assert got.keys() == want.keys()
            for key, value in want.items():
                if isinstance(value, (float, dict)):
                    assert got[key] == pytest.approx(value, abs=1e-9), (got["id"], key)
                else:
                    assert got[key] == value, (got["id"], key)


def test_a_colour_has_no_band_unless_every_scored_dimension_has_one(tiny: Path) -> None:
    """Vision is rated by the workshop only (nobody answered its items): it has a current
    position (2.5) but no band, so red's band is unknown though values has one."""
    trust = load_trust(tiny)
    workshop = Evidence("workshop", "analysis_workshop", None, "", "", "", {"vision": 2.5}, 1.0)
    trust = replace(trust, evidence=(workshop,))
    rows = [("staff", "health", {"s1": 3})] * 3
    analysis = analyse(responses(trust.questionnaire, rows), trust.framework, min_cell=1)
    report = current_positions(analysis, trust)
    vision, red = report.dimension("vision"), report.colour("red")
    assert (vision.current, vision.low, vision.high) == (2.5, None, None)
    assert red.current == pytest.approx((2.5 + 3.0) / 2)
    assert (red.low, red.high) == (None, None)
    assert red.priority == pytest.approx(red.target - red.current)
    assert red.target == pytest.approx((3 + 3.5) / 2)


def test_a_dimension_without_a_target_has_no_gap_and_no_rank(tiny: Path) -> None:
    trust = load_trust(tiny)
    trust = replace(trust, targets={"vision": 3.0, "planning": 3.0})
    rows = [("staff", "health", {"v1": 2, "v2": 3, "s1": 3, "p1": 2, "p2": 2})] * 3
    report = current_positions(analyse(responses(trust.questionnaire, rows), trust.framework,
                                       min_cell=1), trust)
    values = report.dimension("values")
    assert (values.target, values.gap, values.priority, values.rank) == (None, None, None, None)
    assert report.colour("red").target is None  # one of its dimensions has none
    # vision and planning tie on priority (3 - 2 = 1 each) and gap: framework order decides
    assert [(p.id, p.rank) for p in report.ranked()] == [("vision", 1), ("planning", 2)]


def test_questionnaire_weight_zero_leaves_only_the_evidence(tiny: Path) -> None:
    trust = load_trust(tiny)
    workshop = Evidence("workshop", "analysis_workshop", None, "", "", "", {"vision": 3.5}, 1.0)
    trust = replace(trust, evidence=(workshop,),
                    triangulation=replace(trust.triangulation, questionnaire_weight=0.0))
    rows = [("staff", "health", {"v1": 1, "v2": 4})] * 3
    vision = current_positions(analyse(responses(trust.questionnaire, rows), trust.framework,
                                       min_cell=1), trust).dimension("vision")
    assert (vision.current, vision.low, vision.high, vision.spread) == (3.5, None, None, None)


def test_sources_a_point_apart_agree_and_further_apart_do_not(tiny: Path) -> None:
    """The questionnaire says 2 (vision, everyone); a rating of exactly 3 is one point
    away, which agrees (at most 1 point); 3.25 does not."""
    trust = load_trust(tiny)
    rows = [("staff", "health", {"v1": 2, "v2": 3})] * 3
    analysis = analyse(responses(trust.questionnaire, rows), trust.framework, min_cell=1)
    for rating, agree in ((3.0, True), (3.25, False)):
        workshop = Evidence("w", "analysis_workshop", None, "", "", "", {"vision": rating}, 1.0)
        vision = current_positions(analysis, replace(trust, evidence=(workshop,))
                                   ).dimension("vision")
        assert vision.spread == pytest.approx(rating - 2) and vision.agree is agree


# -- population weights ------------------------------------------------------------------

def test_population_weights_where_a_group_lacks_a_stratum(model) -> None:
    """Sizes health 100, schools 300. Leaders: one in health (planning 1) and one with no
    workforce group (3, weight 1). Among leaders only health is present, so its share is
    all of the sized weight: w = 1 x 1 / 1 = 1, mean (1 + 3) / 2 = 2. Everyone: health 3
    people (w = 0.25 x 4 / 3 = 1/3), schools 1 (w = 0.75 x 4 / 1 = 3), not stated 1."""
    framework, questionnaire = model
    rows = [("staff", "health", {"p1": 2, "p2": 2}), ("staff", "health", {"p1": 4, "p2": 4}),
            ("staff", "schools", {"p1": 3, "p2": 3}), ("leaders", "health", {"p1": 1, "p2": 1}),
            ("leaders", None, {"p1": 3, "p2": 3})]
    population = Population("workforce_group", {"health": 100.0, "schools": 300.0})
    result = analyse(responses(questionnaire, rows), framework, by=["audience"],
                     weights="population", population=population, min_cell=1)
    leaders = next(g for g in result.groups if g.by == {"audience": "leaders"})
    assert leaders.dimension("planning").mean == pytest.approx(2.0)
    w = {"health": 1 / 3, "schools": 3.0, None: 1.0}
    scores = [(2, "health"), (4, "health"), (3, "schools"), (1, "health"), (3, None)]
    mean = sum(w[g] * x for x, g in scores) / sum(w[g] for _, g in scores)
    everyone = result.overall.dimension("planning")
    assert everyone.mean == pytest.approx(mean)
    assert everyone.n == 5
    n_eff = sum(w[g] for _, g in scores) ** 2 / sum(w[g] ** 2 for _, g in scores)
    assert everyone.n_eff == pytest.approx(n_eff)


def test_one_respondent_has_an_effective_size_of_one_and_no_spread(model) -> None:
    framework, questionnaire = model
    rows = [("staff", "health", {"p1": 2, "p2": 3})]
    planning = analyse(responses(questionnaire, rows), framework, min_cell=1
                       ).overall.dimension("planning")
    assert (planning.n, planning.n_eff, planning.mean) == (1, 1.0, 2.5)
    assert (planning.sd, planning.se, planning.ci_low, planning.ci_high) == (None,) * 4


def test_a_small_spread_is_not_rounded_up(model) -> None:
    """Scores 2, 2.5 and 3: mean 2.5, sd 0.5, se 0.5 / sqrt(3)."""
    framework, questionnaire = model
    rows = [("staff", "health", {"p1": a, "p2": b}) for a, b in ((2, 2), (2, 3), (3, 3))]
    planning = analyse(responses(questionnaire, rows), framework, min_cell=1
                       ).overall.dimension("planning")
    assert planning.sd == pytest.approx(0.5) and planning.se == pytest.approx(0.5 / math.sqrt(3))


# -- reliability --------------------------------------------------------------------------

def test_alpha_of_two_and_of_three_items_by_hand() -> None:
    # two respondents, items (1, 2) and (3, 4): item variances 2 and 2, totals 3 and 7
    # (variance 8): alpha = 2 (1 - 4 / 8) = 1
    assert cronbach_alpha_weighted(np.array([1, 1]), np.array([[1, 2], [3, 4]])) == (
        pytest.approx(1.0), 2)
    # the same respondent counted twice by frequency
    alpha, count = cronbach_alpha_weighted(np.array([2, 1]), np.array([[1, 2], [3, 3]]))
    # rows (1, 2), (1, 2), (3, 3): item variances 4/3 and 1/3, totals 3, 3, 6 (variance 3)
    assert count == 3 and alpha == pytest.approx(2 * (1 - (4 / 3 + 1 / 3) / 3))
    # three items, three respondents: (1, 2, 2), (2, 2, 3), (3, 3, 3); item variances 1,
    # 1/3, 1/3; totals 5, 7, 9 (variance 4): alpha = 3/2 (1 - 5/3 / 4) = 0.875
    values = np.array([[1, 2, 2], [2, 2, 3], [3, 3, 3]])
    assert cronbach_alpha_weighted(np.ones(3, dtype=int), values)[0] == pytest.approx(0.875)
    assert cronbach_alpha(values.astype(float)) == pytest.approx(0.875)
    # small total variance: items (1, 1) and (1, 2): item variances 0 and 0.5, totals 2 and
    # 3 (variance 0.5): alpha = 2 (1 - 0.5 / 0.5) = 0
    assert cronbach_alpha(np.array([[1.0, 1.0], [1.0, 2.0]])) == pytest.approx(0.0)
    assert cronbach_alpha_weighted(np.ones(2, dtype=int), np.array([[1, 1], [1, 2]]))[0] == \
        pytest.approx(0.0)
    # one respondent, or one item: no alpha
    assert math.isnan(cronbach_alpha_weighted(np.array([1]), np.array([[1, 2]]))[0])
    assert math.isnan(cronbach_alpha_weighted(np.array([3]), np.array([[1], [2], [3]]))[0])


def test_an_undefined_alpha_is_published_as_none(model) -> None:
    """Everyone answered planning alike: the total has no variance, alpha is undefined."""
    framework, questionnaire = model
    rows = [("staff", "health", {"p1": 2, "p2": 3})] * 4
    result = analyse(responses(questionnaire, rows), framework, min_cell=1)
    rel = next(r for r in result.reliability if r.dimension == "planning")
    assert (rel.n, rel.alpha, rel.flagged) == (4, None, False)


# -- groups and respondent scores ---------------------------------------------------------

def test_groups_follow_the_framework_then_sorted_fields_then_not_stated(tmp_path: Path) -> None:
    """A framework listing schools before health (not alphabetical); a breakdown field's
    groups sort by their text."""
    log = ProblemLog()
    text = TINY_FRAMEWORK.replace("  - {id: health, name: Health}\n  - {id: schools, name: "
                                  "Schools}\n", "  - {id: schools, name: Schools}\n  - {id: "
                                  "health, name: Health}\n")
    framework = read_framework(write(tmp_path / "f.yaml", text), log)
    questionnaire = read_questionnaire(write(tmp_path / "q.yaml", TINY_QUESTIONNAIRE), log,
                                       framework)
    assert framework and questionnaire and not log.errors, log.problems
    rows = [("staff", "health", {"p1": 2}), ("staff", None, {"p1": 3}),
            ("staff", "schools", {"p1": 4}), ("leaders", "health", {"p1": 1})]
    rs = responses(questionnaire, rows)
    rs.respondents["locality"] = ["Witney", "Banbury", None, "Banbury"]
    by_group = analyse(rs, framework, by=["workforce_group"], min_cell=1)
    assert [g.by for g in by_group.groups] == [{}, {"workforce_group": "schools"},
                                               {"workforce_group": "health"},
                                               {"workforce_group": None}]
    assert [g.dimension("planning").mean for g in by_group.groups] == [2.5, 4.0, 1.5, 3.0]
    by_place = analyse(rs, framework, by=["locality", "audience"], min_cell=1)
    assert [g.by for g in by_place.groups] == [
        {}, {"locality": "Banbury", "audience": "staff"},
        {"locality": "Banbury", "audience": "leaders"},
        {"locality": "Witney", "audience": "staff"},
        {"locality": None, "audience": "staff"}]
    assert [g.respondents for g in by_place.groups] == [4, 1, 1, 1, 1]


def test_respondent_scores_keep_the_respondents_index(model) -> None:
    framework, questionnaire = model
    rows = [("staff", "health", {"v1": 4, "v2": 1, "p1": 2}),
            ("leaders", "schools", {"s1": 2, "s2": 4})]
    dims, colours = respondent_scores(responses(questionnaire, rows, index=[10, 20]), framework)
    assert list(dims.index) == [10, 20] and list(colours.index) == [10, 20]
    # v2 reversed: 1 -> 4, so vision (4 + 4) / 2; values (2 + 4) / 2 for the leader
    assert dims.loc[10, "vision"] == 4.0 and math.isnan(dims.loc[20, "vision"])
    assert dims.loc[20, "values"] == 3.0 and dims.loc[10, "planning"] == 2.0
    assert colours.loc[10, "red"] == 4.0 and colours.loc[20, "red"] == 3.0
    assert colours.loc[10, "blue"] == 2.0 and math.isnan(colours.loc[20, "blue"])
