"""One suppression pattern per data set, on the bundled example: whichever breakdown a
run asks for, the figures it shares with another run are withheld alike; true zeros show
as 0 (but where one must protect, in a crossing outside the pattern); no sum a reader
builds from one row (an item's answers on the scale and its ``n``, its mean) gives a
withheld answer away."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from owcf.stats.analysis import SharedPattern, analyse
from owcf.workspace.inputs import gather
from owcf.workspace.run import analyse_inputs, read_responses

from .audit_lp import disclosed, reader

# the last crossing is not in the pattern itself: it extends it
RUNS = ((), ("audience",), ("workforce_group",), ("locality",),
        ("audience", "workforce_group"), ("workforce_group", "audience"), ("locality", "audience"))


@pytest.fixture(scope="module")
def example() -> Any:
    inputs, _ = gather(trust="oxfordshire")
    return inputs, read_responses(inputs).responses


@pytest.fixture(scope="module")
def runs(example: Any) -> dict[tuple[str, ...], dict[str, Any]]:
    inputs, responses = example
    return {by: analyse_inputs(inputs, responses, by).to_dict() for by in RUNS}


def _figures(data: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every figure of an ``analyse`` JSON, keyed by its group (fields in any order)."""
    for g in data["groups"]:
        key = tuple(sorted(g["by"].items()))
        yield (key, "respondents"), g["respondents"]
        for level in ("colours", "dimensions", "items"):
            for e in g[level]:
                for field in ("n", "mean", "sd"):
                    yield (key, e["id"], field), e[field]
                for label, value in e["counts"].items():
                    yield (key, e["id"], label), value


def test_every_run_of_one_data_set_withholds_the_same_figures(runs: dict) -> None:
    """Everyone in each run, and each group in the runs that share it (a crossing in
    either order), publish the same figures and withhold the same ones."""
    seen: dict[tuple[Any, ...], tuple[Any, tuple[str, ...]]] = {}
    shared = 0
    for by, data in runs.items():
        for key, value in _figures(data):
            if key in seen:
                shared += 1
                first, where = seen[key]
                assert (first is None) == (value is None), (key, where, by)
                assert first is None or first == pytest.approx(value, rel=1e-12), (key, where, by)
            else:
                seen[key] = (value, by)
    assert shared > 20_000  # everyone seven times over, and the crossed groups twice


def test_every_true_zero_is_published_as_0_by_every_run_of_the_pattern(
        example: Any, runs: dict) -> None:
    """Issue 11: every answer count, n and group size that is 0 is published as 0 by every
    run the data set's pattern covers: everyone, each field, audience by workforce group
    in either order (a run with a threshold of 1 withholds nothing: it gives the true
    figures). A crossing outside the pattern, which extends it without changing it, may
    withhold a 0 where no non-zero figure can protect a withheld one (locality by
    audience 23 of its 2,916), never one a reader knows is 0: an item not asked of the
    group's audience."""
    inputs, responses = example
    asked = {i.id: i.audiences for i in inputs.questionnaire.items}
    zeros, withheld = 0, 0
    for by, data in runs.items():
        truth = dict(_figures(analyse(responses, inputs.framework, by, 1,
                                      breakdowns=inputs.breakdowns).to_dict()))
        for key, value in _figures(data):
            if truth[key] == 0 and key[-1] not in ("mean", "sd"):
                zeros += 1
                if value is None:
                    withheld += 1
                    assert by == RUNS[-1], (by, key)
                    audience = dict(key[0]).get("audience")
                    audiences = asked.get(key[1])
                    assert audiences is None or audience in audiences, (by, key)
                else:
                    assert value == 0, (by, key)
    assert zeros > 10_000 and 0 < withheld <= 0.01 * zeros, (zeros, withheld)


def test_no_item_row_gives_a_withheld_answer_away(runs: dict) -> None:
    """The leak issue 11 found (leaders' ``shared_vision_1``: n = 78, answers 0, 19, 42,
    13 and one withheld, so 78 - 74 = 4): an item's answers on the scale add up to its
    ``n``, so a published ``n`` never stands beside exactly one withheld answer on the
    scale; and an item's mean and SD, sums of those answers, are withheld with them."""
    checked = 0
    for data in runs.values():
        scale = [c for c in data["categories"] if c not in ("blank", "DK", "NA")]
        for g in data["groups"]:
            for e in g["items"]:
                hidden = [c for c in scale if e["counts"][c] is None]
                if e["n"] is not None:
                    assert len(hidden) != 1, (g["by"], e["id"])
                if hidden:
                    checked += 1
                    assert e["mean"] is None and e["sd"] is None, (g["by"], e["id"])
    assert checked > 100


