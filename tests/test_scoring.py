"""Scoring against hand-computed figures, and invariants that must hold for any data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from owcf.errors import ProblemLog
from owcf.ingest.responses import ResponseSet
from owcf.model.framework import read_framework
from owcf.model.questionnaire import read_questionnaire
from owcf.model.workspaces import load_trust
from owcf.stats.analysis import analyse, respondent_scores

from .conftest import TINY_FRAMEWORK, TINY_QUESTIONNAIRE, rounded, write
from .ingest_helpers import read_responses

# t(0.975, df) from statistical tables, so the test does not reuse the code's scipy call
T975 = {1: 12.706204736, 2: 4.302652730}


def _load(root: Path):
    trust = load_trust(root)
    log = ProblemLog()
    responses = read_responses(trust.responses[0], trust.questionnaire, trust.framework, log)
    assert responses is not None, log.problems
    return trust, responses


def test_respondent_scores_match_hand_computation(tiny: Path) -> None:
    trust, responses = _load(tiny)
    dims, colours = respondent_scores(responses, trust.framework)
    nan = math.nan
    # r1: v2=1 reversed to 4; s2 is leaders-only so values = s1 alone
    # r2: s1 is DK -> no values score; planning has 1 of 2 answered (needs ceil(0.5*2)=1)
    # r4: young people are not asked planning at all
    expected_dims = [[4, 3, 2], [3, nan, 3], [4, 4, 3.5], [2, 1, nan], [nan, nan, 1]]
    expected_colours = [[3.5, 2], [3, 3], [4, 3.5], [1.5, nan], [nan, 1]]
    np.testing.assert_allclose(dims[["vision", "values", "planning"]].to_numpy(), expected_dims)
    np.testing.assert_allclose(colours[["red", "blue"]].to_numpy(), expected_colours)


def test_summary_figures_and_interval(tiny: Path) -> None:
    trust, responses = _load(tiny)
    result = analyse(responses, trust.framework, min_cell=1)
    vision = result.overall.dimension("vision")
    scores = [4, 3, 4, 2]
    mean = sum(scores) / 4
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / 3)
    assert vision.n == 4
    assert vision.mean == pytest.approx(mean, abs=1e-12)
    assert vision.sd == pytest.approx(sd, abs=1e-12)
    half = 3.182446305284263 * sd / 2  # t(0.975, 3) * sd / sqrt(4)
    assert vision.ci_low == pytest.approx(max(1, mean - half), abs=1e-9)
    assert vision.ci_high == pytest.approx(min(4, mean + half), abs=1e-9)
    # answer counts are item answers; blank counts only items the respondent was asked
    # v1: 4,3,4,2,blank  v2: 1,2,1,blank,blank
    assert vision.counts == {"1": 2, "2": 2, "3": 1, "4": 2, "DK": 0, "NA": 0, "blank": 3}
    values = result.overall.dimension("values")
    # s1: 3, DK, 4, 1, blank (all asked); s2: only r3 (leader) is asked -> 4
    assert values.counts == {"1": 1, "2": 0, "3": 1, "4": 2, "DK": 1, "NA": 0, "blank": 1}
    planning = result.overall.dimension("planning")
    assert planning.n == 4 and planning.mean == pytest.approx((2 + 3 + 3.5 + 1) / 4)
    assert planning.counts["NA"] == 1
    red = result.overall.colour("red")
    assert red.n == 4 and red.mean == pytest.approx((3.5 + 3 + 4 + 1.5) / 4)
    assert red.counts["blank"] == vision.counts["blank"] + values.counts["blank"]


def test_two_respondents_interval_uses_t_with_one_df(tiny: Path) -> None:
    trust, responses = _load(tiny)
    result = analyse(responses, trust.framework, by=["audience"], min_cell=1)
    staff = next(g for g in result.groups if g.by == {"audience": "staff"})
    vision = staff.dimension("vision")  # r1 4, r2 3 (r5 has no vision answers)
    sd = math.sqrt(0.5)
    assert vision.n == 2
    assert vision.ci_low == pytest.approx(max(1, 3.5 - T975[1] * sd / math.sqrt(2)))
    assert vision.ci_high == pytest.approx(min(4, 3.5 + T975[1] * sd / math.sqrt(2)))
    leaders = next(g for g in result.groups if g.by == {"audience": "leaders"})
    single = leaders.dimension("vision")
    assert single.n == 1 and single.mean == 4 and single.sd is None and single.ci_low is None


def test_groups_come_in_framework_order_with_not_stated_last(tiny: Path) -> None:
    trust, responses = _load(tiny)
    result = analyse(responses, trust.framework, by=["workforce_group"], min_cell=1)
    assert [g.by for g in result.groups] == [
        {}, {"workforce_group": "health"}, {"workforce_group": "schools"},
        {"workforce_group": None}]
    assert [g.respondents for g in result.groups] == [5, 3, 1, 1]


def test_crossed_breakdown(tiny: Path) -> None:
    trust, responses = _load(tiny)
    result = analyse(responses, trust.framework, by=["audience", "workforce_group"], min_cell=1)
    keys = [(g.by.get("audience"), g.by.get("workforce_group")) for g in result.groups[1:]]
    assert keys == [("staff", "health"), ("staff", "schools"), ("leaders", "health"),
                    ("young_people", None)]


def test_small_groups_are_withheld(tiny: Path) -> None:
    trust, responses = _load(tiny)
    result = analyse(responses, trust.framework, by=["audience"], min_cell=3)
    leaders = next(g for g in result.groups if g.by == {"audience": "leaders"})
    vision = leaders.dimension("vision")
    assert leaders.respondents is None
    assert (vision.n, vision.mean, vision.ci_low) == (None, None, None)
    assert vision.suppressed["mean"] == "withheld"
    # counts of 1 or 2 are withheld; true zeros stay zero
    assert vision.counts["4"] is None and vision.counts["DK"] == 0
    # the pattern crosses audience with workforce group: four groups of 1, each with an
    # n of 1, withheld. The groups say they are fewer than 3 (1 or 2 each), their n only
    # "withheld" (each 0 to its group's size), so everyone's n of 4 pins none of them:
    # it is published, and its counts of 3 and 4 are withheld
    overall = result.overall.dimension("vision")
    assert overall.n == 4 and "n" not in overall.suppressed
    assert overall.counts["3"] is None and overall.counts["4"] is None


def test_answer_scale_maps_onto_a_different_framework_scale(make) -> None:
    """A 1-5 agreement scale on a 1-4 framework: position = 1 + (answer - 1) * 3 / 4."""
    fw_path = make("f.yaml", TINY_FRAMEWORK)
    q_text = TINY_QUESTIONNAIRE.replace(
        "  - {value: 4, label: Strongly agree}",
        "  - {value: 4, label: Agree a lot}\n  - {value: 5, label: Strongly agree}")
    q_path = make("q.yaml", q_text)
    log = ProblemLog()
    framework = read_framework(fw_path, log)
    questionnaire = read_questionnaire(q_path, log, framework)
    csv = make("r.csv", "respondent_id,audience,v1,v2\na,staff,5,\nb,staff,2,5\n")
    responses = read_responses(csv, questionnaire, framework, log)
    assert not log.errors, log.problems
    dims, _ = respondent_scores(responses, framework)
    # a: 5 -> 4.0; b: 2 -> 1.75 and reversed 5 -> 1 -> 1.0; mean 1.375
    assert dims["vision"].tolist() == pytest.approx([4.0, 1.375])


def test_labels_and_codes_are_read_case_insensitively(tiny: Path) -> None:
    trust, _ = _load(tiny)
    csv = write(tiny / "labels.csv", "respondent_id,audience,v1,v2\n"
                "a,Staff, strongly AGREE ,don't know\nb,STAFF,1,na\n")
    log = ProblemLog()
    responses = read_responses(csv, trust.questionnaire, trust.framework, log)
    assert not log.errors, log.problems
    assert responses.answers["v1"].tolist() == [4, 1]
    assert responses.answers["v2"].tolist() == [5, 6]  # DK then NA category indexes


def test_bundled_example_leaders_rate_higher_than_frontline_staff() -> None:
    trust = load_trust("oxfordshire")
    log = ProblemLog()
    responses = read_responses(trust.responses[0], trust.questionnaire, trust.framework, log,
                               fields=trust.breakdowns)
    result = analyse(responses, trust.framework, by=["audience"])
    by = {g.by["audience"]: g for g in result.groups[1:]}
    assert by["workforce"].respondents + by["leaders_managers"].respondents >= 300
    assert by["children_young_people"].respondents >= 100
    for colour in trust.framework.colours:
        assert by["leaders_managers"].colour(colour.id).mean > by["workforce"].colour(colour.id).mean
    # (the data hold every kind of non-answer; what is published of them, disclosure decides)
    total = analyse(responses, trust.framework, min_cell=1).overall.dimension("shared_vision").counts
    assert total["DK"] > 0 and total["NA"] > 0 and total["blank"] > 0


# -- properties ------------------------------------------------------------------------

ANSWERS = st.sampled_from(["1", "2", "3", "4", "DK", "NA", ""])
ROW = st.tuples(st.sampled_from(["staff", "leaders", "young_people"]),
                st.sampled_from(["health", "schools", ""]), st.lists(ANSWERS, min_size=6, max_size=6))


def _frame_responses(tiny: Path, rows: list) -> tuple[object, ResponseSet]:
    trust = load_trust(tiny)
    items = [i.id for i in trust.questionnaire.items]
    lines = ["respondent_id,audience,workforce_group," + ",".join(items)]
    for n, (audience, group, answers) in enumerate(rows):
        cells = [a if trust.questionnaire.items[j].asked_of(audience) else ""
                 for j, a in enumerate(answers)]
        lines.append(f"id{n},{audience},{group}," + ",".join(cells))
    path = write(tiny / "prop.csv", "\n".join(lines) + "\n")
    log = ProblemLog()
    responses = read_responses(path, trust.questionnaire, trust.framework, log)
    assert responses is not None, log.problems
    return trust, responses


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=25), seed=st.integers(0, 2**16))
def test_reordering_respondents_changes_nothing(tiny: Path, rows: list, seed: int) -> None:
    trust, responses = _frame_responses(tiny, rows)
    order = np.random.default_rng(seed).permutation(len(responses))
    shuffled = ResponseSet(responses.respondents.iloc[order].reset_index(drop=True),
                           responses.answers.iloc[order].reset_index(drop=True),
                           responses.questionnaire, responses.source)
    a = analyse(responses, trust.framework, by=["audience"], min_cell=1).to_dict()
    b = analyse(shuffled, trust.framework, by=["audience"], min_cell=1).to_dict()
    assert rounded(a) == rounded(b)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=25), min_cell=st.integers(1, 6))
def test_means_stay_on_the_scale_and_small_cells_never_show(tiny: Path, rows: list,
                                                             min_cell: int) -> None:
    trust, responses = _frame_responses(tiny, rows)
    result = analyse(responses, trust.framework, by=["workforce_group"], min_cell=min_cell)
    for group in result.groups:
        # withheld, a true zero (every row rejected: no answers), or enough to publish
        assert group.respondents is None or group.respondents == 0 or group.respondents >= min_cell
        for est in (*group.dimensions, *group.colours):
            if est.mean is not None:
                assert 1 <= est.mean <= 4
            if est.ci_low is not None:
                assert 1 <= est.ci_low <= est.mean <= est.ci_high <= 4
            assert est.n is None or est.n == 0 or est.n >= min_cell
            assert all(c is None or c == 0 or c >= min_cell for c in est.counts.values())


def test_scores_frame_is_indexed_like_respondents(tiny: Path) -> None:
    trust, responses = _load(tiny)
    dims, colours = respondent_scores(responses, trust.framework)
    assert isinstance(dims, pd.DataFrame) and len(dims) == len(responses) == len(colours)
