"""The current position: sources weighed by the evidence behind them, a band that widens
when they disagree, levels never rounded up, gaps that are the printed figures'
differences, and the top priorities that have no action. Every expected figure here is
worked out by hand (the arithmetic is in the comments) or by a formula written out in
the test."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.model.framework import Level, Scale, read_framework
from owcf.model.plan import Action, Evidence
from owcf.model.workspaces import load_trust
from owcf.resources import default_framework_path
from owcf.stats.positions import current_positions, level_reached
from owcf.stats.results import Analysis, Estimate, GroupResult

from .conftest import ROUND_2009

runner = CliRunner()
# t(0.975, 99), from a printed table of Student's t (scipy.stats.t.ppf agrees)
T99 = 1.9842169515


def estimate(ident: str, colour: str, mean: float | None, sd: float = 1.0,
             n: int = 100) -> Estimate:
    """A questionnaire figure with a Student-t interval, as the analysis would publish it."""
    if mean is None:  # withheld
        return Estimate(ident, ident, None, None, None, None, None, {}, colour,
                        suppressed={"n": "fewer-than-min-cell", "mean": "fewer-than-min-cell"})
    se = sd / math.sqrt(n)
    return Estimate(ident, ident, n, mean, sd, mean - T99 * se, mean + T99 * se, {}, colour,
                    None, float(n), se)


def analysis(dims: dict[str, Estimate]) -> Analysis:
    """The overall group of an analysis of the tiny framework, with the given dimensions."""
    colours = (estimate("red", "red", 3.0), estimate("blue", "blue", 3.0))
    group = GroupResult({}, 100, 5, colours, tuple(dims.values()), ())
    return Analysis("tiny", "tiny-q", (1, 4), ("1", "2", "3", "4"), ("DK", "NA"), (), 100, (),
                    "respondents", 5, {}, (group,))


def tiny_positions(tiny: Path, planning: Estimate, evidence: tuple[Evidence, ...] = (),
                   vision: Estimate | None = None, values: Estimate | None = None,
                   actions: tuple[Action, ...] = ()):
    trust = load_trust(tiny)
    trust = replace(trust, evidence=evidence, actions=actions)
    dims = {"vision": vision or estimate("vision", "red", 2.5),
            "values": values or estimate("values", "red", 2.5), "planning": planning}
    return current_positions(analysis(dims), trust)


def workshop(rating: float, people: int | None, weight: float = 1.0) -> Evidence:
    return Evidence("workshop", "analysis_workshop", None, "", "", "", {"planning": rating},
                    weight, None, people)


def test_position_combines_sources_by_their_evidence(tiny: Path) -> None:
    # questionnaire 3.00, SD 1, n 100: se 0.1, variance 0.01, weight 100
    # workshop 2.0 agreed by 25: variance 1/25 = 0.04, weight 25
    # current = (100 x 3 + 25 x 2) / 125 = 2.80
    # Q = 100 x 0.2^2 + 25 x 0.8^2 = 20 on 1 df: se = sqrt(1/125) x sqrt(20) = 0.4
    # band = 2.8 -/+ 1.98422 x 0.4 = 2.0063 .. 3.5937
    report = tiny_positions(tiny, estimate("planning", "blue", 3.0), (workshop(2.0, 25),))
    p = report.dimension("planning")
    assert (p.current, p.low, p.high) == (2.80, 2.01, 3.59)
    assert [(s.id, s.effective_size, round(s.share, 3)) for s in p.sources] == [
        ("questionnaire", 100.0, 0.8), ("workshop", 25.0, 0.2)]
    assert (p.spread, p.agree) == (1.0, True)
    assert (p.target, p.gap, p.priority) == (3.0, 0.2, -0.59)  # 3 - 2.80; 3 - 3.59
    assert p.level == "Fair, moving towards High"


def test_band_widens_only_when_the_sources_disagree(tiny: Path) -> None:
    # workshop 3.1 instead: current = (300 + 77.5) / 125 = 3.02
    # Q = 100 x 0.02^2 + 25 x 0.08^2 = 0.2 < 1: no widening, se = sqrt(1/125) = 0.08944
    # band = 3.02 -/+ 1.98422 x 0.08944 = 2.8425 .. 3.1975
    p = tiny_positions(tiny, estimate("planning", "blue", 3.0),
                       (workshop(3.1, 25),)).dimension("planning")
    assert (p.current, p.low, p.high) == (3.02, 2.84, 3.20)


def test_a_small_workshop_counts_for_its_people_not_for_half(tiny: Path) -> None:
    # 581 respondents at 2.64 (SD 0.8) against 14 people at 2.0: the defect in the issue
    # gave each half the weight (2.32). Weights 581 / 0.64 and 14 / 0.64:
    # current = (581 x 2.64 + 14 x 2.0) / 595 = 2.6249...
    q = estimate("planning", "blue", 2.64, sd=0.8, n=581)
    p = tiny_positions(tiny, q, (workshop(2.0, 14),)).dimension("planning")
    assert p.current == 2.62
    assert [round(s.share, 4) for s in p.sources] == [round(581 / 595, 4), round(14 / 595, 4)]
    # they disagree far beyond their uncertainty, so the band is wider than the
    # questionnaire's own interval (2.64 -/+ 0.065) by the Birge ratio:
    # Q = (581 x 0.01507^2 + 14 x 0.62493^2) / 0.64 = 8.749, sqrt = 2.958
    # se = 0.8 / sqrt(595) x 2.958 = 0.09701; t(0.975, 580) = 1.96410; half-width 0.1905
    # band 2.6249 -/+ 0.1905 = 2.4344 .. 2.8155
    assert (p.low, p.high) == (2.43, 2.82)


def test_questionnaire_alone_gives_its_own_interval(tiny: Path) -> None:
    q = estimate("planning", "blue", 3.0)
    p = tiny_positions(tiny, q).dimension("planning")
    assert (p.current, p.low, p.high) == (3.0, round(q.ci_low, 2), round(q.ci_high, 2))
    assert (p.low, p.high) == (2.80, 3.20)  # 3 -/+ 1.98422 x 0.1
    assert p.spread is None and p.agree is None


def test_a_rating_without_a_count_is_one_persons_judgement(tiny: Path) -> None:
    # no questionnaire figure (withheld); spread of views = (4 - 1) / 4 = 0.75
    # 4 people: variance 0.5625 / 4, se 0.375, band 2 -/+ 1.95996 x 0.375 = 1.265 .. 2.735
    four = tiny_positions(tiny, estimate("planning", "blue", None),
                          (workshop(2.0, 4),)).dimension("planning")
    assert (four.current, four.low, four.high) == (2.0, 1.27, 2.73)
    # no count: one person, se 0.75, band 2 -/+ 1.47 = 0.53 .. 3.47, clipped to the scale
    one = tiny_positions(tiny, estimate("planning", "blue", None),
                         (workshop(2.0, None),)).dimension("planning")
    assert (one.current, one.low, one.high) == (2.0, 1.0, 3.47)
    assert one.sources[0].effective_size == 1.0


def test_gaps_are_the_differences_of_the_printed_figures(tiny: Path) -> None:
    # vision 2.344 prints as 2.34 and values 2.456 as 2.46; targets 3 and 3.5
    report = tiny_positions(tiny, estimate("planning", "blue", 3.0),
                            vision=estimate("vision", "red", 2.344),
                            values=estimate("values", "red", 2.456))
    vision, values, red = (report.dimension("vision"), report.dimension("values"),
                           report.colour("red"))
    assert (vision.current, vision.gap) == (2.34, 0.66)     # not 3 - 2.344 = 0.656
    assert (values.current, values.gap) == (2.46, 1.04)     # 3.5 - 2.46
    # the colour: the mean of the rows as printed, (2.34 + 2.46) / 2 = 2.40, and of the
    # targets, (3 + 3.5) / 2 = 3.25; its gap 3.25 - 2.40
    assert (red.current, red.target, red.gap) == (2.40, 3.25, 0.85)
    for p in (*report.dimensions, *report.colours):
        for figure in (p.current, p.low, p.high, p.target, p.gap, p.priority):
            assert figure is None or figure == round(figure, 2)


@pytest.mark.parametrize(("position", "words"), [
    (1.0, "Starting out"),
    (2.54, "Developing, moving towards Established"),  # the flattering example
    (2.99, "Developing, moving towards Established"),
    (3.0, "Established"),
    (4.5, "Good, moving towards World-class"),
    (5.0, "World-class"),
    (None, None),
])
def test_the_level_reached_is_never_rounded_up(position: float | None, words: str | None) -> None:
    from owcf.errors import ProblemLog

    framework = read_framework(default_framework_path(), ProblemLog())
    assert framework is not None
    assert level_reached(framework.scale, position) == words


def test_top_priorities_without_an_action(tiny: Path) -> None:
    # planning 2.0 (target 3), vision 2.5 (target 3), values 2.5 (target 3.5); each band is
    # -/+ 0.20, so the priority scores are 3 - 2.20 = 0.80, 3 - 2.70 = 0.30 and
    # 3.5 - 2.70 = 0.80: values and planning tie on score and gap (1.00), and values comes
    # first in the framework. A done action counts for planning; a cancelled one does not
    # for vision.
    actions = (Action(1, "Plan together.", None, "done", dimensions=("planning",)),
               Action(2, "Share a vision.", None, "cancelled", dimensions=("vision",)))
    report = tiny_positions(tiny, estimate("planning", "blue", 2.0), actions=actions)
    assert report.dimension("planning").actions == (1,)
    assert report.dimension("vision").actions == ()
    assert [(p.id, p.priority) for p in report.priorities()] == [
        ("values", 0.8), ("planning", 0.8), ("vision", 0.3)]
    assert [p.id for p in report.without_action()] == ["values", "vision"]
    data = report.to_dict()
    assert [p["id"] for p in data["priorities_without_action"]] == ["values", "vision"]
    assert data["top_priorities"] == 5


def test_a_dimension_at_its_target_is_no_priority(tiny: Path) -> None:
    report = tiny_positions(tiny, estimate("planning", "blue", 3.0),
                            vision=estimate("vision", "red", 3.0),
                            values=estimate("values", "red", 3.5))
    assert report.priorities() == [] and report.without_action() == []


def test_gaps_json_is_the_library_result_and_states_its_method() -> None:
    from owcf.workspace.inputs import gather
    from owcf.workspace.run import analyse_inputs, read_responses

    result = runner.invoke(app, ["gaps", "--trust", "oxfordshire", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    inputs, _ = gather(trust="oxfordshire")
    library = current_positions(analyse_inputs(inputs, read_responses(inputs).responses),
                                inputs.trust)
    assert data == json.loads(json.dumps(library.to_dict()))
    for key in ("effective_size", "variance", "band", "rounding", "level",
                "priorities_without_action"):
        assert key in data["method"]
    assert "Birge" in data["method"]["band"]


def test_bundled_information_sharing_worked_out_independently(oxfordshire_2009: Path) -> None:
    """Information sharing from the published questionnaire figure and the 14-person
    workshop, by the documented formula written out here."""
    result = runner.invoke(app, ["gaps", "--trust", "oxfordshire", "--format", "json"])
    data = json.loads(result.stdout)
    p = next(d for d in data["dimensions"] if d["id"] == "information_sharing")
    q = p["questionnaire"]
    v_q, v_w = q["se"] ** 2, q["sd"] ** 2 / 14
    current = (q["mean"] / v_q + 2.0 / v_w) / (1 / v_q + 1 / v_w)
    birge = math.sqrt((q["mean"] - current) ** 2 / v_q + (2.0 - current) ** 2 / v_w)
    se = math.sqrt(1 / (1 / v_q + 1 / v_w)) * max(1.0, birge)
    from scipy import stats

    half = stats.t.ppf(0.975, q["n_eff"] - 1) * se
    assert p["current"] == round(current, 2) == 2.63
    assert (p["low"], p["high"]) == (round(current - half, 2), round(current + half, 2))
    assert p["level"] == "Developing, moving towards Established"
    assert p["gap"] == round(4.5 - p["current"], 2) and p["actions"] == [4, 7]
    # the sources disagree (2.64 against 2.0), so the band is wider than the
    # questionnaire's own interval
    assert p["high"] - p["low"] > q["ci_high"] - q["ci_low"]
    assert data["priorities_without_action"] == [
        {"rank": 4, "id": "common_assessment",
         "name": "Early identification and common assessment", "gap": 1.51}]


def test_validate_warns_about_a_top_priority_with_no_action() -> None:
    result = runner.invoke(app, ["validate", str(ROUND_2009)])
    assert result.exit_code == 0, result.output
    lines = (ROUND_2009 / "trust.yaml").read_text(encoding="utf-8").splitlines()
    actions_line = lines.index("actions:") + 1
    assert (f"trust.yaml:{actions_line}: warning: priority-without-action: priority 4 of the "
            "top 5, 'Early identification and common assessment' (gap 1.51 to its target), "
            "has no action: add one under 'actions:' with dimensions: [common_assessment]"
            ) in result.stdout


def test_validate_is_quiet_when_every_priority_has_an_action(tiny: Path) -> None:
    trust_yaml = tiny / "trust.yaml"
    # the tiny trust's five respondents are published only with a threshold of 1
    trust_yaml.write_text(trust_yaml.read_text().replace(
        "    due: 2009-07-01\n", "    due: 2009-07-01\n    dimensions: [vision, values, planning]\n")
        + "disclosure: {min_cell: 1}\n")
    result = runner.invoke(app, ["validate", str(tiny), "--format", "json"])
    codes = [p["code"] for p in json.loads(result.stdout)["problems"]]
    assert "priority-without-action" not in codes
    trust_yaml.write_text(trust_yaml.read_text().replace(
        "dimensions: [vision, values, planning]", "dimensions: [vision]"))
    result = runner.invoke(app, ["validate", str(tiny), "--format", "json"])
    warned = [p["message"] for p in json.loads(result.stdout)["problems"]
              if p["code"] == "priority-without-action"]
    assert len(warned) == 2 and all("has no action" in m for m in warned)


def test_gaps_csv_names_each_other_test_with_the_people_behind_it(oxfordshire_2009: Path
                                                                 ) -> None:
    import csv
    import io

    result = runner.invoke(app, ["gaps", "--trust", "oxfordshire", "--format", "csv"])
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    planning = rows["workforce_planning"]
    assert planning["evidence"] == "june-analysis-workshop=2.5 (14);workforce-data-audit=2.5 (3)"
    assert planning["current"] == "3.0" and planning["level"] == "Established"  # reached, not passed
    assert rows["information_sharing"]["actions"] == "4;7"
    assert rows["common_values"]["evidence"] == ""


# -- each rule by hand, straight on the functions (mutation testing, issue 12 part 8) -----

def _scale() -> Scale:
    """The tiny framework's four levels."""
    return Scale("tiny", (Level(1, "low", "Low"), Level(2, "fair", "Fair"),
                          Level(3, "high", "High"), Level(4, "top", "Top")))


