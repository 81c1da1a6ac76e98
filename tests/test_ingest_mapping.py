"""Columns and answers map by id, by question text however re-typed, or by a mapping
YAML; what does not map is an error naming the closest candidates; --suggest-mapping
writes a starter file that works once its TODOs are decided."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from owcf.cli import app
from owcf.errors import ProblemLog
from owcf.ingest.answers import ValueMap
from owcf.ingest.columns import is_personal_heading
from owcf.ingest.ingested import Ingested
from owcf.ingest.pipeline import ingest
from owcf.ingest.text import loose, normalise

from .conftest import write
from .ingest_helpers import EXPORTS, survey

runner = CliRunner()
TEXTS = {"v1": "Partners share one vision for children in our area.",
         "v2": "Each service works towards its own goals, not shared ones.",
         "s1": "Staff from different services respect each other's work.",
         "s2": "Leaders promote shared values across services.",
         "p1": "We plan the workforce together across services.",
         "p2": "Training is planned jointly by partner agencies."}


def _google(tmp_path: Path, headings: list[str], rows: list[list[str]]) -> Path:
    """A Google Forms style file: Timestamp, then the given columns."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Timestamp", *headings])
    for k, row in enumerate(rows):
        writer.writerow([f"2009/01/23 1:0{k}:00 PM GMT", *row])
    return write(tmp_path / "form.csv", buffer.getvalue())


def csv_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def _run(path: Path, folder: Path, **options: object) -> tuple[Ingested | None, ProblemLog]:
    framework, questionnaire, _, _ = survey(folder)
    log = ProblemLog()
    return ingest(path, questionnaire, framework, log, **options), log


# -- text normalisation -----------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(item=st.sampled_from(sorted(TEXTS)),
       case=st.sampled_from([str.upper, str.lower, str.title, lambda s: s]),
       space=st.sampled_from([" ", "  ", "\u00a0", " \t"]),
       quote=st.sampled_from(["'", "\u2019", "\u2018", "`"]),
       ending=st.sampled_from(["", ".", "?", " :", "...", "*", " "]))
def test_question_text_matches_however_it_is_retyped(item: str, case: Callable[[str], str],
                                                      space: str, quote: str, ending: str
                                                      ) -> None:
    text = case(TEXTS[item].rstrip(".")).replace(" ", space).replace("'", quote) + ending
    assert normalise(text) == normalise(TEXTS[item])


def test_loose_keys_join_platform_codes_to_labels() -> None:
    assert loose("strongly_agree") == loose("Strongly agree")
    assert loose("dont_know") == loose("Don\u2019t know") == loose("DON'T KNOW")
    assert normalise("4.0") == "4" and normalise(" 4 ") == "4"


@pytest.mark.parametrize(("heading", "personal"), [
    ("Email", True), ("Your name (optional)", True), ("E-mail address", True),
    ("Phone number", True), ("Post code", True), ("Name of your service", False),
    ("Partners share one vision", False),
])
def test_personal_data_headings(heading: str, personal: bool) -> None:
    assert is_personal_heading(heading) is personal


# -- columns ----------------------------------------------------------------------------

def test_columns_map_by_retyped_question_text(tmp_path: Path) -> None:
    headings = ["Which best describes you?",
                "PARTNERS SHARE ONE VISION FOR CHILDREN IN OUR AREA",
                "How far do you agree? - Staff from different services respect each other\u2019s "
                "work",
                "Q7. We plan the  workforce together across services?"]
    path = _google(tmp_path, headings, [["Staff", "Agree", "Disagree", "Strongly agree"]])
    result, log = _run(path, tmp_path)
    assert result is not None, log.problems
    assert {c.label: c.target for c in result.export.columns if c.target} == {
        headings[1]: "v1", headings[2]: "s1", headings[3]: "p1"}
    assert result.responses.answers[["v1", "s1", "p1"]].to_numpy().tolist() == [[3, 2, 4]]


