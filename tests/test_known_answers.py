"""More known answers, worked out by hand in each test, for the figures a board acts on:
the full gaps record (current position, band, agreement, gap, priority, rank, for
dimensions and colours), population weights where a group lacks a stratum, reliability
at its edges, and the order and keys of groups. Written where mutation testing found a
change to the code that no test noticed."""

from __future__ import annotations

import math
import warnings
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
    for four of them. A workshop rates vision 3.5 with weight 2 (no participant count, so
    it stands for 1 x 2 people). Targets: vision 3, values 3.5, planning 3. Scale 1-4.

    vision: nobody differs, so the spread of views s is a quarter of the range, 0.75. The
    questionnaire's variance s^2 / 6 = 0.09375, the workshop's s^2 / 2 = 0.28125: current
    (6 x 2 + 2 x 3.5) / 8 = 2.375, shown 2.38; shares 0.75 and 0.25. se sqrt(1 / (1 /
    0.09375 + 1 / 0.28125)) = 0.2652; the sources disagree (Q = 1.5 + 4.5 = 6, Birge
    ratio sqrt(6)), so se 0.6495 and the band 2.375 -/+ t(0.975, 5) x 0.6495 = 0.71 to
    4.04, clipped to 1-4. Spread 1.5 > 1: they disagree. Gap 3 - 2.38 = 0.62, priority
    3 - 4 = -1; level Fair, moving towards High.
    values: 3, se sqrt(0.09375), band 3 -/+ 2.5706 x 0.3062 = 2.21 to 3.79; gap 0.5,
    priority -0.29; level High.
    planning: mean 1.75, sd 1.5, se 0.75, band 1.75 -/+ 3.1824 x 0.75 clipped to 1-4; gap
    1.25, priority -1; level Low, moving towards Fair.
    Ranks: values (-0.29) 1, then planning and vision tie on priority and planning's gap
    is larger: planning 2, vision 3. Colours: red the mean of vision and values as shown
    (2.69, band 1.6 to 3.9 from 1.605 and 3.895, target 3.25: priority -0.65), blue
    planning's: red 1, blue 2."""
    trust = load_trust(tiny)
    workshop = Evidence("workshop", "analysis_workshop", None, "", "", "", {"vision": 3.5}, 2.0)
    trust = replace(trust, evidence=(workshop,))
    rows = [("staff", "health", {"v1": 2, "v2": 3, "s1": 3, **planning}) for planning in (
        {"p1": 1, "p2": 1}, {"p1": 1, "p2": 1}, {"p1": 1, "p2": 1}, {"p1": 4, "p2": 4}, {}, {})]
    analysis = analyse(responses(trust.questionnaire, rows), trust.framework, min_cell=1)
    record = current_positions(analysis, trust).to_dict()
    assert (record["schema_version"], record["trust"]) == ("1", "tinytown")
    assert record["method"]["priority"].startswith("target - upper end of the band")
    assert record["priorities_without_action"] == [
        {"rank": 1, "id": "values", "name": "Values", "gap": 0.5},
        {"rank": 2, "id": "planning", "name": "Planning", "gap": 1.25},
        {"rank": 3, "id": "vision", "name": "Vision", "gap": 0.62}]

    def position(scope, ident, name, colour, q, sources, current, low, high, spread, agree,
                 target, rank, level):
        n, mean, sd, ci_low, ci_high = q
        return {"scope": scope, "id": ident, "name": name, "colour": colour,
                "questionnaire": {"n": n, "n_eff": float(n), "mean": mean, "sd": sd,
                                  "se": sd / math.sqrt(n), "ci_low": ci_low,
                                  "ci_high": ci_high, "suppressed": None},
                "sources": sources, "current": current, "low": low, "high": high,
                "level": level, "spread": spread, "agree": agree, "target": target,
                "gap": round(target - current, 2), "gap_low": round(target - high, 2),
                "gap_high": round(target - low, 2), "priority": round(target - high, 2),
                "rank": rank, "actions": []}

    t5 = 2.5705818356363146  # Student t, 97.5th percentile, 5 degrees of freedom (tables)
    planning_high = min(4.0, 1.75 + T_975_3 * 0.75)
    planning_low = max(1.0, 1.75 - T_975_3 * 0.75)
    assert (planning_low, planning_high) == (1.0, 4.0)
    values_se = math.sqrt(0.75 ** 2 / 6)
    values_band = (round(3 - t5 * values_se, 2), round(3 + t5 * values_se, 2))
    assert values_band == (2.21, 3.79)
    vision_se = math.sqrt(1 / (6 / 0.75 ** 2 + 2 / 0.75 ** 2)) * math.sqrt(6.0)
    assert 2.375 - t5 * vision_se < 1 and 2.375 + t5 * vision_se > 4  # clipped both ends
    vision_sources = [
        {"id": "questionnaire", "kind": "questionnaire", "value": 2.0, "weight": 1.0,
         "effective_size": 6.0, "share": 0.75},
        {"id": "workshop", "kind": "analysis_workshop", "value": 3.5, "weight": 2.0,
         "effective_size": 2.0, "share": 0.25}]
    values_sources = [{"id": "questionnaire", "kind": "questionnaire", "value": 3.0,
                       "weight": 1.0, "effective_size": 6.0, "share": 1.0}]
    planning_sources = [{"id": "questionnaire", "kind": "questionnaire", "value": 1.75,
                         "weight": 1.0, "effective_size": 4.0, "share": 1.0}]
    expected = {
        "dimensions": [
            position("dimension", "vision", "Vision", "red", (6, 2.0, 0.0, 2.0, 2.0),
                     vision_sources, 2.38, 1.0, 4.0, 1.5, False, 3.0, 3,
                     "Fair, moving towards High"),
            position("dimension", "values", "Values", "red", (6, 3.0, 0.0, 3.0, 3.0),
                     values_sources, 3.0, *values_band, None, None, 3.5, 1, "High"),
            position("dimension", "planning", "Planning", "blue",
                     (4, 1.75, 1.5, planning_low, planning_high),
                     planning_sources, 1.75, planning_low, planning_high, None, None, 3.0, 2,
                     "Low, moving towards Fair"),
        ],
        "colours": [
            position("colour", "red", "Red", "red", (6, 2.5, 0.0, 2.5, 2.5), [], 2.69, 1.6,
                     3.9, None, None, 3.25, 1, "Fair, moving towards High"),
            position("colour", "blue", "Blue", "blue",
                     (4, 1.75, 1.5, planning_low, planning_high), [], 1.75,
                     planning_low, planning_high, None, None, 3.0, 2,
                     "Low, moving towards Fair"),
        ],
    }
    for scope in ("dimensions", "colours"):
        for got, want in zip(record[scope], expected[scope], strict=True):
            assert got.keys() == want.keys()
            for key, value in want.items():
                if isinstance(value, list):
                    assert len(got[key]) == len(value), (got["id"], key)
                    for got_source, source in zip(got[key], value, strict=True):
                        assert got_source == pytest.approx(source, abs=1e-9), (got["id"], key)
                elif isinstance(value, (float, dict)):
                    assert got[key] == pytest.approx(value, abs=1e-9), (got["id"], key)
                else:
                    assert got[key] == value, (got["id"], key)