def _q(mean: float | None, n: int | None = 100, n_eff: float | None = 100.0,
       sd: float | None = 1.0, se: float | None = 0.1) -> Estimate:
    return Estimate("planning", "planning", n, mean, sd, None, None, {}, "blue", None, n_eff, se)


def test_the_band_multiplier_is_the_questionnaires_t_else_the_normal_point() -> None:
    from scipy import stats

    from owcf.stats.positions import band_multiplier

    z = float(stats.norm.ppf(0.975))
    assert band_multiplier(None) == pytest.approx(z, abs=1e-12)
    assert band_multiplier(_q(None)) == pytest.approx(z, abs=1e-12)          # withheld
    assert band_multiplier(_q(3.0), 0) == pytest.approx(z, abs=1e-12)        # not counted
    assert band_multiplier(_q(3.0, n_eff=1.5)) == pytest.approx(z, abs=1e-12)
    assert band_multiplier(_q(3.0, n=None, n_eff=None)) == pytest.approx(z, abs=1e-12)
    # n_eff, not n, sets the degrees of freedom: 50 - 1 = 49
    assert band_multiplier(_q(3.0, n_eff=50.0)) == pytest.approx(stats.t.ppf(0.975, 49), abs=1e-9)
    assert band_multiplier(_q(3.0, n_eff=50.0), 0.5) == pytest.approx(stats.t.ppf(0.975, 49),
                                                                       abs=1e-9)
    assert band_multiplier(_q(3.0, n_eff=2.0)) == pytest.approx(12.7062047362, abs=1e-8)
    assert band_multiplier(_q(3.0, n=2, n_eff=None)) == pytest.approx(12.7062047362, abs=1e-8)
    assert band_multiplier(_q(3.0, n_eff=3.0)) == pytest.approx(4.3026527297, abs=1e-8)