def test_columns_matching_no_item_are_left_out_with_one_warning(tmp_path: Path) -> None:
    """An export's extra questions ("Job title", a consent question) used to refuse the
    whole file until each was mapped to 'ignore'."""
    _, _, fw, q = survey(tmp_path)
    path = _google(tmp_path, ["Which best describes you?", "Job title", TEXTS["v1"],
                              "I consent to taking part", "Partners share a vision for kids"],
                   [["Staff", "Social worker", "Agree", "Yes", "Agree"],
                    ["Leaders", "Head", "Strongly agree", "Yes", "Disagree"]])
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(path), "--framework", str(fw),
                                 "--questionnaire", str(q), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.stderr.splitlines() if "unknown-column" in x]
    assert line.startswith(f"{path}: row 1: warning: unknown-column: 3 columns are neither ")
    assert "'Job title'; 'I consent to taking part'; 'Partners share a vision for kids' " \
        "(closest: v1 'Partners share one vision for children" in line
    assert "--suggest-mapping" in line
    provenance = json.loads((out / "form.provenance.json").read_text(encoding="utf-8"))
    left_out = [c["heading"] for c in provenance["columns"] if c["role"] == "ignore"]
    assert left_out == ["Job title", "I consent to taking part",
                        "Partners share a vision for kids"]
    assert provenance["counts"]["rows_accepted"] == 2
    back = csv_text(out / "form.responses.csv")
    assert "Social worker" not in back and back.splitlines()[0].endswith(",comment")


def test_a_file_where_no_column_is_an_item_is_refused(tmp_path: Path) -> None:
    path = _google(tmp_path, ["Which best describes you?", "Partners share a vision for kids"],
                   [["Staff", "Agree"]])
    result, log = _run(path, tmp_path)
    assert result is None
    (problem,) = log.errors
    assert problem.code == "missing-column" and "no column is a questionnaire item" in \
        problem.message


def test_two_columns_for_one_item_are_read_as_one_and_a_row_answering_both_is_rejected(
        tmp_path: Path) -> None:
    """One form asking an item in two wordings (adult and children's, routed): a row's
    answer is the one it gives; a row that answers the item twice is rejected."""
    path = _google(tmp_path, ["Which best describes you?", TEXTS["v1"], "v1", TEXTS["s1"]],
                   [["Staff", "Agree", "", "Agree"], ["Staff", " ", "Disagree", "Agree"],
                    ["Staff", "Agree", "Agree", "Agree"], ["Staff", "", "", "Agree"]])
    result, log = _run(path, tmp_path)
    assert result is not None and not log.errors, log.problems
    assert result.responses.answers["v1"].tolist() == [3, 2, 0]
    (problem,) = result.problems()
    assert problem.code == "answered-twice" and problem.row == 4
    assert "item 'v1' is answered in more than one of" in problem.message


def test_two_audience_columns_are_still_ambiguous(tmp_path: Path) -> None:
    path = _google(tmp_path, ["audience", "Audience", TEXTS["v1"]],
                   [["Staff", "Staff", "Agree"]])
    result, log = _run(path, tmp_path)
    assert result is None
    (problem,) = [p for p in log.errors]
    assert problem.code == "ambiguous-column" and "'audience'" in problem.message


def test_mapping_yaml_names_columns_answers_audiences_and_groups(tmp_path: Path) -> None:
    path = _google(tmp_path, ["Your role", "Your service", "How true is: vision",
                              "How true is: planning"],
                   [["Practitioner", "Early Years Foundation Stage", "Tend to agree", "-99"],
                    ["Senior leader", "School", "Agree", "Tend to disagree"]])
    mapping = write(tmp_path / "m.yaml", """\
        schema: owcf-mapping/1
        columns:
          your role: audience
          "Your Service": workforce_group
          How true is - vision: ignore
          "How true is: vision": v1
          "How true is: planning": p1
        answers:
          Tend to agree: 3
          Tend to disagree: Disagree
          "-99": blank
        audiences:
          Practitioner: staff
          Senior leader: leaders
        workforce_groups:
          Early Years Foundation Stage: health
          School: schools
        """)
    result, log = _run(path, tmp_path, mapping=mapping)
    assert result is not None, log.problems
    people = result.responses.respondents
    assert people["audience"].tolist() == ["staff", "leaders"]
    assert people["workforce_group"].tolist() == ["health", "schools"]
    assert result.responses.answers[["v1", "p1"]].to_numpy().tolist() == [[3, 0], [3, 2]]
    # the mapping line nothing matched is a warning naming its line
    (unused,) = [p for p in log.warnings if p.code == "unknown-column"]
    assert unused.file == str(mapping) and unused.line == 5