def test_a_dimension_rated_by_one_workshop_has_a_band_as_wide_as_one_view(tiny: Path) -> None:
    """Vision is rated by the workshop only (nobody answered its items): 2.5 from one
    person, whose view may be any of a spread of a quarter of the scale's range (0.75):
    band 2.5 -/+ 1.96 x 0.75 = 1.03 to 3.97. Values: three staff at 3, s 0.75 again, band
    3 -/+ t(0.975, 2) x 0.75 / sqrt(3) = 1.14 to 4.86, clipped to 4. Red is their mean as
    shown: 2.75, band 1.085 and 3.985 rounded."""
    trust = load_trust(tiny)
    workshop = Evidence("workshop", "analysis_workshop", None, "", "", "", {"vision": 2.5}, 1.0)
    trust = replace(trust, evidence=(workshop,))
    rows = [("staff", "health", {"s1": 3})] * 3
    analysis = analyse(responses(trust.questionnaire, rows), trust.framework, min_cell=1)
    report = current_positions(analysis, trust)
    vision, values, red = report.dimension("vision"), report.dimension("values"), \
        report.colour("red")
    z, t2 = 1.959963984540054, 4.302652729911275  # normal and t(2) 97.5th percentiles
    assert (vision.current, vision.low, vision.high) == (
        2.5, round(2.5 - z * 0.75, 2), round(2.5 + z * 0.75, 2)) == (2.5, 1.03, 3.97)
    assert (values.low, values.high) == (round(3 - t2 * 0.75 / math.sqrt(3), 2), 4.0)
    assert red.current == pytest.approx((2.5 + 3.0) / 2)
    assert (red.low, red.high) == (round((1.03 + 1.14) / 2, 2), round((3.97 + 4.0) / 2, 2))
    assert red.priority == pytest.approx(red.target - red.high)
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
    # the workshop alone: 3.5 -/+ 1.96 x 0.75 (a quarter of the range), clipped at 4
    assert (vision.current, vision.low, vision.high, vision.spread) == (3.5, 2.03, 4.0, None)
    assert [s.id for s in vision.sources] == ["workshop"]


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
    with warnings.catch_warnings():  # n - 1 = 0 divides nothing a user would see warned
        warnings.simplefilter("error")
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


