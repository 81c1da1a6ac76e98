"""owcf's one pass over the respondents (owcf.stats.tally) against a reference written
here, one respondent at a time in plain Python, from the rules in docs/methods.md.

The reference knows nothing of patterns, blocks, threads or bit sets: it scores each
respondent, then adds them up. Hypothesis draws the answers, audiences and cells; each
draw runs through tally's everyday paths and, with its size limits set to nothing, through
the paths big data takes (patterns numbered by np.unique, colours counted per category,
respondents in blocks of three on two threads), so both are held to the same figures.
"""

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
from owcf.stats import tally as tally_module

from .conftest import TINY_FRAMEWORK, TINY_QUESTIONNAIRE, write

# Five answers on a four-level framework (positions 1, 1.75, 2.5, 3.25, 4), three of four
# items needed, one don't-know code: unlike TINY_QUESTIONNAIRE in every number tally uses.
FIVE_POINT = """\
schema: owcf-questionnaire/1
id: five
name: Five-point questionnaire
framework: tiny
answer_scale:
  - {value: 1, label: Strongly disagree}
  - {value: 2, label: Disagree}
  - {value: 3, label: Neither}
  - {value: 4, label: Agree}
  - {value: 5, label: Strongly agree}
non_answers:
  - {code: DK, label: "Don't know"}
scoring:
  min_answered_fraction: 0.75
items:
  - {id: v1, dimension: vision, text: One}
  - {id: v2, dimension: vision, text: Two, reverse: true}
  - {id: v3, dimension: vision, text: Three, audiences: [staff, leaders]}
  - {id: v4, dimension: vision, text: Four, audiences: [leaders]}
  - {id: s1, dimension: values, text: Five, audiences: [staff]}
  - {id: p1, dimension: planning, text: Six, reverse: true}
  - {id: p2, dimension: planning, text: Seven, audiences: [young_people]}
"""


# The same with no item on values, a dimension before planning: nothing is scored there,
# and the red colour rests on vision alone.
NO_VALUES = FIVE_POINT.replace("  - {id: s1, dimension: values, text: Five, audiences: [staff]}\n",
                               "")


def _load(tmp: Path, questionnaire_text: str) -> tuple[Framework, Questionnaire]:
    log = ProblemLog()
    framework = read_framework(write(tmp / "framework.yaml", TINY_FRAMEWORK), log)
    assert framework is not None, log.problems
    questionnaire = read_questionnaire(write(tmp / "questionnaire.yaml", questionnaire_text), log,
                                       framework)
    assert questionnaire is not None, log.problems
    return framework, questionnaire


def _position(q: Questionnaire, f: Framework, reverse: bool, code: int) -> float | None:
    """The framework position of answer ``code`` (1-based category), None if not scored."""
    values = [o.value for o in q.answer_scale]
    if not 1 <= code <= len(values):
        return None
    lo, hi = values[0], values[-1]
    v = values[code - 1]
    if reverse:
        v = lo + hi - v
    return f.scale.minimum + (v - lo) * (f.scale.maximum - f.scale.minimum) / (hi - lo)


def _needed(fraction: float, asked: int) -> int:
    return max(1, math.ceil(round(fraction * asked, 9)))