def test_combine_by_hand_with_a_weighted_questionnaire() -> None:
    """A questionnaire at 3.0 whose se (0.2) is not sd / sqrt(n_eff) (a design effect),
    weighted 0.5, and ten people at 2.0: variances 0.2^2 / 0.5 = 0.08 and 1^2 / 10 = 0.1;
    current = (3 / 0.08 + 2 / 0.1) / (1 / 0.08 + 1 / 0.1) = 57.5 / 22.5 = 2.5556."""
    from owcf.stats.positions import combine

    c = combine(_q(3.0, se=0.2), [("w", "workshop", 2.0, 10, 1.0)], _scale(), 0.5, t=1.0)
    assert c.current == 2.56
    assert [s.effective_size for s in c.sources] == [50.0, 10.0]       # 100 x 0.5, 10 x 1
    assert [round(s.share or 0, 4) for s in c.sources] == [round(12.5 / 22.5, 4),
                                                           round(10 / 22.5, 4)]
    # Q = (3 - 2.5556)^2 / 0.08 + (2 - 2.5556)^2 / 0.1 = 5.5556 over 1 degree of freedom:
    # se = sqrt(1 / 22.5) x sqrt(5.5556) = 0.4969; with t = 1: 2.0587 .. 3.0525
    current = 57.5 / 22.5
    q_stat = (3 - current) ** 2 / 0.08 + (2 - current) ** 2 / 0.1
    half = math.sqrt(1 / 22.5) * math.sqrt(q_stat)
    assert (c.low, c.high) == (round(current - half, 2), round(current + half, 2))
    assert (c.spread, c.agree) == (1.0, True)