# -- perception gaps ----------------------------------------------------------------------

def _welch(a: list[float], b: list[float]) -> tuple[float, float, float, bool]:
    """Difference, 95% interval and flag, by the documented method, from scipy's t."""
    from scipy import stats

    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((x - ma) ** 2 for x in a) / (len(a) - 1)
    vb = sum((x - mb) ** 2 for x in b) / (len(b) - 1)
    se_a, se_b = math.sqrt(va / len(a)), math.sqrt(vb / len(b))
    se = math.hypot(se_a, se_b)
    df = se**4 / (se_a**4 / (len(a) - 1) + se_b**4 / (len(b) - 1))
    half = stats.t.ppf(0.975, df) * se
    low_a, high_a = ma - stats.t.ppf(0.975, len(a) - 1) * se_a, ma + stats.t.ppf(
        0.975, len(a) - 1) * se_a
    low_b, high_b = mb - stats.t.ppf(0.975, len(b) - 1) * se_b, mb + stats.t.ppf(
        0.975, len(b) - 1) * se_b
    low_a, high_a, low_b, high_b = (max(1, low_a), min(4, high_a), max(1, low_b), min(4, high_b))
    return ma - mb, (ma - mb) - half, (ma - mb) + half, bool(low_a > high_b or low_b > high_a)


def test_perception_gaps_by_hand_for_colours_and_dimensions(model) -> None:
    """Staff score planning 1, 2, 2, 3 and leaders 3, 4, 4 (both vary, so both standard
    errors count in Welch's degrees of freedom); young people answer nothing. Blue is
    planning alone, so its gap is planning's."""
    framework, questionnaire = model
    staff, leaders = [1.0, 2.0, 2.0, 3.0], [3.0, 4.0, 4.0]
    rows = [("staff", "health", {"p1": int(x), "p2": int(x)}) for x in staff]
    rows += [("leaders", "health", {"p1": int(x), "p2": int(x)}) for x in leaders]
    gaps = analyse(responses(questionnaire, rows), framework, min_cell=1).perception_gaps
    difference, low, high, flagged = _welch(staff, leaders)
    assert [(g.scope, g.id, g.audience_a, g.audience_b) for g in gaps] == [
        ("colour", "red", "staff", "leaders"), ("colour", "blue", "staff", "leaders"),
        ("dimension", "vision", "staff", "leaders"), ("dimension", "values", "staff", "leaders"),
        ("dimension", "planning", "staff", "leaders")]
    for gap in (gaps[1], gaps[4]):
        assert (gap.mean_a, gap.mean_b) == (pytest.approx(2.0), pytest.approx(11 / 3))
        assert (gap.difference, gap.ci_low, gap.ci_high) == (
            pytest.approx(difference), pytest.approx(low), pytest.approx(high))
        assert gap.flagged is flagged and gap.suppressed is None
    # nobody scored on red or vision or values: no gap to work out, and none withheld
    for gap in (gaps[0], gaps[2], gaps[3]):
        assert (gap.mean_a, gap.mean_b, gap.difference, gap.ci_low, gap.flagged,
                gap.suppressed) == (None, None, None, None, False, None)