def _reference(f: Framework, q: Questionnaire, answers: list[list[int]], audience: list[int],
               cell: list[int], n_cells: int) -> dict[str, np.ndarray]:
    """Every array tally makes, added up respondent by respondent."""
    audiences = [a.id for a in f.audiences]
    n_slots = len(q.categories) + 1  # answer categories, then blank
    items, dims, colours = list(q.items), list(f.dimensions), list(f.colours)
    fraction = q.min_answered_fraction
    out = {
        "sizes": np.zeros(n_cells),
        "item_counts": np.zeros((n_cells, len(items), n_slots)),
        "dim_contrib": np.zeros((n_cells, len(dims), n_slots)),
        "colour_contrib": np.zeros((n_cells, len(colours), n_slots)),
        **{f"{level}_{m}": np.zeros((n_cells, count))
           for level, count in (("item", len(items)), ("dim", len(dims)),
                                ("colour", len(colours)))
           for m in ("s0", "s1", "s2")},
    }
    dim_scores = np.full((len(answers), len(dims)), np.nan)
    colour_scores = np.full((len(answers), len(colours)), np.nan)
    for r, (row, a, k) in enumerate(zip(answers, audience, cell, strict=True)):
        who = audiences[a]
        out["sizes"][k] += 1
        gave: dict[str, set[int]] = {}  # per dimension, the slots this respondent gave
        for u, item in enumerate(items):
            code = row[u]
            if code == 0 and not item.asked_of(who):
                continue  # blank only counts where the item is asked
            slot = code - 1 if code else n_slots - 1
            out["item_counts"][k, u, slot] += 1
            gave.setdefault(item.dimension, set()).add(slot)
            x = _position(q, f, item.reverse, code)
            if x is not None:
                out["item_s0"][k, u] += 1
                out["item_s1"][k, u] += x
                out["item_s2"][k, u] += x * x
        scored_dims: dict[str, float] = {}
        for d, dim in enumerate(dims):
            mine = [(u, i) for u, i in enumerate(items) if i.dimension == dim.id]
            for slot in gave.get(dim.id, ()):
                out["dim_contrib"][k, d, slot] += 1
            asked = sum(i.asked_of(who) for _, i in mine)
            xs = [x for u, i in mine if (x := _position(q, f, i.reverse, row[u])) is not None]
            if asked and len(xs) >= _needed(fraction, asked):
                score = sum(xs) / len(xs)
                scored_dims[dim.id] = score
                dim_scores[r, d] = score
                out["dim_s0"][k, d] += 1
                out["dim_s1"][k, d] += score
                out["dim_s2"][k, d] += score * score
        for c, colour in enumerate(colours):
            members = [d.id for d in colour.dimensions
                       if any(i.dimension == d.id for i in items)]
            for slot in set().union(*(gave.get(d, set()) for d in members)):
                out["colour_contrib"][k, c, slot] += 1
            available = sum(any(i.dimension == d and i.asked_of(who) for i in items)
                            for d in members)
            xs = [scored_dims[d] for d in members if d in scored_dims]
            if available and len(xs) >= _needed(fraction, available):
                score = sum(xs) / len(xs)
                colour_scores[r, c] = score
                out["colour_s0"][k, c] += 1
                out["colour_s1"][k, c] += score
                out["colour_s2"][k, c] += score * score
    out["dim_counts"] = np.stack([out["item_counts"][:, [u for u, i in enumerate(items)
                                                          if i.dimension == d.id], :].sum(axis=1)
                                  for d in dims], axis=1)
    out["colour_counts"] = np.stack([
        out["dim_counts"][:, [j for j, d in enumerate(dims) if d.colour == c.id], :].sum(axis=1)
        for c in colours], axis=1)
    out["dim_scores"], out["colour_scores"] = dim_scores, colour_scores
    return out


def _alpha(rows: list[list[float]]) -> float:
    """Cronbach's alpha of complete rows, from its textbook formula."""
    matrix = np.array(rows, dtype=float)
    k = matrix.shape[1]
    total = matrix.sum(axis=1).var(ddof=1)
    return k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / total)


def _responses(q: Questionnaire, f: Framework, answers: list[list[int]], audience: list[int]
               ) -> ResponseSet:
    respondents = pd.DataFrame({"audience": [f.audiences[a].id for a in audience],
                                "workforce_group": [None] * len(audience)})
    table = pd.DataFrame({item.id: np.array([row[u] for row in answers], dtype=np.int8)
                          for u, item in enumerate(q.items)})
    return ResponseSet(respondents, table, q, "test")


@st.composite
def _data(draw: st.DrawFn, n_items: int, n_codes: int) -> tuple[list[list[int]], list[int],
                                                                 list[int]]:
    n = draw(st.integers(1, 14))
    answers = [draw(st.lists(st.integers(0, n_codes), min_size=n_items, max_size=n_items))
               for _ in range(n)]
    audience = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    half = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    return answers, audience, [2 * a + h for a, h in zip(audience, half, strict=True)]


BIG_DATA_PATHS = {"DIRECT_PATTERN_LIMIT": 0, "SET_TABLE_UP_TO": 0, "BLOCK": 3,
                  "THREADS_FROM": 1}


@pytest.mark.parametrize("text", [TINY_QUESTIONNAIRE, FIVE_POINT, NO_VALUES],
                         ids=["tiny", "five-point", "a-dimension-unasked"])
