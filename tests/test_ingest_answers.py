"""Answers are matched, not parsed: a scale value as the questionnaire writes it, a label
or code, or a non-answer. Nothing that changes a number's meaning (a sign, a bracket,
punctuation, a digit) is ever stripped to make a cell fit."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from owcf.errors import ProblemLog
from owcf.ingest.answers import BLANK, UNMAPPED, ValueMap, answer_map, closest_answers
from owcf.ingest.ingested import Ingested
from owcf.ingest.mapping import read_mapping
from owcf.ingest.pipeline import ingest

from .conftest import write
from .ingest_helpers import EXPORTS, survey

WIDE = (EXPORTS / "owcf-wide.csv").read_text(encoding="utf-8")
HEADER, *GOOD = WIDE.splitlines()
# the survey questionnaire: 1 Strongly disagree, 2 Disagree, 3 Agree, 4 Strongly agree,
# then DK (category 5) and NA (category 6)
CATEGORY = {"1": 1, "2": 2, "3": 3, "4": 4, "DK": 5, "NA": 6}


def _ingest(tmp_path: Path, v1_cells: list[str], mapping: Path | None = None) -> Ingested:
    """Rows r11, r12... of a leader (who is asked every item) with ``v1`` as given."""
    framework, questionnaire, _, _ = survey(tmp_path)
    rows = [f"r{k},leaders,health,,{cell},1,3,2,2,2," for k, cell in
            enumerate(v1_cells, start=11)]
    path = write(tmp_path / "answers.csv", "\n".join([HEADER, *rows]) + "\n")
    log = ProblemLog()
    result = ingest(path, questionnaire, framework, log, mapping=mapping)
    assert result is not None, log.problems
    return result


@pytest.mark.parametrize(("cell", "closest"), [
    ('"-1"', "'1'"), ('"+2"', "'2'"), ('"(3)"', "'3'"), ('"5!"', None), ('"4!"', "'4'"),
    ("4.0", "'4'"), ("Agree.", "'Agree'"), ("01", "'1'"), ("N/A", None), ("_1", "'1'"),
    ("1 2", None), ("Agreed", "'Agree'"),
])
def test_answers_off_the_scale_are_refused_with_row_column_and_candidates(
        tmp_path: Path, cell: str, closest: str | None) -> None:
    """-1 used to be read as 1, and +2, (3), 5! as 2, 3, 5."""
    result = _ingest(tmp_path, ["4", cell])
    (problem,) = result.row_problems()
    assert (problem.code, problem.row, problem.column) == ("invalid-answer", 3, "v1")
    shown = cell.strip('"')
    assert problem.message.startswith(f"{shown!r} is not an answer (expected 1-4, DK, NA or "
                                      "blank)")
    if closest is not None:
        assert f"did you mean {closest}" in problem.message
    assert result.counts()["rows_accepted"] == 1
    assert result.responses.answers["v1"].tolist() == [4]


@pytest.mark.parametrize(("cell", "category"), [
    ("3", 3), (" 3 ", 3), ("Agree", 3), ("AGREE", 3), ("  strongly   agree ", 4),
    ("strongly_agree", 4), ("Strongly_Disagree", 1), ("Don\u2019t know", 5), ("dont_know", 5),
    ("don_t_know", 5), ("DK", 5), ("dk", 5), ("not_applicable", 6), ("Not applicable", 6),
    ("", BLANK), ("   ", BLANK),
])
def test_case_spaces_curly_quotes_and_choice_names_still_match(
        tmp_path: Path, cell: str, category: int) -> None:
    result = _ingest(tmp_path, [cell])
    assert not result.row_problems(), result.row_problems()
    assert result.responses.answers["v1"].tolist() == [category]


def _survey_answers() -> ValueMap:
    with tempfile.TemporaryDirectory() as folder:
        _, questionnaire, _, _ = survey(Path(folder))
    return answer_map(questionnaire)


_ANSWERS = _survey_answers()
SCALE = ["1", "2", "3", "4", "Agree", "Disagree", "DK", "NA"]
DECORATION = st.sampled_from(["-{}", "+{}", "({})", "[{}]", "{}!", "{}.", "{}?", "{}.0", "0{}",
                              "{}0", "{}%", "'{}", "{}*", "#{}", "{}/{}", "~{}", "{},"])


@settings(max_examples=150, deadline=None)
@given(value=st.sampled_from(SCALE), decoration=DECORATION)
def test_no_decorated_answer_is_taken_for_the_answer_it_decorates(value: str,
                                                                 decoration: str) -> None:
    assert _ANSWERS.lookup(decoration.format(value, value)) == UNMAPPED


def test_a_trusts_answer_mapping_overrides_the_questionnaires_labels(tmp_path: Path) -> None:
    """The mapping's ``answers:`` win, even over a label of the questionnaire: here the
    export's 'Agree' meant the top of the scale, and 'Disagree' (in any case) don't know."""
    framework, questionnaire, _, _ = survey(tmp_path)
    mapping = write(tmp_path / "m.yaml", "schema: owcf-mapping/1\n"
                    "answers: {Agree: 4, disagree: DK, '-1': 1}\n")
    log = ProblemLog()
    read = read_mapping(mapping, questionnaire, framework, (), log)
    assert read is not None and not log.errors, log.problems
    result = _ingest(tmp_path, ["Agree", "Disagree", "DISAGREE", "-1", "3"], mapping=read)
    assert not result.row_problems(), result.row_problems()
    assert result.responses.answers["v1"].tolist() == [4, 5, 5, 1, 3]


@pytest.mark.parametrize(("cell", "message"), [
    ("-1", "'-1' is not an answer (expected 1-4, DK, NA or blank) (did you mean '1'?)"),
    ("1 2", "'1 2' is not an answer (expected 1-4, DK, NA or blank) (did you mean '2' or "
            "'1'?)"),
    ("Agreed", "'Agreed' is not an answer (expected 1-4, DK, NA or blank) (did you mean "
               "'Agree', 'Disagree' or 'Strongly agree'?)"),
    # four answers are close: the three closest are named
    ("Strongly agreed", "'Strongly agreed' is not an answer (expected 1-4, DK, NA or blank) "
                        "(did you mean 'Strongly agree', 'Strongly disagree' or 'Disagree'?)"),
    ("xyz", "'xyz' is not an answer (expected 1-4, DK, NA or blank)"),
    ("jo@example.org", "'[email removed]' is not an answer (expected 1-4, DK, NA or blank)"),
])
def test_the_invalid_answer_message_in_full(tmp_path: Path, cell: str, message: str) -> None:
    """One candidate, two (equally close), three, none; and an email address typed as an
    answer is not repeated."""
    result = _ingest(tmp_path, [cell])
    (problem,) = result.row_problems()
    assert problem.message == f"{message}; row rejected"


@pytest.mark.parametrize(("cell", "message"), [
    ("Staf", "'Staf' is not one of staff, leaders, young_people (did you mean 'Staff'?)"),
    # 'Staff member' is 0.59 like 'staff', under the 0.6 a hint needs
    ("Staff member", "'Staff member' is not one of staff, leaders, young_people"),
])
def test_an_unknown_audience_suggests_one_only_when_close(tmp_path: Path, cell: str,
                                                          message: str) -> None:
    framework, questionnaire, _, _ = survey(tmp_path)
    path = write(tmp_path / "a.csv", f"{HEADER}\nr1,{cell},health,,4,1,3,,2,2,\n")
    result = ingest(path, questionnaire, framework, ProblemLog())
    assert result is not None
    (problem,) = result.row_problems()
    assert (problem.code, problem.message) == ("unknown-audience", f"{message}; row rejected")


def test_the_provenance_names_the_mapping_used(tmp_path: Path) -> None:
    import hashlib

    from owcf.ingest.write import provenance

    framework, questionnaire, _, _ = survey(tmp_path)
    mapping = write(tmp_path / "m.yaml", "schema: owcf-mapping/1\nanswers: {Agree: 4}\n")
    log = ProblemLog()
    read = read_mapping(mapping, questionnaire, framework, (), log)
    result = _ingest(tmp_path, ["Agree"], mapping=read)
    record = provenance(result, {})
    assert record["mapping"] == {"file": "m.yaml",
                                 "sha256": hashlib.sha256(mapping.read_bytes()).hexdigest()}
    assert provenance(_ingest(tmp_path, ["4"]), {})["mapping"] is None


# -- the whole-column pass, against codes worked out by hand (mutation testing, part 8) --

def _short() -> ValueMap:
    """Built in each test, not once at import, so a mutation tool sees the tests use it."""
    return ValueMap([("1", 1), ("2", 2), ("DK", 6), ("Agree", 2)], strict=True)


# cells of at most two bytes (the byte-table pass): a prefix of an entry ("D"), an entry
# reversed ("KD"), a NUL, an entry in another case; each code worked out by hand
_SHORT_CELLS = ["1", "D", "KD", "", "2", "DK", "9", "dk", "\x00", "1", "\x00"]
_SHORT_CODES = [1, UNMAPPED, UNMAPPED, BLANK, 2, 6, UNMAPPED, 6, UNMAPPED, 1, UNMAPPED]


@pytest.mark.parametrize("run", [1, 2, 1 << 16])
@pytest.mark.parametrize("dtype", [None, "int8", "int16"])
def test_short_cells_map_by_hand_however_the_column_is_cut(run: int, dtype: str | None) -> None:
    """Chunks of 1, 3, 2, 1 and 4 cells, taken one, two or all at a time."""
    cuts = [0, 1, 4, 6, 7, 11]
    column = pa.chunked_array([pa.array(_SHORT_CELLS[a:b], pa.string())
                               for a, b in itertools.pairwise(cuts)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("owcf.ingest.answers._RUN", run)
        if dtype is None:
            codes = _short().codes(column)
            assert codes.dtype == np.int8  # one byte an answer, as the docstring promises
        else:
            codes = np.full(len(_SHORT_CELLS), 99, dtype=dtype)
            _short().codes(column, codes)
    assert codes.tolist() == _SHORT_CODES


def test_a_column_of_blank_cells_is_blank() -> None:
    assert _short().codes(pa.array(["", "", ""])).tolist() == [BLANK, BLANK, BLANK]


def test_long_and_large_string_cells_map_by_hand() -> None:
    cells = ["Agree", "agree", " DK ", "-1", "", "1"]
    expected = [2, 2, 6, UNMAPPED, BLANK, 1]
    assert _short().codes(pa.array(cells)).tolist() == expected
    assert _short().codes(pa.array(cells, pa.large_string())).tolist() == expected
    assert _short().codes(pa.array(["1", "DK"], pa.large_string())).tolist() == [1, 6]


def test_codes_beyond_a_byte_are_kept() -> None:
    """A framework with more than 126 workforce groups: codes no longer fit in a byte."""
    many = ValueMap([("x", 200), ("y", 1)])
    assert many.codes(pa.array(["x", "", "z", "y"])).tolist() == [200, BLANK, UNMAPPED, 1]
    assert many.codes(pa.array(["x", "", "zz"])).tolist() == [200, BLANK, UNMAPPED]


def test_codes_are_one_byte_exactly_when_they_fit() -> None:
    """127 workforce groups fit in int8, the 128th does not (it would read as -128)."""
    fits = ValueMap([("x", 127), ("y", 1)])
    assert fits.codes(pa.array(["x", "y", ""])).dtype == np.int8
    assert fits.codes(pa.array(["x", "y", ""])).tolist() == [127, 1, BLANK]
    beyond = ValueMap([("x", 128), ("y", 1)])
    assert beyond.codes(pa.array(["x", "y", ""])).dtype == np.int16
    assert beyond.codes(pa.array(["x", "y", ""])).tolist() == [128, 1, BLANK]


class _Counted:
    """Which cells a ValueMap looked at one by one, with pyarrow's index_in refused."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.looked: list[str] = []
        lookup = ValueMap.lookup

        def counted(vm: ValueMap, text: str) -> int:
            self.looked.append(text)
            return lookup(vm, text)

        def refused(*args: object, **kwargs: object) -> None:
            raise AssertionError("short cells went the slow way, through index_in")

        monkeypatch.setattr(ValueMap, "lookup", counted)
        monkeypatch.setattr("owcf.ingest.answers.pc.index_in", refused)


