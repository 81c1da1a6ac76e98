"""Nothing lost: every row is accepted or rejected with all its reasons, the counts
always add up, partial responses meeting the minimum are kept, and ids become stable
pseudonyms."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from owcf.errors import ProblemLog, Severity
from owcf.ingest.ingested import REASON_ORDER, Ingested
from owcf.ingest.pipeline import ingest
from owcf.ingest.write import rejects_csv, responses_csv
from owcf.model.questionnaire import Questionnaire, read_questionnaire
from owcf.workspace.inputs import gather
from owcf.workspace.run import Ingestion, read_responses

from .conftest import write
from .ingest_helpers import EXPORTS, survey

WIDE = (EXPORTS / "owcf-wide.csv").read_text(encoding="utf-8")
HEADER = WIDE.splitlines()[0]


def _file(folder: Path, rows: list[str], name: str = "responses.csv") -> Path:
    return write(folder / name, "\n".join([HEADER, *rows]) + "\n")


def _read_set(paths: list[Path], folder: Path, strict: bool = False) -> Ingestion:
    """Several files read as one set, the way every command reads them."""
    _, _, fw_path, q_path = survey(folder)
    inputs, _ = gather(paths, framework=fw_path, questionnaire=q_path)
    return read_responses(inputs, strict)


def _run(path: Path, folder: Path, questionnaire: Questionnaire | None = None,
         **options: object) -> Ingested:
    framework, q, _, _ = survey(folder)
    log = ProblemLog()
    result = ingest(path, questionnaire or q, framework, log, **options)
    assert result is not None, log.problems
    return result


def _rejects(result: Ingested) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(rejects_csv(result).decode("utf-8-sig"))))


GOOD = WIDE.splitlines()[1:]

ROW_PROBLEMS = [
    # the row, the rejection (code, column), and words in the message
    pytest.param("r9,staff,health,,7,1,3,,2,2,", ("invalid-answer", "v1"), "'7' is not an answer",
                 id="unmappable-answer"),
    pytest.param("r9,staff,health,,Agreed,1,3,,2,2,", ("invalid-answer", "v1"),
                 "did you mean 'Agree'", id="near-miss-answer"),
    pytest.param("r9,staff,health,,?,1,3,,2,2,", ("invalid-answer", "v1"),
                 "'?' is not an answer", id="question-mark-is-not-blank"),
    pytest.param("r1,staff,health,,4,1,3,,2,2,", ("duplicate-respondent", "respondent_id"),
                 "the same respondent as row 2", id="duplicate-respondent"),
    pytest.param(",staff,health,,4,1,3,,2,2,", ("missing-value", "respondent_id"),
                 "is blank", id="blank-respondent-id"),
    pytest.param("r9,pupils,,,4,1,3,,,,", ("unknown-audience", "audience"),
                 "'pupils' is not one of staff, leaders, young_people", id="unknown-audience"),
    pytest.param("r9,,health,,4,1,3,,2,2,", ("missing-value", "audience"), "audience is blank",
                 id="blank-audience"),
    pytest.param("r9,staff,prisons,,4,1,3,,2,2,", ("unknown-workforce-group",
                                                   "workforce_group"), "'prisons'",
                 id="unknown-workforce-group"),
    pytest.param("r9,staff,health,,4,1,3,2,2,2,", ("item-not-routed", "s2"),
                 "asked of leaders only", id="item-not-routed"),
    pytest.param("r9,staff,health,30/02/2009,4,1,3,,2,2,", ("invalid-date", "submitted"),
                 "'30/02/2009' is not a date", id="impossible-date"),
    pytest.param("r9,staff,health,,,,,,,,just a comment", ("no-answers", None),
                 "no questionnaire item is answered", id="no-answers"),
]


@pytest.mark.parametrize(("row", "expected", "words"), ROW_PROBLEMS)
def test_each_row_problem_rejects_the_row_with_its_reason(tmp_path: Path, row: str,
                                                          expected: tuple, words: str) -> None:
    result = _run(_file(tmp_path, [*GOOD, row]), tmp_path)
    counts = result.counts()
    assert (counts["rows_read"], counts["rows_accepted"], counts["rows_rejected"]) == (9, 8, 1)
    (problem,) = result.row_problems()
    assert (problem.code, problem.column) == expected
    assert problem.row == 10 and words in problem.message
    (reject,) = _rejects(result)
    assert reject["row"] == "10" and reject["reasons"].split("; ")[0] == expected[0]
    assert words in reject["details"]
    assert reject["respondent_id"].startswith("p-")


def test_a_row_with_several_problems_lists_them_all(tmp_path: Path) -> None:
    result = _run(_file(tmp_path, [*GOOD, "r1,pupils,prisons,never,7,1,9,,2,2,"]), tmp_path)
    (reject,) = _rejects(result)
    # most fundamental first
    assert reject["reasons"].split("; ") == ["duplicate-respondent", "unknown-audience",
                                            "invalid-answer", "unknown-workforce-group",
                                            "invalid-date"]
    # tallied once, under its most fundamental reason
    assert result.counts()["rejected_by_reason"] == {"duplicate-respondent": 1}
    # and counted once under each of its reasons: two invalid answers are one response
    assert list(result.counts()["responses_with_reason"].items()) == [
        ("duplicate-respondent", 1), ("unknown-audience", 1), ("invalid-answer", 1),
        ("unknown-workforce-group", 1), ("invalid-date", 1)]
    (line,) = result.row_problems()
    assert line.code == "duplicate-respondent" and "also unknown-audience" in line.message


def test_partial_responses_meeting_the_minimum_are_kept(tmp_path: Path) -> None:
    framework, _, _, _ = survey(tmp_path)
    # r5 answers one planning item of two: half of one dimension, the documented minimum
    result = _run(_file(tmp_path, GOOD), tmp_path)
    assert result.counts()["rows_accepted"] == 8
    strict = read_questionnaire(write(tmp_path / "q.yaml", (EXPORTS / "questionnaire.yaml")
                                      .read_text().replace("min_answered_fraction: 0.5",
                                                           "min_answered_fraction: 1")),
                                ProblemLog(), framework)
    result = _run(_file(tmp_path, GOOD), tmp_path, questionnaire=strict)
    # every dimension now needs all its items: r5 (row 6) answers half of one; r4 answers
    # half of vision but all that young people are asked of values, so is kept
    (problem,) = result.row_problems()
    assert (problem.row, problem.code) == (6, "too-few-answers")
    assert "only 1 item answered" in problem.message


def test_long_layout_problems_name_the_row_that_holds_them(tmp_path: Path) -> None:
    text = (EXPORTS / "owcf-long.csv").read_text().splitlines()
    text += ["r1,staff,health,2009-01-23T13:06:57,v1,3",     # second answer to v1
             "r2,leaders,schools,,s2,4",                       # r2 was staff
             "r4,young_people,,,vision_1,2",                   # no such item
             "r6,leaders,schools,,s1,Sorta"]                   # not an answer
    path = write(tmp_path / "long.csv", "\n".join(text) + "\n")
    result = _run(path, tmp_path)
    got = {(p.code, p.row, p.column) for p in result.problems()}
    assert {("duplicate-answer", 35, "item"), ("inconsistent-respondent", 36, "audience"),
            ("unknown-item", 37, "item"), ("invalid-answer", 38, "answer")} <= got
    counts = result.counts()
    # rows reconcile, and a rejected respondent takes all their rows with them
    assert counts["rows_read"] == 37 == counts["rows_accepted"] + counts["rows_rejected"]
    assert (counts["responses_read"], counts["responses_rejected"]) == (8, 4)
    assert len(_rejects(result)) == counts["rows_rejected"]


# -- pseudonyms -----------------------------------------------------------------------------

def test_pseudonyms_are_stable_across_runs_and_files_and_hide_ids(tmp_path: Path) -> None:
    one = _run(_file(tmp_path, GOOD, "a.csv"), tmp_path)
    two = _run(_file(tmp_path, list(reversed(GOOD)), "b.csv"), tmp_path)
    assert sorted(one.pseudonyms.tolist()) == sorted(two.pseudonyms.tolist())
    assert all(p.startswith("p-") and len(p) == 18 for p in one.pseudonyms.to_pylist())
    people = one.responses.respondents  # analysis needs no ids, not even pseudonyms
    assert "respondent_id" not in people.columns
    assert not {"r1", "r2"} & set(people.astype(str).to_numpy().ravel())
    salted = _run(_file(tmp_path, GOOD, "c.csv"), tmp_path, salt="a trust secret")
    assert not set(salted.pseudonyms.tolist()) & set(one.pseudonyms.tolist())
    assert salted.salt == "trust" and one.salt == "default"


def test_ingesting_the_normalised_file_again_changes_nothing(tmp_path: Path) -> None:
    first = responses_csv(_run(EXPORTS / "qualtrics.csv", tmp_path))
    again = _run(write(tmp_path / "normalised.csv", first.decode("utf-8-sig")), tmp_path)
    assert responses_csv(again) == first


def test_a_respondent_in_two_files_is_a_duplicate_in_the_second(tmp_path: Path) -> None:
    a = _file(tmp_path, GOOD[:3], "a.csv")
    b = _file(tmp_path, [GOOD[2], GOOD[3]], "b.csv")
    ingestion = _read_set([a, b], tmp_path)
    assert len(ingestion.responses) == 4
    (problem,) = [p for p in ingestion.rejected if p.code == "duplicate-respondent"]
    assert (problem.file, problem.row, problem.severity) == (str(b), 2, Severity.WARNING)
    assert problem.message == f"the same respondent as {a} row 4; row rejected"
    strict = _read_set([a, b], tmp_path, strict=True)
    assert [(p.code, p.severity) for p in strict.rejected] == [
        ("duplicate-respondent", Severity.ERROR)]


def test_an_id_and_its_pseudonym_in_one_file_are_the_same_respondent(tmp_path: Path) -> None:
    first = _run(_file(tmp_path, GOOD[:1], "a.csv"), tmp_path)
    (pseudonym,) = first.pseudonyms.to_pylist()
    again = GOOD[0].replace(GOOD[0].split(",")[0], pseudonym, 1)
    result = _run(_file(tmp_path, [GOOD[0], GOOD[1], again], "b.csv"), tmp_path)
    (problem,) = [p for p in result.problems() if p.code == "duplicate-respondent"]
    assert (problem.row, problem.message) == (4, "the same respondent as row 2")


def test_each_repeat_across_files_names_the_file_and_row_it_repeats(tmp_path: Path) -> None:
    a = _file(tmp_path, GOOD[:2], "a.csv")
    b = _file(tmp_path, GOOD[2:4], "b.csv")
    c = _file(tmp_path, [GOOD[3], GOOD[4], GOOD[0]], "c.csv")
    ingestion = _read_set([a, b, c], tmp_path)
    assert len(ingestion.responses) == 5
    repeats = [(p.file, p.row, p.message) for p in ingestion.rejected
               if p.code == "duplicate-respondent"]
    assert repeats == [(str(c), 2, f"the same respondent as {b} row 3; row rejected"),
                       (str(c), 4, f"the same respondent as {a} row 2; row rejected")]


def test_strict_reading_lists_rejected_rows_as_errors(tmp_path: Path) -> None:
    path = _file(tmp_path, [*GOOD, "r9,staff,health,,7,1,3,,2,2,"])
    strict = _read_set([path], tmp_path, strict=True)
    assert [(p.code, p.row, p.column, p.severity) for p in strict.rejected] == [
        ("invalid-answer", 10, "v1", Severity.ERROR)]
    lenient = _read_set([path], tmp_path)
    assert len(lenient.responses) == 8
    assert [(p.code, p.severity) for p in lenient.rejected] == [
        ("invalid-answer", Severity.WARNING)]


# -- the counts always add up ----------------------------------------------------------------

CELLS = st.sampled_from(["1", "2", "3", "4", "DK", "NA", "", "", "7", "Agree", "agreed"])
ROWS = st.lists(st.tuples(
    st.sampled_from(["a", "b", "c", "d", "e", "f", "g", ""]),
    st.sampled_from(["staff", "leaders", "young_people", "Staff", "pupils", ""]),
    st.sampled_from(["health", "schools", "", "prisons"]),
    st.sampled_from(["", "2009-01-23", "23/01/2009 10:00", "soon"]),
    st.lists(CELLS, min_size=6, max_size=6)), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_rows_read_always_equal_accepted_plus_rejected(tmp_path: Path, rows: list) -> None:
    lines = [f"{i},{a},{g},{d}," + ",".join(cells) + ",=cmd()" for i, a, g, d, cells in rows]
    text = "\n".join([HEADER, *lines]) + "\n"
    if not text.replace(",", "").replace("\n", "").replace(HEADER.replace(",", ""), ""):
        return
    result = _run(write(tmp_path / "p.csv", text), tmp_path)
    counts = result.counts()
    assert counts["rows_read"] == counts["rows_accepted"] + counts["rows_rejected"]
    assert sum(counts["rejected_by_reason"].values()) == counts["rows_rejected"]
    assert set(counts["rejected_by_reason"]) <= set(REASON_ORDER)
    assert len(result.responses) == counts["rows_accepted"]
    rejected = [int(r["row"]) for r in _rejects(result)]
    accepted = result.response_rows[~result.rejected_mask].tolist()
    assert sorted(rejected + accepted) == result.export.rows.tolist()  # each row, just once
    assert all(r["reasons"] for r in _rejects(result))
    normalised = responses_csv(result).decode("utf-8-sig")
    assert "\n=cmd()" not in normalised and ",=cmd()" not in normalised
    if counts["rows_accepted"]:
        again = _run(write(tmp_path / "n.csv", normalised), tmp_path)
        assert again.counts()["rows_rejected"] == 0  # what was accepted stays accepted


def test_every_reason_code_is_catalogued() -> None:
    from owcf.errors import CATALOGUE

    assert set(REASON_ORDER) <= CATALOGUE.keys()



# -- repeated ids ----------------------------------------------------------------------------

IDS = st.sampled_from(["r1", "r2", "R_1aB2cD3eF4gH5iJ", "R_1aB2cD3eF4gH5iK", "é-7", "9" * 16,
                       "9" * 17, "x" * 120, "x" * 121, "y" * 200, "y" * 199, "", "  "])
# all longer than a word: the first words of each need no mask
LONG_IDS = st.sampled_from(["R_1aB2cD3eF4gH5iJ", "R_1aB2cD3eF4gH5iK", "R_1aB2cD3eF4gH5iKx",
                            "9" * 16, "9" * 17, "x" * 120])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.sampled_from([IDS, LONG_IDS]).flatmap(lambda i: st.lists(i, min_size=1, max_size=25)),
       hashing=st.sampled_from(["real", "all-collide", "too-long"]))
def test_a_repeated_id_is_found_whatever_its_length_or_hash(
        tmp_path: Path, ids: list[str], hashing: str) -> None:
    """Ids are hashed to find the few that may repeat, then told apart exactly: the
    repeats are the same when every hash collides, or when ids are too long to hash."""
    answers = GOOD[0].split(",", 1)[1]
    path = write(tmp_path / "ids.csv", "\n".join([HEADER, *(f"{i},{answers}" for i in ids)]) + "\n")
    first: dict[str, int] = {}
    expected = []
    for row, ident in enumerate(ids, start=2):
        if not ident.strip():
            continue
        if ident in first:
            expected.append((row, f"the same respondent as row {first[ident]}"))
        first.setdefault(ident, row)
    with pytest.MonkeyPatch.context() as patch:
        if hashing == "all-collide":
            patch.setattr("owcf.ingest.ids.id_hashes",
                          lambda values: np.zeros(len(values), dtype=np.uint64))
        elif hashing == "too-long":
            patch.setattr("owcf.ingest.ids.HASHED_UP_TO", 0)
        result = _run(path, tmp_path)
    found = [(p.row, p.message) for p in result.problems() if p.code == "duplicate-respondent"]
    assert found == expected


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), fraction=st.sampled_from([0.5, 1.0, 0.34]))
def test_the_answer_minimum_is_judged_as_the_rule_says(tmp_path: Path, data: st.DataObject,
                                                       fraction: float) -> None:
    """no-answers and too-few-answers against the rule read plainly: a response with a
    known audience needs, in at least one dimension it is asked about, at least
    ``fraction`` of the items asked (at least one), counting any answer to the items."""
    from dataclasses import replace as changed

    from owcf.ingest.reconcile import _minimum

    framework, questionnaire, _, _ = survey(tmp_path)
    questionnaire = changed(questionnaire, min_answered_fraction=fraction)
    items, audiences = questionnaire.items, [a.id for a in framework.audiences]
    n = data.draw(st.integers(1, 30))
    block = np.array(data.draw(st.lists(st.lists(st.integers(1, 3), min_size=n, max_size=n),
                                        min_size=len(items), max_size=len(items))), dtype=np.int8)
    # blank answers as often as an example says, so that responses with none, too few and
    # enough answers all turn up
    blank = data.draw(st.sampled_from([0.0, 0.5, 0.8, 0.95]))
    block[np.random.default_rng(data.draw(st.integers(0, 1000))).random(block.shape) < blank] = 0
    audience = np.array(data.draw(st.lists(st.integers(-1, len(audiences)), min_size=n,
                                           max_size=n)), dtype=np.int16)
    # as ingest finds them: responses answering an item their audience is not asked
    unasked = np.array([audience[r] > 0 and any(
        block[k, r] > 0 and not item.asked_of(audiences[audience[r] - 1])
        for k, item in enumerate(items)) for r in range(n)], dtype=bool)
    found = {f.code: f.positions.tolist() for f in
             _minimum(block, audience, unasked, questionnaire, framework)}
    expected: dict[str, list[int]] = {}
    for r in range(n):
        if audience[r] <= 0:
            continue
        who = audiences[audience[r] - 1]
        if not (block[:, r] > 0).any():
            expected.setdefault("no-answers", []).append(r)
            continue
        meets = False
        for dim in framework.dimensions:
            members = questionnaire.items_for(dim.id)
            asked = sum(i.asked_of(who) for i in members)
            answered = sum(block[items.index(i), r] > 0 for i in members)
            meets |= asked > 0 and answered >= max(1, math.ceil(round(fraction * asked, 9)))
        # the rule as the questionnaire states it says the same
        given = {item.id for k, item in enumerate(items) if block[k, r] > 0}
        assert questionnaire.keeps_response(who, given) == meets
        if not meets:
            expected.setdefault("too-few-answers", []).append(r)
    assert found == expected


def test_the_normalised_file_holds_every_answer_however_items_are_grouped(
        tmp_path: Path) -> None:
    """Answers are written a few items to a column (one text per combination): the file
    is the same bytes for any grouping, and reading it back gives each answer given."""
    rng = np.random.default_rng(7)
    cells = np.array(["", "1", "2", "3", "4", "DK", "NA"])
    rows = [f"id{i},leaders,health,," + ",".join(rng.choice(cells, 6)) + ",note"
            for i in range(300)]
    result = _run(_file(tmp_path, rows), tmp_path)
    written = {}
    for texts in (1, 7, 64, 4096):  # one item a column, ..., up to four (7 ** 4 > 4096)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("owcf.ingest.write.ANSWER_TEXTS", texts)
            written[texts] = responses_csv(result)
    assert len(set(written.values())) == 1
    back = list(csv.DictReader(io.StringIO(written[1].decode("utf-8-sig"))))
    kept = [r for r, ok in zip(rows, ~result.rejected_mask, strict=True) if ok]
    assert len(back) == len(kept) > 200
    items = HEADER.split(",")[4:10]
    assert [[r[i] for i in items] for r in back] == [row.split(",")[4:10] for row in kept]