def test_leaders_shared_vision_1_from_the_issue_is_protected(runs: dict) -> None:
    """The row the issue names: its n is published, so at least two answers on the scale
    are withheld, and with them its mean and SD (two equations would pin two unknowns)."""
    leaders = next(g for g in runs[("audience",)]["groups"]
                   if g["by"] == {"audience": "leaders_managers"})
    item = next(e for e in leaders["items"] if e["id"] == "shared_vision_1")
    scale = [c for c in runs[("audience",)]["categories"] if c not in ("blank", "DK", "NA")]
    hidden = [c for c in scale if item["counts"][c] is None]
    assert item["n"] is not None and len(hidden) >= 2
    assert item["mean"] is None and item["sd"] is None
    assert item["suppressed"]["mean"] == "withheld"



def _room(remainder: float, bounds: list[tuple[float, float]]) -> list[float]:
    """For figures that add up to ``remainder``, each within its (lower, upper) bounds:
    how far apart each one's smallest and largest possible values lie."""
    out = []
    for k, (lo, hi) in enumerate(bounds):
        rest_lo = sum(b[0] for i, b in enumerate(bounds) if i != k)
        rest_hi = sum(b[1] for i, b in enumerate(bounds) if i != k)
        out.append(min(hi, remainder - rest_lo) - max(lo, remainder - rest_hi))
    return out


def test_no_item_row_pins_a_withheld_answer(example: Any, runs: dict) -> None:
    """Read one item row at a time, as a reader can: its answers on the scale add up to
    its ``n``, and its answers off the scale (DK, NA, blank) to the respondents less the
    ``n``, when every audience is asked it. Within the bounds the reasons give (withheld
    as small: 1 to the threshold - 1; otherwise at least 0), every withheld answer keeps
    at least 1 of room: neither a lone one (the blank that was 62 - 32 - 16 = 14 in
    everyone's ``ambition_for_every_child_1``) nor small ones with no room between them
    (two with 2 to share are 1 each)."""
    inputs, _ = example
    everyone_asked = {i.id for i in inputs.questionnaire.items if i.audiences is None}
    checked = 0
    for data in runs.values():
        labels = data["categories"]
        scale = [c for c in labels if c not in ("blank", "DK", "NA")]
        for g in data["groups"]:
            small = (1.0, g["threshold"] - 1.0)
            for e in g["items"]:
                reasons = e["suppressed"] or {}
                rows = [(scale, e["n"])]
                if e["id"] in everyone_asked and e["n"] is not None and g["respondents"]:
                    rows.append(([c for c in labels if c not in scale], g["respondents"] - e["n"]))
                for cats, total in rows:
                    withheld = [c for c in cats if e["counts"][c] is None]
                    if total is None or not withheld:
                        continue
                    checked += 1
                    remainder = total - sum(e["counts"][c] for c in cats if c not in withheld)
                    bounds = [small if reasons[f"counts.{c}"] == "fewer-than-min-cell"
                              else (0.0, float("inf")) for c in withheld]
                    room = _room(remainder, bounds)
                    assert min(room) >= 1, (g["by"], e["id"], withheld, remainder, bounds)
    assert checked > 1_000


def test_a_figure_said_to_be_fewer_than_the_threshold_is(example: Any, runs: dict) -> None:
    """Issue 11's second point, in every run (the crossing that extends the pattern
    too): a group's respondents withheld as ``fewer-than-min-cell`` are 1 to threshold -
    1; every other withheld group is ``secondary``. An item's ``n`` or answer count
    withheld says only ``withheld``: that it is small or protects one, never which."""
    inputs, responses = example
    said = 0
    for by, data in runs.items():
        truth: dict[tuple[Any, ...], Any] = {}
        for g in analyse(responses, inputs.framework, by, 1,
                         breakdowns=inputs.breakdowns).to_dict()["groups"]:
            key = tuple(sorted(g["by"].items()))
            truth[key, "respondents"] = g["respondents"]
            for e in g["items"]:
                truth[key, e["id"], "n"] = e["n"]
                truth.update({(key, e["id"], f"counts.{c}"): v for c, v in e["counts"].items()})
        for g in data["groups"]:
            key, threshold = tuple(sorted(g["by"].items())), g["threshold"]
            reasons: dict[tuple[Any, ...], Any] = {
                (key, "respondents"): (g["suppressed"] or {}).get("respondents")}
            for e in g["items"]:
                reasons.update({(key, e["id"], f): r for f, r in (e["suppressed"] or {}).items()
                                if f == "n" or f.startswith("counts.")})
            for figure, reason in reasons.items():
                if figure[-1] != "respondents":
                    said += reason is not None
                    assert reason in (None, "withheld"), (by, figure, reason)
                elif reason == "fewer-than-min-cell":
                    assert 0 < (truth[figure] or 0) < threshold, (by, figure, truth[figure])
                else:
                    assert reason in (None, "secondary"), (by, figure, reason)
    assert said > 1_000  # (the example withholds no group: tests/test_statistics.py does)