@pytest.mark.parametrize("paths", ["everyday", "big-data"])
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_tally_adds_up_what_each_respondent_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  text: str, paths: str, data: st.DataObject) -> None:
    if paths == "big-data":
        for name, value in BIG_DATA_PATHS.items():
            monkeypatch.setattr(tally_module, name, value)
    f, q = _load(tmp_path, text)
    answers, audience, cell = data.draw(_data(len(q.items), len(q.categories)))
    n_cells = 2 * len(f.audiences)
    counted, dims, colours = tally_module.tally(
        _responses(q, f, answers, audience), f, np.array(cell), n_cells,
        np.arange(n_cells) // 2, np.array(audience), per_respondent=True)
    want = _reference(f, q, answers, audience, cell, n_cells)

    def same(got: np.ndarray, name: str) -> None:
        np.testing.assert_allclose(got, want[name], rtol=1e-12, atol=1e-12, err_msg=name)

    same(counted.sizes, "sizes")
    for level, sums in (("item", counted.item), ("dim", counted.dim), ("colour", counted.colour)):
        same(sums.s0, f"{level}_s0")
        same(sums.s1, f"{level}_s1")
        same(sums.s2, f"{level}_s2")
    for name in ("item_counts", "dim_counts", "dim_contrib", "colour_counts", "colour_contrib"):
        same(getattr(counted, name), name)
    same(np.stack([dims[d.id] for d in f.dimensions], axis=1), "dim_scores")
    same(np.stack([colours[c.id] for c in f.colours], axis=1), "colour_scores")

    # reliability's complete cases: respondents with a scale answer to every item
    for dim, (freq, values) in zip(f.dimensions, counted.complete, strict=True):
        mine = [(u, i) for u, i in enumerate(q.items) if i.dimension == dim.id]
        rows = [[_position(q, f, i.reverse, row[u]) for u, i in mine] for row in answers]
        complete = [r for r in rows if mine and None not in r]
        assert int(freq.sum()) == len(complete), dim.id
        alpha, count = tally_module.cronbach_alpha_weighted(freq, values)
        assert count == len(complete)
        if len(mine) >= 2 and len(complete) >= 2 and np.var(np.sum(complete, axis=1)) > 0:
            assert alpha == pytest.approx(_alpha(complete), abs=1e-9), dim.id
        else:
            assert math.isnan(alpha), dim.id


def test_the_reference_agrees_with_a_hand_count(tmp_path: Path) -> None:
    """The reference itself, on three respondents worked out by hand (five-point scale,
    positions 1, 1.75, 2.5, 3.25, 4; v2 and p1 reversed; three of four items needed)."""
    f, q = _load(tmp_path, FIVE_POINT)
    # items: v1 v2 v3 v4 s1 p1 p2 ; codes 1-5 scale, 6 = DK, 0 = blank
    answers = [[5, 1, 4, 0, 2, 3, 0],   # staff: vision 4, 4, 3.25 (3 of 3 asked) -> 3.75
               [2, 6, 0, 0, 0, 0, 0],   # staff: vision 1.75 only (needs 3 of 3): no score
               [1, 2, 0, 0, 0, 5, 3]]   # young person: vision 1, 3.25 (2 of 2) -> 2.125
    want = _reference(f, q, answers, [0, 0, 2], [0, 0, 1], 2)
    np.testing.assert_allclose(want["dim_scores"][:, 0], [3.75, np.nan, 2.125])
    # planning: staff r1 p1 = 3 reversed -> 2.5 (1 asked); young person p1 5 -> 1, p2 2.5
    np.testing.assert_allclose(want["dim_scores"][:, 2], [2.5, np.nan, 1.75])
    # red = vision and values: r1 vision 3.75, values s1=2 -> 1.75: (3.75 + 1.75) / 2
    np.testing.assert_allclose(want["colour_scores"][:, 0], [2.75, np.nan, 2.125])
    # v4 is asked of leaders only: nobody's blank counts; v3's blank counts for r2 only
    assert want["item_counts"][0, 3].sum() == 0
    assert want["item_counts"][0, 2].tolist() == [0, 0, 0, 1, 0, 0, 1]
    # staff in vision: r1 gave 5, 1, 4 and r2 gave 2, DK, blank: one respondent each
    assert want["dim_contrib"][0, 0].tolist() == [1, 1, 0, 1, 1, 1, 1]
    assert want["item_counts"][0, :4].sum(axis=0).tolist() == [1, 1, 0, 1, 1, 1, 1]


def test_scores_per_respondent_only_when_asked(tmp_path: Path) -> None:
    """The analysis asks for sums only: no million-row score arrays come back."""
    f, q = _load(tmp_path, FIVE_POINT)
    answers, audience = [[5, 1, 4, 0, 2, 3, 0], [1, 2, 0, 0, 0, 5, 3]], [0, 2]
    _, dims, colours = tally_module.tally(_responses(q, f, answers, audience), f,
                                          np.array([0, 1]), 2, np.array([0, 2]),
                                          np.array(audience))
    assert dims == {} and colours == {}


def test_a_questionnaire_left_with_no_item_tallies_respondents_and_nothing_else(
        tmp_path: Path) -> None:
    """A trust's tailoring can drop every item: each cell still has its respondents, and
    every sum is there, empty or zero, in the shape the analysis reads."""
    f, q = _load(tmp_path, FIVE_POINT)
    q = replace(q, items=())
    respondents = pd.DataFrame({"audience": ["staff", "leaders", "staff"],
                                "workforce_group": [None] * 3})
    responses = ResponseSet(respondents, pd.DataFrame(index=range(3)), q, "test")
    counted, _, _ = tally_module.tally(responses, f, np.array([0, 1, 0]), 3,
                                       np.array([0, 1, 2]), np.array([0, 1, 0]))
    assert counted.sizes.tolist() == [2, 1, 0]
    for sums, width in ((counted.item, 0), (counted.dim, 3), (counted.colour, 2)):
        for s in (sums.s0, sums.s1, sums.s2):
            assert s.shape == (3, width) and not s.any()
    assert counted.item_counts.shape == (3, 0, len(q.categories) + 1)