def test_mapping_problems_name_their_yaml_line(tmp_path: Path) -> None:
    path = _google(tmp_path, ["Which best describes you?", TEXTS["v1"]], [["Staff", "Agree"]])
    mapping = write(tmp_path / "m.yaml", """\
        schema: owcf-mapping/1
        columns:
          Which best describes you?: audiance
        answers:
          Sort of: 7
        audiences:
          Staff: staf
        """)
    result, log = _run(path, tmp_path, mapping=mapping)
    assert result is None
    got = {(p.code, p.line) for p in log.errors}
    assert got == {("unknown-item", 3), ("invalid-value", 5), ("unknown-audience", 7)}
    assert "did you mean 'audience'" in next(p.message for p in log.errors
                                             if p.code == "unknown-item")


def test_one_audience_for_a_whole_file_without_an_audience_column(tmp_path: Path) -> None:
    path = _google(tmp_path, [TEXTS["v1"], TEXTS["s1"]], [["Agree", "Disagree"]])
    result, log = _run(path, tmp_path)
    assert result is None
    assert [(p.code, p.column) for p in log.errors] == [("missing-column", "audience")]
    mapping = write(tmp_path / "m.yaml", "schema: owcf-mapping/1\naudience: young_people\n")
    result, log = _run(path, tmp_path, mapping=mapping)
    assert result.responses.respondents["audience"].tolist() == ["young_people"]


def test_audience_column_is_found_by_its_values(tmp_path: Path) -> None:
    path = _google(tmp_path, ["Tell us who you are", "And where you work", TEXTS["v1"]],
                   [["Leaders", "Health", "Agree"], ["young people", "", "Agree"]])
    result, log = _run(path, tmp_path)
    assert result is not None, log.problems
    how = {c.label: (c.role.value, c.how) for c in result.export.columns}
    assert how["Tell us who you are"] == ("audience", "values are audiences")
    assert how["And where you work"] == ("workforce_group", "values are workforce groups")


def test_kobo_choice_names_map_to_labels(tmp_path: Path) -> None:
    path = _google(tmp_path, ["audience", "v1", "v2", "s1"],
                   [["staff", "strongly_agree", "dont_know", "not_applicable"]])
    result, _ = _run(path, tmp_path)
    assert result.responses.answers[["v1", "v2", "s1"]].to_numpy().tolist() == [[4, 5, 6]]


def test_breakdown_fields_are_kept_as_categories(tmp_path: Path) -> None:
    path = _google(tmp_path, ["audience", "Locality", "Area board", TEXTS["v1"]],
                   [["staff", "North", "", "Agree"], ["staff", "South", "B2", "Agree"]])
    mapping = write(tmp_path / "m.yaml",
                    "schema: owcf-mapping/1\ncolumns:\n  Area board: area_board\n")
    result, log = _run(path, tmp_path, mapping=mapping, fields=["locality", "area_board"])
    assert result is not None, log.problems
    people = result.responses.respondents
    assert people["locality"].tolist() == ["North", "South"]
    assert people["area_board"].isna().tolist() == [True, False]  # blank: not stated
    assert people["area_board"].iloc[1] == "B2"
    assert people["area_board"].dtype == "category"


# -- suggest-mapping ----------------------------------------------------------------------