def test_a_dimension_withholds_an_answer_any_of_its_items_withholds(example: Any,
                                                                    runs: dict) -> None:
    """A dimension's count of an answer, less its items' published counts, would give the
    items' withheld ones away once read with the rows and the other groups (an LP audit
    of the example's four runs worked out 1,122 withheld figures with this sum, 270
    without): wherever an item withholds an answer, its dimension withholds it too."""
    inputs, _ = example
    dimension_of = {i.id: i.dimension for i in inputs.questionnaire.items}
    followed = 0
    for by, data in runs.items():
        for g in data["groups"]:
            dims = {e["id"]: e["counts"] for e in g["dimensions"]}
            for e in g["items"]:
                for label, value in e["counts"].items():
                    if value is None:
                        followed += 1
                        assert dims[dimension_of[e["id"]]][label] is None, (by, g["by"], e["id"], label)
    assert followed > 10_000


def test_no_colour_pins_its_items_withheld_answers(example: Any, runs: dict) -> None:
    """A colour's count of an answer is its items' counts added up (its dimensions'
    withheld ones follow their items, so a reader adds the items directly): where the
    colour's is published, its items never withhold exactly one, nor only ones withheld
    as small that the rest leaves no room (each 1, or each threshold - 1)."""
    inputs, _ = example
    q, framework = inputs.questionnaire, inputs.framework
    items_of = {c.id: {i.id for d in c.dimensions for i in q.items_for(d.id)}
                for c in framework.colours}
    checked = 0
    for by, data in runs.items():
        for g in data["groups"]:
            reasons = {e["id"]: e["suppressed"] or {} for e in g["items"]}
            for colour in g["colours"]:
                for label, total in colour["counts"].items():
                    if total is None:
                        continue
                    parts = [e for e in g["items"] if e["id"] in items_of[colour["id"]]]
                    hidden = [e for e in parts if e["counts"][label] is None]
                    if not hidden:
                        continue
                    checked += 1
                    where = (by, g["by"], colour["id"], label)
                    assert len(hidden) != 1, where
                    left = total - sum(e["counts"][label] or 0 for e in parts)
                    if all(reasons[e["id"]].get(f"counts.{label}") == "fewer-than-min-cell"
                           for e in hidden):
                        assert left not in (len(hidden), len(hidden) * (g["threshold"] - 1)), where
    assert checked > 1_000


def test_everyone_alone_passes_the_linear_programming_audit(example: Any, runs: dict) -> None:
    """Issue 11's standard on the example's first output, everyone: for every withheld
    figure, the smallest and largest values consistent with all it publishes (and what
    its reasons say) lie at least 1 apart. (Read with the runs by group, some still lie
    closer: see docs/methods.md.)"""
    inputs, _ = example
    published, withheld, relations = reader([runs[()]], inputs.framework, inputs.questionnaire)
    assert len(withheld) > 500
    assert disclosed(published, withheld, relations) == []


def test_analyses_sharing_a_pattern_publish_what_each_would_alone(example: Any, runs: dict
                                                                  ) -> None:
    """A report's analyses work the pattern out once (by audience, by workforce group,
    weighted to population sizes): each publishes and withholds exactly what it would
    on its own. A pattern shared with another data set is a bug, not a quiet mix-up."""
    inputs, responses = example
    shared = SharedPattern()
    for by in (("audience",), ("workforce_group",), ("audience", "workforce_group")):
        assert analyse_inputs(inputs, responses, by, shared=shared).to_dict() == runs[by]
    alone = analyse_inputs(inputs, responses, weights="population").to_dict()
    assert analyse_inputs(inputs, responses, weights="population", shared=shared).to_dict() == alone
    fewer = replace(responses, respondents=responses.respondents.iloc[:-1],
                    answers=responses.answers.iloc[:-1])
    with pytest.raises(AssertionError, match="shared by two data sets"):
        analyse_inputs(inputs, fewer, shared=shared)