def test_combine_by_hand_with_the_default_weight_agreement_and_multiplier() -> None:
    """Weight 1, agreement 1 point, t(0.975, 99): 3.0 (variance 0.01) and four people at
    1.5 (variance 1 / 4): current = (300 + 6) / 104 = 2.9423; the sources are 1.5 apart,
    so they do not agree."""
    from scipy import stats

    from owcf.stats.positions import combine

    c = combine(_q(3.0), [("w", "workshop", 1.5, 4, 1.0)], _scale())
    current = (3 / 0.01 + 1.5 / 0.25) / (1 / 0.01 + 1 / 0.25)
    q_stat = (3 - current) ** 2 / 0.01 + (1.5 - current) ** 2 / 0.25
    half = float(stats.t.ppf(0.975, 99)) * math.sqrt(1 / 104) * math.sqrt(q_stat)
    assert (c.current, c.low, c.high) == (round(current, 2), round(current - half, 2),
                                          round(current + half, 2))
    assert (c.spread, c.agree) == (1.5, False)
    # weight 0: the questionnaire is no source, and its t is not the band's (1.96 is)
    alone = combine(_q(3.0), [("w", "workshop", 1.5, 4, 1.0)], _scale(), 0)
    half = float(stats.norm.ppf(0.975)) * math.sqrt(0.25)
    assert (alone.current, alone.low, alone.high) == (1.5, 1.0, round(1.5 + half, 2))