@pytest.mark.parametrize(("staff", "leaders", "flagged"), [
    ([2.0] * 3, [2.0] * 3, False),   # intervals 2-2 and 2-2 touch: not apart
    ([2.0] * 3, [3.0] * 3, True),    # 2-2 and 3-3: apart, with no spread at all
])
def test_audiences_without_spread(model, staff: list[float], leaders: list[float],
                                  flagged: bool) -> None:
    framework, questionnaire = model
    rows = [("staff", "health", {"p1": int(x), "p2": int(x)}) for x in staff]
    rows += [("leaders", "health", {"p1": int(x), "p2": int(x)}) for x in leaders]
    gaps = analyse(responses(questionnaire, rows), framework, min_cell=1).perception_gaps
    planning = next(g for g in gaps if g.id == "planning")
    assert planning.difference == pytest.approx(staff[0] - leaders[0])
    assert (planning.ci_low, planning.ci_high) == (pytest.approx(planning.difference),) * 2
    assert planning.flagged is flagged


def test_a_gap_with_a_lone_respondent_is_not_worked_out(model) -> None:
    framework, questionnaire = model
    rows = [("staff", "health", {"p1": 2, "p2": 2}), ("staff", "health", {"p1": 3, "p2": 3}),
            ("leaders", "health", {"p1": 4, "p2": 4})]
    gaps = analyse(responses(questionnaire, rows), framework, min_cell=1).perception_gaps
    planning = next(g for g in gaps if g.id == "planning")
    assert (planning.mean_a, planning.mean_b) == (2.5, 4.0)
    assert (planning.difference, planning.ci_low, planning.ci_high, planning.flagged,
            planning.suppressed) == (None, None, None, False, None)
    # withheld means give their reason
    hidden = analyse(responses(questionnaire, rows), framework, min_cell=2).perception_gaps
    planning = next(g for g in hidden if g.id == "planning")
    assert (planning.difference, planning.flagged, planning.suppressed) == (
        None, False, "withheld")


# -- reliability, more --------------------------------------------------------------------

ROUTED = """\
schema: owcf-questionnaire/1
id: routed-q
name: Routed questionnaire
framework: tiny
answer_scale:
  - {value: 1, label: No}
  - {value: 2, label: Rarely}
  - {value: 3, label: Often}
  - {value: 4, label: Yes}
items:
  - {id: v1, dimension: vision, text: One}
  - {id: s1, dimension: values, text: Two}
  - {id: s2, dimension: values, text: Three}
  - {id: p1, dimension: planning, text: Four}
  - {id: p2, dimension: planning, text: Five}
  - {id: p3, dimension: planning, text: Six}
"""