@pytest.mark.parametrize("dtype", [None, "int8", "int16"])
def test_short_answers_are_coded_from_the_byte_table_alone(
        monkeypatch: pytest.MonkeyPatch, dtype: str | None) -> None:
    """The whole-column pass the ingest benchmark rests on: cells of one or two bytes
    that are answers, or blank, are never looked at one by one, whatever follows them;
    the rest are looked at once per distinct text."""
    cells = ["1", "1", "2", "DK", "", "1", "", "", "2", "DK", "DK", "1", "dk", "9", "dk"]
    column = pa.chunked_array([pa.array(cells[:5]), pa.array(cells[5:])])
    vm = _short()
    counted = _Counted(monkeypatch)
    if dtype is None:
        codes = vm.codes(column)
    else:
        codes = np.zeros(len(cells), dtype=dtype)
        vm.codes(column, codes)
    assert codes.tolist() == [1, 1, 2, 6, BLANK, 1, BLANK, BLANK, 2, 6, 6, 1, 6, UNMAPPED, 6]
    assert counted.looked == ["dk", "9"]


def test_longer_answers_are_matched_whole_not_one_by_one(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """A column with a three-byte answer goes through pyarrow's index_in: exact cells are
    found there, never looked at one by one."""
    vm = ValueMap([("Yes", 1), ("No", 2)], strict=True)
    looked: list[str] = []
    lookup = ValueMap.lookup
    monkeypatch.setattr(ValueMap, "lookup", lambda m, t: looked.append(t) or lookup(m, t))
    assert vm.codes(pa.array(["Yes", "No", "", "Yes", "yes"])).tolist() == [1, 2, BLANK, 1, 1]
    assert looked == ["yes"]


def test_names_match_by_letters_and_digits_unless_two_names_share_them() -> None:
    """Audiences and workforce groups: 'Young-People' is young_people; 'a.b' and 'ab'
    share the letters 'ab', so 'A-B' matches neither, while 'A.B.' is 'a.b' once its
    trailing full stop is set aside."""
    names = ValueMap([("staff", 1), ("Staff", 1), ("leaders", 2), ("young_people", 3),
                      ("Young people", 3)])
    assert [names.lookup(t) for t in ["Young-People", "YOUNG PEOPLE!", "staff.", "Staf",
                                      "xxxx"]] == [3, 3, 1, UNMAPPED, UNMAPPED]
    shared = ValueMap([("a.b", 1), ("ab", 2)])
    assert [shared.lookup(t) for t in ["A-B", "A.B.", "AB"]] == [UNMAPPED, 1, 2]
    # a trust's own name for a group matches as loosely as the framework's names
    mapped = ValueMap([("staff", 1)], {"Young Person": 3})
    assert [mapped.lookup(t) for t in ["young-person", "YOUNG_PERSON", "staff"]] == [3, 3, 1]


def test_answers_never_match_by_letters_alone() -> None:
    """Not even through a trust's mapping: '-1' mapped to 1 does not make '(-1)' or
    '1' something else; a choice name an answer label would make ('dont know') is not
    taken when another answer is written that way; no text is blank but blank text."""
    answers = ValueMap([("1", 1), ("2", 2)], {"-1": 1}, strict=True)
    assert [answers.lookup(t) for t in ["-1", "(-1)", "1", "xxxx", "XXXX"]] == \
        [1, UNMAPPED, 1, UNMAPPED, UNMAPPED]
    both = ValueMap([("Don't know", 5), ("dont_know", 6)], strict=True)
    assert [both.lookup(t) for t in ["DONT KNOW", "don't know", "don_t_know"]] == [6, 5, 5]
    blank = ValueMap([("1", 1)], {" ": 4}, strict=True)
    assert blank.lookup("") == BLANK
    assert blank.codes(pa.array(["", "1"])).tolist() == [BLANK, 1]



def test_closest_answers_gives_as_many_as_asked(tmp_path: Path) -> None:
    _, questionnaire, _, _ = survey(tmp_path)
    assert closest_answers("Strongly agreed", questionnaire, n=4) == [
        "Strongly agree", "Strongly disagree", "Disagree", "Agree"]
    assert closest_answers("Strongly agreed", questionnaire, n=1) == ["Strongly agree"]