def test_three_disagreeing_sources_widen_the_band_by_the_birge_ratio() -> None:
    """Ten people each at 2, 2.5 and 3.5, no questionnaire: spread of views 0.75, each
    variance 0.5625 / 10; Q over k - 1 = 2 degrees of freedom."""
    from owcf.stats.positions import combine

    ratings = [(f"w{i}", "workshop", v, 10, 1.0) for i, v in enumerate([2.0, 2.5, 3.5])]
    c = combine(None, ratings, _scale())
    var = 0.75 ** 2 / 10
    current = 8 / 3
    q_stat = sum((v - current) ** 2 / var for v in (2.0, 2.5, 3.5))
    half = 1.959963984540054 * math.sqrt(var / 3) * math.sqrt(q_stat / 2)
    assert (c.current, c.low, c.high) == (2.67, round(current - half, 2), round(current + half, 2))
    assert (c.low, c.high) == (1.8, 3.53)
    assert combine(None, [], _scale()).sources == ()


def test_sources_exactly_the_agreement_apart_agree() -> None:
    from owcf.stats.positions import combine

    ratings = [("a", "workshop", 2.0, 1, 1.0), ("b", "workshop", 3.0 + 1e-12, 1, 1.0)]
    assert combine(None, ratings, _scale()).agree is True
    ratings = [("a", "workshop", 2.0, 1, 1.0), ("b", "workshop", 3.01, 1, 1.0)]
    assert combine(None, ratings, _scale()).agree is False