def test_suggest_mapping_writes_a_starter_that_works_once_decided(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, fw, q = survey(tmp_path)
    monkeypatch.chdir(tmp_path)
    path = _google(tmp_path, ["Your role", "Email Address", TEXTS["v1"],
                              "Partners share a vision for kids", "Anything else to add?"],
                   [["Practitioner", "a@example.org", "Tend to agree", "Agree", "no"]])
    args = ["ingest", str(path), "--framework", str(fw), "--questionnaire", str(q)]
    result = runner.invoke(app, [*args, "--suggest-mapping"])
    assert result.exit_code == 0, result.output
    suggestion = Path("ingested/form/form.mapping.yaml")
    assert result.stdout.strip() == str(suggestion)
    text = suggestion.read_text(encoding="utf-8")
    assert "Email Address: personal" in text
    assert f"{TEXTS['v1']}: v1  # question text" in text
    assert "Partners share a vision for kids: TODO  # closest: v1 " in text
    (answer,) = [x for x in text.splitlines() if x.startswith("  Tend to agree: TODO")]
    assert "# closest: " in answer and "3 (Agree)" in answer
    assert "audience: TODO" in text
    assert "a@example.org" not in text

    # used as it stands, it fails on each TODO; decided, it works
    result = runner.invoke(app, [*args, "--mapping", str(suggestion)])
    assert result.exit_code == 1 and result.stderr.count("TODO") >= 3
    decided = (text.replace("audience: TODO", "audience: staff")
               .replace("Partners share a vision for kids: TODO", "Partners share a vision for "
                        "kids: ignore")
               .replace("Tend to agree: TODO", "Tend to agree: 3")
               .replace("Your role: TODO", "Your role: ignore"))
    suggestion.write_text(decided, encoding="utf-8")
    result = runner.invoke(app, [*args, "--mapping", str(suggestion), "--format", "json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)["ingested"][0]["counts"]
    assert (counts["rows_read"], counts["rows_accepted"]) == (1, 1)


def test_suggest_mapping_never_overwrites_an_edited_file(tmp_path: Path) -> None:
    _, _, fw, q = survey(tmp_path)
    out = tmp_path / "out"
    existing = write(out / "qualtrics.mapping.yaml", "# my edits\n")
    result = runner.invoke(app, ["ingest", str(EXPORTS / "qualtrics.csv"), "--framework",
                                 str(fw), "--questionnaire", str(q), "--out", str(out),
                                 "--suggest-mapping"])
    assert result.exit_code == 1
    assert f"{existing}: output-exists:" in result.stderr
    assert existing.read_text() == "# my edits\n"


def test_validate_checks_a_mapping_file_against_the_questionnaire(tmp_path: Path) -> None:
    _, _, fw, q = survey(tmp_path)
    mapping = write(tmp_path / "m.yaml", """\
        schema: owcf-mapping/1
        columns:
          Q1: audience
          Q2: vison_1
        answers:
          Tend to agree: 3
        """)
    result = runner.invoke(app, ["validate", str(fw), str(q), str(mapping)])
    assert result.exit_code == 1
    assert f"{mapping}:4: unknown-item: column 'Q2' maps to 'vison_1'" in result.output
    mapping.write_text(mapping.read_text().replace("vison_1", "v1"))
    assert runner.invoke(app, ["validate", str(fw), str(q), str(mapping)]).exit_code == 0


ENTRIES = [("1", 1), ("2", 2), ("Agree", 2), ("DK", 6), ("é", 3), ("N/A", 7)]
ANSWER_MAP = ValueMap(ENTRIES)
STRICT_MAP = ValueMap(ENTRIES, {"-1": 1, "dk": 7}, strict=True)
CELL = st.sampled_from(["", "1", "2", "DK", "dk", " 1", "é", "e", "9", "?", "Agree", "N/A", "  ",
                        "-1", "+2", "n_a"])
SHORT_CELL = st.sampled_from(["", "1", "2", "DK", "dk", " 1", "é", "e", "9", "?", "  ", "-1"])


@settings(max_examples=200)
@given(cells=st.sampled_from([CELL, SHORT_CELL]).flatmap(
           lambda cell: st.lists(cell, min_size=1, max_size=40)),
       cuts=st.lists(st.integers(0, 40)), skip=st.integers(0, 3),
       run=st.sampled_from([1, 3, 1 << 16]), values=st.sampled_from([ANSWER_MAP, STRICT_MAP]))
def test_a_column_maps_as_its_cells_do_one_by_one(cells: list[str], cuts: list[int],
                                                  skip: int, run: int, values: ValueMap) -> None:
    """The whole-column pass (a byte table for short cells, index_in otherwise) agrees with
    looking each cell up, however the column is cut into chunks or sliced, and however
    many cells the byte table takes at a time."""
    bounds = sorted({0, len(cells), *(c for c in cuts if c < len(cells))})
    column = pa.chunked_array([pa.array(["xx"] * skip + cells[a:b])[skip:]
                               for a, b in pairwise(bounds)], pa.string())
    expected = [values.lookup(c) for c in cells]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("owcf.ingest.answers._RUN", run)
        assert values.codes(column).tolist() == expected
        out = np.zeros(len(cells), dtype=np.int8)
        values.codes(column, out)
    assert out.tolist() == expected


def test_an_empty_chunk_without_buffers_maps_to_nothing() -> None:
    """Valid Arrow, though pyarrow's own readers always give offsets."""
    empty = pa.Array.from_buffers(pa.string(), 0, [None, None, pa.py_buffer(b"")])
    column = pa.chunked_array([pa.array(["1", "DK"]), empty, pa.array(["2"])], pa.string())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("owcf.ingest.answers._RUN", 1)
        assert ANSWER_MAP.codes(column).tolist() == [1, 6, 2]


HEADING = st.one_of(
    st.text(max_size=40), st.text(min_size=100, max_size=3000),
    st.sampled_from(["", " ", "Q1", "null", "true", "~", "- a", "? b", "a: b", "#x", "x #y",
                     "'q'", '"q"', "<<", "&a", "*a", "!tag", "%x", "@x", "`x", "[x]", "{x}",
                     "a\nb", "a\r\nb", "\t", "\x00", "\x07", "\x85", "\u2028", "\ufeff",
                     "\U0001F600", "Staff\u2019s view", "Timestamp", "v1", "email_2",
                     "x" * 1100, "Which best describes you?"]))


@settings(max_examples=60, deadline=None)
# two headings equal once normalised, both holding the item: the answer of the second
# column was not listed (hypothesis found it)
@example(headings=["V1"], answers=["0"])
@given(headings=st.lists(HEADING, min_size=1, max_size=6),
       answers=st.lists(st.one_of(st.text(max_size=30), st.text(min_size=1100, max_size=1200)),
                        min_size=1, max_size=3))
def test_a_suggested_mapping_always_loads(headings: list[str], answers: list[str]) -> None:
    """Whatever the headings (any length, any characters: a full-text export's headings
    run past 128 characters, where the YAML written used to stop loading) and whatever
    answers fail to match, the suggestion loads with owcf's own mapping reader and, once
    its TODOs are decided, maps every column by its heading."""
    import re
    import tempfile

    from owcf.ingest.answers import UNMAPPED, answer_map
    from owcf.ingest.mapping import read_mapping
    from owcf.ingest.personal import redact
    from owcf.ingest.sheet import Sheet
    from owcf.ingest.suggest import suggest_for

    headings = ["Timestamp", *headings, "v1"]
    cells = [["2009/01/23 1:06:57 PM GMT", *("x" for _ in headings[1:-1]), a] for a in answers]
    columns = [pa.array([h, *(row[j] for row in cells)], pa.string())
               for j, h in enumerate(headings)]
    sheet = Sheet("form.csv", "csv", "UTF-8", ",", None, columns)
    with tempfile.TemporaryDirectory() as folder:
        framework, questionnaire, _, _ = survey(Path(folder))
        log = ProblemLog()
        text = suggest_for(sheet, "form\n.csv", questionnaire, framework, log,
                           source="google-forms")
        assert text is not None, log.problems
        section, decided = "", []
        for line in text.splitlines():
            if not line.startswith((" ", "#")):
                section = line.split(":")[0]
            value = {"columns": "ignore", "answers": "blank", "audiences": "staff",
                     "workforce_groups": "health"}.get(section, "staff")
            decided.append(re.sub(r": TODO(?=  #|$)", f": {value}", line))
        path = Path(folder) / "form.mapping.yaml"
        path.write_text("\n".join(decided) + "\n", encoding="utf-8")
        mapping = read_mapping(path, questionnaire, framework, (), log)
    assert mapping is not None and not log.errors, (log.errors, text)
    for heading in headings:
        assert normalise(heading) in mapping.columns, heading
    known = answer_map(questionnaire)
    for answer in answers:  # each answer that did not match, unless it is personal data
        if known.lookup(answer) == UNMAPPED and redact(answer) == answer:
            assert answer.strip() in mapping.answers, answer


def test_suggest_mapping_for_a_full_text_export_loads(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Headings longer than about 128 characters (every full-text export) made YAML that
    did not load."""
    from owcf.ingest.mapping import read_mapping

    framework, questionnaire, fw, q = survey(tmp_path)
    monkeypatch.chdir(tmp_path)
    long = ("Thinking about the last twelve months, how far do you agree that the partners "
            "in this area: 'share one vision' # for children, young people and families?")
    path = _google(tmp_path, ["Which best describes you?", long, "x" * 1500, TEXTS["v1"]],
                   [["Staff", "Agree", "Agree", "Agree"]])
    result = runner.invoke(app, ["ingest", str(path), "--framework", str(fw),
                                 "--questionnaire", str(q), "--suggest-mapping"])
    assert result.exit_code == 0, result.output
    suggestion = Path(result.stdout.strip())
    log = ProblemLog()
    mapping = read_mapping(suggestion, questionnaire, framework, (), log)
    assert mapping is not None
    # the only problems are the TODOs, one for each long heading, read back as written
    assert sorted(p.message.split(" maps to ")[0] for p in log.errors) == sorted(
        [f"column {long!r}", f"column {'x' * 1500!r}"])
    assert {p.code for p in log.errors} == {"unknown-item"}