def test_reliability_of_each_dimension_with_two_or_more_items(tmp_path: Path) -> None:
    """Vision has one item (no alpha), values two, planning three. Planning's answers
    (1, 2, 2), (2, 2, 3), (3, 3, 3): alpha 0.875 (see above); without p1: items (2, 2, 3)
    and (2, 3, 3), variances 1/3 each, totals 4, 5, 6 (variance 1): 2 (1 - 2/3) = 2/3;
    without p2: (1, 2, 3) and (2, 3, 3): variances 1 and 1/3, totals 3, 5, 6 (variance
    7/3): 2 (1 - (4/3) / (7/3)) = 6/7; without p3: (1, 2, 3), (2, 2, 3): 1 and 1/3, totals
    3, 4, 6 (7/3): 6/7."""
    log = ProblemLog()
    framework = read_framework(write(tmp_path / "f.yaml", TINY_FRAMEWORK), log)
    questionnaire = read_questionnaire(write(tmp_path / "q.yaml", ROUTED), log, framework)
    assert framework and questionnaire
    planning = [(1, 2, 2), (2, 2, 3), (3, 3, 3)]
    rows = [("staff", None, {"v1": 2, "s1": a, "s2": a, "p1": x, "p2": y, "p3": z})
            for a, (x, y, z) in zip((1, 2, 4), planning, strict=True)]
    result = analyse(responses(questionnaire, rows), framework, min_cell=1)
    assert [r.dimension for r in result.reliability] == ["values", "planning"]
    values, plan = result.reliability
    assert (values.items, values.n, values.alpha) == (("s1", "s2"), 3, pytest.approx(1.0))
    assert values.alpha_if_deleted == {"s1": None, "s2": None} and not values.flagged
    assert (plan.items, plan.n, plan.alpha, plan.flagged) == (
        ("p1", "p2", "p3"), 3, pytest.approx(0.875), False)
    assert plan.alpha_if_deleted == pytest.approx({"p1": 2 / 3, "p2": 6 / 7, "p3": 6 / 7})
    # two complete respondents: too few for an alpha, withheld with the reason
    two = analyse(responses(questionnaire, rows[:2]), framework, min_cell=1)
    plan = two.reliability[1]
    assert (plan.n, plan.alpha, plan.flagged, plan.suppressed) == (
        None, None, False, {"alpha": "fewer-than-min-cell"})
    assert plan.alpha_if_deleted == {"p1": None, "p2": None, "p3": None}
    # nobody answered every item: nothing to withhold
    partial = analyse(responses(questionnaire, [("staff", None, {"p1": 2, "p2": 3})]),
                      framework, min_cell=1)
    plan = partial.reliability[1]
    assert (plan.n, plan.alpha, plan.flagged, plan.suppressed) == (0, None, False, {})


def test_population_weights_need_sizes(model) -> None:
    from owcf.errors import OwcfError

    framework, questionnaire = model
    rows = [("staff", "health", {"p1": 2})]
    with pytest.raises(OwcfError) as caught:
        analyse(responses(questionnaire, rows), framework, weights="population")
    (problem,) = caught.value.problems
    assert problem.code == "missing-field"
    assert problem.message.startswith("--weights population needs population sizes")


def test_withheld_figures_carry_every_reason(model) -> None:
    """Three staff and one leader, threshold 2: the leaders' planning figures are all
    withheld, with a reason for each field and count (some
    counts are withheld a second time over, so the others cannot be worked out)."""
    framework, questionnaire = model
    rows = [("staff", "health", {"p1": x, "p2": x}) for x in (1, 2, 3)]
    rows += [("leaders", "health", {"p1": 4, "p2": 4})]
    result = analyse(responses(questionnaire, rows), framework, by=["audience"], min_cell=2)
    leaders = next(g for g in result.groups if g.by == {"audience": "leaders"})
    planning = leaders.dimension("planning")
    assert planning.name == "Planning" and planning.n is None and planning.mean is None
    for field in ("n", "mean", "sd", "ci_low", "ci_high"):
        assert planning.suppressed[field] == "withheld"
    assert planning.suppressed["counts.4"] == "withheld"
    # ("fewer than 2" would say it is 1: a threshold of 2 cannot be said, only withheld)
    assert leaders.suppressed == {"respondents": "withheld"}
    assert planning.counts["4"] is None