def test_levels_at_the_edges() -> None:
    scale = _scale()
    assert level_reached(scale, 0.5) == "moving towards Low"       # below the scale
    assert level_reached(scale, 3 - 1e-9) == "High"                # within 1e-9 of a level
    assert level_reached(scale, 2 + 1e-9) == "Fair"
    assert level_reached(scale, 2 + 1e-6) == "Fair, moving towards High"


def test_a_position_rounds_without_a_minus_zero_and_lists_its_parts() -> None:
    from owcf.stats.positions import Position, Rating, rounded

    assert str(rounded(-0.001)) == "0.0"  # "0.00", never "-0.00"
    rating = Rating("w", "workshop", 2.0, 1.0, 33.333333, 0.1, 1 / 3)
    assert (rating.to_dict()["effective_size"], rating.to_dict()["share"]) == (33.3, 0.333)
    assert Rating("w", "workshop", 2.0, 1.0, 12.5).to_dict()["effective_size"] == 12.5
    assert Rating("w", "workshop", 2.0, 1.0).to_dict()["share"] is None
    no_target = Position("dimension", "d", "D", "red", None, (), 2.0, 1.5, 2.5, None).to_dict()
    assert (no_target["questionnaire"], no_target["gap_low"], no_target["gap_high"]) == \
        (None, None, None)
    no_band = Position("dimension", "d", "D", "red", None, (), 2.0, None, None, 3.0).to_dict()
    assert (no_band["gap"], no_band["gap_low"], no_band["gap_high"], no_band["priority"]) == \
        (1.0, None, None, 1.0)


def test_ranks_by_priority_then_gap_then_framework_order() -> None:
    from owcf.stats.positions import Position, _ranks

    def at(ident: str, current: float, high: float, target: float) -> Position:
        return Position("dimension", ident, ident, "red", None, (), current, current, high,
                        target)

    positions = [at("zero", 2.0, 2.5, 2.5),      # priority 0, gap 0.5
                 at("half", 2.0, 2.0, 2.5),      # priority 0.5, gap 0.5
                 at("met", 3.0, 3.0, 3.0),       # priority 0, gap 0
                 at("short", 2.5, 3.0, 3.0)]     # priority 0, gap 0.5
    assert _ranks(positions, ["zero", "half", "met", "short"]) == {
        "half": 1, "zero": 2, "short": 3, "met": 4}


def test_a_cancelled_action_addresses_nothing_and_hides_no_other() -> None:
    from owcf.stats.positions import addressed_by

    actions = (Action(1, "x", None, "cancelled", dimensions=("a",)),
               Action(2, "y", None, "planned", dimensions=("a", "b")),
               Action(3, "z", None, "done", dimensions=("a",)))
    assert addressed_by(actions) == {"a": (2, 3), "b": (2,)}


def test_a_colour_without_a_band_and_with_its_dimensions_actions(tiny: Path) -> None:
    """Planning, blue's one dimension, withheld with no other evidence: blue has no
    current position and no band; the action on planning is blue's too."""
    report = tiny_positions(tiny, estimate("planning", "blue", None),
                            actions=(Action(4, "Plan", None, "planned",
                                            dimensions=("planning",)),))
    blue = report.colour("blue")
    assert (blue.current, blue.low, blue.high, blue.actions) == (None, None, None, (4,))
    assert report.colour("red").actions == ()


def test_two_respondents_give_a_band_from_t_with_one_degree_of_freedom(tiny: Path) -> None:
    # n = 2, sd 0.1: se 0.0707, t(0.975, 1) = 12.7062: 2.5 -/+ 0.8985 = 1.6015 .. 3.3985
    p = tiny_positions(tiny, estimate("planning", "blue", 2.5, sd=0.1, n=2)).dimension("planning")
    assert (p.low, p.high) == (1.60, 3.40)
