"""`owcf validate` and `owcf.workspace.validate.validate_paths`: bad input gets a one-line problem
naming the file and the place (YAML line, CSV row and column), exit status 1 and never
a traceback; every problem is reported in one pass; input files are never modified."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from owcf.cli import app
from owcf.errors import CATALOGUE, Problem
from owcf.workspace.validate import ValidationReport, validate_paths
from tests.conftest import EXAMPLE

from .ingest_helpers import digests

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No debug tracebacks, no stray trust search path, and run from an empty folder."""
    monkeypatch.delenv("OWCF_DEBUG", raising=False)
    monkeypatch.delenv("OWCF_TRUST_PATH", raising=False)
    monkeypatch.chdir(tmp_path)


# -- helpers ---------------------------------------------------------------------------

def edit(path: Path, old: str, new: str) -> Path:
    """Replace ``old`` (which must be there) with ``new`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line of ``path`` containing ``needle``."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if needle in line]
    assert len(hits) >= nth, f"{needle!r} not found {nth} times in {path.name}"
    return hits[nth - 1]


def found(problems: list[Problem], code: str, file: str) -> list[Problem]:
    """Problems with ``code`` in the file named ``file``."""
    return [p for p in problems if p.code == code and p.file and Path(p.file).name == file]


def check(paths: list[Path]) -> ValidationReport:
    report = validate_paths(paths)
    assert {p.code for p in report.problems} <= CATALOGUE.keys()
    return report


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)


def cli(*args: object) -> Result:
    result = runner.invoke(app, ["validate", *map(str, args)])
    assert_no_traceback(result)
    return result


def cli_json(*args: object) -> tuple[Result, dict]:
    result = cli("--format", "json", *args)
    data = json.loads(result.stdout)
    assert {p["code"] for p in data["problems"]} <= CATALOGUE.keys()
    return result, data


def output_lines(result: Result, code: str) -> list[str]:
    """Output lines reporting ``code``."""
    return [line for line in result.output.splitlines() if f" {code}:" in line]


def assert_yaml_line(result: Result, code: str, file: str, line: int) -> None:
    lines = output_lines(result, code)
    assert any(f"{file}:{line}:" in text for text in lines), \
        f"no {code} at {file}:{line} in:\n{result.output}"


def assert_csv_place(result: Result, code: str, row: int, column: str,
                     file: str = "responses.csv") -> None:
    lines = output_lines(result, code)
    assert any(file in text and re.search(rf"\brow {row}\b", text) and column in text
               for text in lines), f"no {code} at {file} row {row} {column} in:\n{result.output}"




# -- 1. valid inputs -------------------------------------------------------------------

def test_tiny_workspace_is_valid(tiny: Path) -> None:
    report = check([tiny])
    assert report.ok
    assert [p for p in report.problems if p.severity == "error"] == []
    assert {"trust.yaml", "responses.csv"} <= {Path(f).name for f in report.files}

    result, data = cli_json(tiny)
    assert result.exit_code == 0
    assert data["valid"] is True and data["errors"] == 0


def test_tiny_workspace_by_name_and_from_inside(trust_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("--trust", "tinytown").exit_code == 0
    monkeypatch.chdir(trust_path)
    assert cli().exit_code == 0  # no PATH: the trust.yaml in the current folder


def test_oxfordshire_example_is_valid() -> None:
    report = check([EXAMPLE])
    assert report.ok
    assert [p for p in report.problems if p.severity == "error"] == []

    result = cli(EXAMPLE)
    assert result.exit_code == 0, result.output
    assert cli("--trust", "oxfordshire").exit_code == 0


# -- 2. malformed YAML -----------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "bad_line"), [
    pytest.param("  vision: 3", "\tvision: 3", "vision: 3", id="tab-indent"),
    pytest.param("  values: 3.5", "    values: 3.5", "values: 3.5", id="bad-indent"),
])
def test_yaml_syntax_error_names_line(tiny: Path, old: str, new: str, bad_line: str) -> None:
    trust = edit(tiny / "trust.yaml", old, new)
    line = line_of(trust, bad_line)
    report = check([tiny])
    assert not report.ok
    assert [p.line for p in found(report.problems, "yaml-syntax", "trust.yaml")] == [line]

    result = cli(tiny)
    assert result.exit_code == 1
    assert_yaml_line(result, "yaml-syntax", "trust.yaml", line)


def test_unclosed_bracket_names_its_line(tiny: Path) -> None:
    trust = edit(tiny / "trust.yaml", "responses: [responses.csv]", "responses: [responses.csv")
    opened = line_of(trust, "responses: [")
    report = check([tiny])
    lines = [p.line for p in found(report.problems, "yaml-syntax", "trust.yaml")]
    # the line with the bracket, or the next one, where the parser notices
    assert len(lines) == 1 and lines[0] in {opened, opened + 1}

    result = cli(tiny)
    assert result.exit_code == 1
    assert_yaml_line(result, "yaml-syntax", "trust.yaml", lines[0])


def test_duplicate_key_reported_and_loading_continues(tiny: Path) -> None:
    trust = edit(tiny / "trust.yaml", "name: Tinytown Children's Trust\n",
                 "name: Tinytown Children's Trust\nname: Tinytown again\n")
    edit(trust, "  planning: 3\n", "  planning: 5\n")
    edit(tiny / "responses.csv", "r2,staff,schools,3,", "r2,staff,schools,7,")
    second = line_of(trust, "name: Tinytown again")
    report = check([tiny])
    assert [p.line for p in found(report.problems, "duplicate-key", "trust.yaml")] == [second]
    # the rest of the file and the other files were still checked
    assert [p.line for p in found(report.problems, "target-out-of-range", "trust.yaml")] == \
        [line_of(trust, "planning: 5")]
    assert [(p.row, p.column) for p in found(report.problems, "invalid-answer",
                                             "responses.csv")] == [(3, "v1")]

    result = cli(tiny)
    assert result.exit_code == 1
    assert_yaml_line(result, "duplicate-key", "trust.yaml", second)
    assert_yaml_line(result, "target-out-of-range", "trust.yaml", line_of(trust, "planning: 5"))
    assert_csv_place(result, "invalid-answer", 3, "v1")


# -- 3. cross references and values in YAML ---------------------------------------------

YAML_CASES = [
    # file, old, new, expected code, text on the line to report (nth occurrence)
    pytest.param("questionnaire.yaml", "{id: p2, dimension: planning", "{id: p2, dimension: planing",
                 "unknown-dimension", ("dimension: planing", 1), id="item-unknown-dimension"),
    pytest.param("questionnaire.yaml", "{id: p2,", "{id: p1,",
                 "duplicate-id", ("text: Six", 1), id="duplicate-item-id"),
    pytest.param("framework.yaml", "      - id: planning", "      - id: vision",
                 "duplicate-id", ("- id: vision", 2), id="duplicate-dimension-id"),
    pytest.param("questionnaire.yaml", "audiences: [leaders]}", "audiences: [leeders]}",
                 "unknown-audience", ("leeders", 1), id="item-unknown-audience"),
    pytest.param("trust.yaml", "audiences: [staff, leaders]", "audiences: [staff, leeders]",
                 "unknown-audience", ("leeders", 1), id="plan-unknown-audience"),
    pytest.param("trust.yaml", "  planning: 3\n", "  planning: 3\n  nosuch: 2\n",
                 "unknown-dimension", ("nosuch: 2", 1), id="target-unknown-dimension"),
    pytest.param("trust.yaml", "  planning: 3\n", "  planning: 5\n",
                 "target-out-of-range", ("planning: 5", 1), id="target-above-scale"),
    pytest.param("trust.yaml", "  vision: 3\n", "  vision: 0\n",
                 "target-out-of-range", ("vision: 0", 1), id="target-below-scale"),
    pytest.param("trust.yaml", "start: 2009-01-01", "start: 2009-13-45",
                 "invalid-date", ("start:", 1), id="date-month-13"),
    pytest.param("trust.yaml", "start: 2009-01-01", "start: 2009-02-30",
                 "invalid-date", ("start:", 1), id="date-feb-30"),
    pytest.param("trust.yaml", "start: 2009-01-01", "start: 23/01/2009",
                 "invalid-date", ("start:", 1), id="date-not-iso"),
    pytest.param("trust.yaml", "due: 2009-07-01", "due: 2009-07-32",
                 "invalid-date", ("due:", 1), id="action-due-day-32"),
    pytest.param("trust.yaml", "end: 2009-02-01", "end: 2008-12-01",
                 "date-order", ("end: 2008-12-01", 1), id="end-before-start"),
    pytest.param("trust.yaml", "colours: all", "colours: [red, grene]",
                 "unknown-colour", ("grene", 1), id="plan-unknown-colour"),
    pytest.param("framework.yaml", "    dimensions:\n      - id: planning",
                 "    dimensons:\n      - id: planning",
                 "unknown-key", ("dimensons:", 1), id="unknown-key-framework"),
    pytest.param("trust.yaml", "targets:", "tragets:",
                 "unknown-key", ("tragets:", 1), id="unknown-key-trust"),
    pytest.param("trust.yaml", "introduction:", "crossings:\n  - [workforce_group, team]\nintroduction:",
                 "invalid-value", ("[workforce_group, team]", 1), id="crossing-undeclared-field"),
    pytest.param("trust.yaml", "introduction:", "crossings:\n  - [audience, audience]\nintroduction:",
                 "invalid-value", ("[audience, audience]", 1), id="crossing-one-field"),
    pytest.param("trust.yaml", "introduction:",
                 "crossings:\n  - [audience, workforce_group]\n  - [workforce_group, audience]\n"
                 "introduction:", "duplicate-id", ("[workforce_group, audience]", 1),
                 id="crossing-twice"),
    pytest.param("trust.yaml", "introduction:", "crossings:\n  - audience\nintroduction:",
                 "wrong-type", ("- audience", 1), id="crossing-not-a-list"),
    # found by fuzzing: each was an internal error (exit 3) or a run without end
    pytest.param("trust.yaml", "introduction:",
                 "population:\n  by: workforce_group\n  sizes:\n    health: " + "9" * 401
                 + "\nintroduction:", "value-out-of-range", ("health: 999", 1),
                 id="population-size-too-large-for-a-float"),
    pytest.param("trust.yaml", "introduction:",
                 "evidence:\n  - id: workshop\n    kind: focus_group\n"
                 "    date: 2009-01-20\n    participant_count: 3\n    ratings: {vision: 2}\n"
                 "    weight: " + "9" * 401 + "\nintroduction:", "value-out-of-range",
                 ("weight: 999", 1), id="evidence-weight-too-large-for-a-float"),
    pytest.param("trust.yaml", "introduction:",
                 "evidence:\n  - id: workshop\n    kind: focus_group\n"
                 "    date: 2009-01-20\n    participant_count: 1000000000000000000000\n"
                 "    ratings: {vision: 2}\nintroduction:", "value-out-of-range",
                 ("participant_count: 1000", 1), id="participant-count-beyond-any-workforce"),
    pytest.param("trust.yaml", "introduction:", "disclosure:\n  min_cell: 0\nintroduction:",
                 "value-out-of-range", ("min_cell: 0", 1), id="min-cell-0-was-read-as-5"),
    pytest.param("trust.yaml", "targets:",
                 "    - id: survey\n      kind: focus_group\n      colours: all\n"
                 "      end: 2009-02-01\n      participants:\n        audiences: [staff]\n"
                 "targets:", "duplicate-id", ("- id: survey", 2),
                 id="plan-test-id-twice"),
    pytest.param("framework.yaml", "  - {id: leaders, name: Leaders}",
                 "  - {id: staff, name: Leaders}", "duplicate-id", ("{id: staff, name: Leaders}", 1),
                 id="duplicate-audience-id"),
    pytest.param("framework.yaml", "  - {id: schools, name: Schools}",
                 "  - {id: health, name: Schools}", "duplicate-id", ("{id: health, name: Schools}", 1),
                 id="duplicate-workforce-group-id"),
    pytest.param("framework.yaml", "    - {value: 4, id: top, label: Top}",
                 "    - {value: 1000000000, id: top, label: Top}", "invalid-scale",
                 ("value: 1000000000", 1), id="scale-level-far-out"),
    pytest.param("framework.yaml",
                 "description: Joint planning.\n        levels: {low: a, fair: b, high: c, top: d}",
                 "description: Joint planning.\n        levels: {low: a, fair: b, high: c}",
                 "missing-level", ("high: c}", 1), id="missing-level"),
]


@pytest.mark.parametrize(("file", "old", "new", "code", "where"), YAML_CASES)
def test_yaml_problem_names_file_and_line(tiny: Path, file: str, old: str, new: str,
                                          code: str, where: tuple[str, int]) -> None:
    path = edit(tiny / file, old, new)
    line = line_of(path, *where)

    report = check([tiny])
    assert not report.ok
    assert line in [p.line for p in found(report.problems, code, file)], report.problems

    result = cli(tiny)
    assert result.exit_code == 1
    assert_yaml_line(result, code, file, line)


@pytest.mark.parametrize(("file", "old", "new", "suggestion"), [
    ("framework.yaml", "    dimensions:\n      - id: planning",
     "    dimensons:\n      - id: planning", "dimensions"),
    ("trust.yaml", "targets:", "tragets:", "targets"),
])
def test_unknown_key_suggests_the_right_one(tiny: Path, file: str, old: str, new: str,
                                            suggestion: str) -> None:
    edit(tiny / file, old, new)
    (problem,) = found(check([tiny]).problems, "unknown-key", file)
    assert f"did you mean {suggestion!r}" in problem.message


def test_json_output_gives_file_and_line(tiny: Path) -> None:
    trust = edit(tiny / "trust.yaml", "  planning: 3\n", "  planning: 5\n")
    result, data = cli_json(tiny)
    assert result.exit_code == 1
    assert data["valid"] is False and data["errors"] == 1
    (problem,) = data["problems"]
    assert problem["code"] == "target-out-of-range"
    assert problem["severity"] == "error"
    assert Path(problem["file"]).name == "trust.yaml"
    assert problem["line"] == line_of(trust, "planning: 5")


# -- 4. several problems in several files, in one run -------------------------------------

def test_all_problems_in_all_files_reported_at_once(tiny: Path) -> None:
    trust = edit(tiny / "trust.yaml", "  planning: 3\n", "  planning: 5\n")
    quest = edit(tiny / "questionnaire.yaml", "audiences: [leaders]}", "audiences: [leaders, bosses]}")
    edit(tiny / "responses.csv", "r2,staff,schools,3,", "r2,staff,schools,7,")
    edit(tiny / "responses.csv", "r4,young_people,", "r4,pupils,")
    expected = {
        ("target-out-of-range", "trust.yaml", line_of(trust, "planning: 5"), None, None),
        ("unknown-audience", "questionnaire.yaml", line_of(quest, "bosses"), None, None),
        ("invalid-answer", "responses.csv", None, 3, "v1"),
        ("unknown-audience", "responses.csv", None, 5, "audience"),
    }
    report = check([tiny])
    got = {(p.code, Path(p.file).name, p.line, p.row, p.column)
           for p in report.problems if p.file}
    assert expected <= got

    result, data = cli_json(tiny)
    assert result.exit_code == 1
    got = {(p["code"], Path(p["file"]).name, p["line"], p["row"], p["column"])
           for p in data["problems"] if p["file"]}
    assert expected <= got

    result = cli(tiny)
    assert result.exit_code == 1
    assert_yaml_line(result, "target-out-of-range", "trust.yaml", line_of(trust, "planning: 5"))
    assert_yaml_line(result, "unknown-audience", "questionnaire.yaml", line_of(quest, "bosses"))
    assert_csv_place(result, "invalid-answer", 3, "v1")
    assert_csv_place(result, "unknown-audience", 5, "audience")


def test_every_row_with_the_same_problem_is_listed(tiny: Path) -> None:
    csv = tiny / "responses.csv"
    edit(csv, "r2,staff,schools,3,", "r2,staff,schools,7,")
    edit(csv, "r4,young_people,,2,", "r4,young_people,,9,")
    problems = found(check([tiny]).problems, "invalid-answer", "responses.csv")
    assert [(p.row, p.column) for p in problems] == [(3, "v1"), (5, "v1")]


# -- 5. responses CSV --------------------------------------------------------------------

CSV_CASES = [
    # old, new, code, row, column
    pytest.param("r2,staff,schools,3,", "r2,staff,schools,7,", "invalid-answer", 3, "v1",
                 id="answer-out-of-range"),
    pytest.param("r2,staff,", "r2,stuff,", "unknown-audience", 3, "audience",
                 id="unknown-audience"),
    pytest.param("r2,staff,schools", "r2,staff,prisons", "unknown-workforce-group", 3,
                 "workforce_group", id="unknown-workforce-group"),
    pytest.param("r2,staff,", ",staff,", "missing-value", 3, "respondent_id",
                 id="blank-respondent-id"),
    pytest.param("r2,staff,", "r2,,", "missing-value", 3, "audience", id="blank-audience"),
    pytest.param("r3,leaders", "r2,leaders", "duplicate-respondent", 4, "respondent_id",
                 id="duplicate-respondent"),
    pytest.param("r1,staff,health,4,1,3,,", "r1,staff,health,4,1,3,2,", "item-not-routed", 2,
                 "s2", id="item-not-routed"),
    pytest.param(",comment\n", ",coment\n", "unknown-column", 1, "coment", id="unknown-column"),
    pytest.param(",p2,comment\n", ",p2,p2,comment\n", "duplicate-column", 1, "p2",
                 id="duplicate-column"),
]


@pytest.mark.parametrize(("old", "new", "code", "row", "column"), CSV_CASES)
def test_csv_problem_names_row_and_column(tiny: Path, old: str, new: str, code: str,
                                          row: int, column: str) -> None:
    edit(tiny / "responses.csv", old, new)
    report = check([tiny])
    assert not report.ok
    problems = found(report.problems, code, "responses.csv")
    assert [(p.row, p.column, p.severity) for p in problems] == [(row, column, "error")]

    result = cli(tiny)
    assert result.exit_code == 1
    assert_csv_place(result, code, row, column)


def test_unknown_column_suggests_the_right_one(tiny: Path) -> None:
    edit(tiny / "responses.csv", ",comment\n", ",coment\n")
    (problem,) = found(check([tiny]).problems, "unknown-column", "responses.csv")
    assert "did you mean 'comment'" in problem.message


def test_missing_required_column(tiny: Path) -> None:
    (tiny / "responses.csv").write_text("respondent_id,v1\nr1,4\nr2,3\n", encoding="utf-8")
    report = check([tiny])
    assert not report.ok
    errors = [p for p in found(report.problems, "missing-column", "responses.csv")
              if p.severity == "error"]
    assert [(p.row, p.column) for p in errors] == [(1, "audience")]

    result = cli(tiny)
    assert result.exit_code == 1
    assert_csv_place(result, "missing-column", 1, "audience")


def test_submitted_date_that_does_not_parse(tiny: Path) -> None:
    (tiny / "responses.csv").write_text(
        "respondent_id,audience,submitted,v1,v2,s1,s2,p1,p2\n"
        "r1,staff,2009-01-23,4,1,3,,2,2\n"
        "r2,staff,2009-13-45,3,2,3,,3,3\n"
        "r3,leaders,2009-01-23T13:06:57,4,1,4,4,4,3\n"
        "r4,staff,last tuesday,1,1,1,,1,1\n"
        "r5,staff,,2,2,2,,2,2\n", encoding="utf-8")
    problems = found(check([tiny]).problems, "invalid-date", "responses.csv")
    assert [(p.row, p.column) for p in problems] == [(3, "submitted"), (5, "submitted")]

    result = cli(tiny)
    assert result.exit_code == 1
    assert_csv_place(result, "invalid-date", 3, "submitted")
    assert_csv_place(result, "invalid-date", 5, "submitted")


def test_personal_data_column_is_a_warning_not_an_error(tiny: Path) -> None:
    csv = edit(tiny / "responses.csv", ",comment\n", ",Email Address\n")
    edit(csv, ",fine\n", ",someone@example.org\n")
    report = check([tiny])
    assert report.ok
    (problem,) = found(report.problems, "personal-data-column", "responses.csv")
    assert (problem.row, problem.column, problem.severity) == (1, "Email Address", "warning")

    result, data = cli_json(tiny)
    assert result.exit_code == 0
    assert data["valid"] is True and data["errors"] == 0
    assert [p["severity"] for p in data["problems"] if p["code"] == "personal-data-column"] == \
        ["warning"]
    assert "someone@example.org" not in result.output

    result = cli(tiny)
    assert result.exit_code == 0
    assert_csv_place(result, "personal-data-column", 1, "Email Address")


def test_responses_csv_given_with_questionnaire_and_framework(tiny: Path) -> None:
    edit(tiny / "responses.csv", "r2,staff,schools,3,", "r2,staff,schools,7,")
    files = [tiny / "framework.yaml", tiny / "questionnaire.yaml", tiny / "responses.csv"]
    problems = found(check(files).problems, "invalid-answer", "responses.csv")
    assert [(p.row, p.column) for p in problems] == [(3, "v1")]

    result = cli(*files)
    assert result.exit_code == 1
    assert_csv_place(result, "invalid-answer", 3, "v1")


# -- 6. inputs are never modified ---------------------------------------------------------

def test_failing_validate_does_not_touch_inputs(tiny: Path) -> None:
    edit(tiny / "trust.yaml", "  planning: 3\n", "  planning: 5\n")
    edit(tiny / "trust.yaml", "name: Tinytown Children's Trust\n",
         "name: Tinytown Children's Trust\nname: twice\n")
    edit(tiny / "framework.yaml", "    dimensions:\n      - id: planning",
         "    dimensons:\n      - id: planning")
    edit(tiny / "questionnaire.yaml", "audiences: [leaders]}", "audiences: [leeders]}")
    csv = edit(tiny / "responses.csv", "r2,staff,schools,3,", "r2,staff,schools,7,")
    edit(csv, ",comment\n", ",Email Address\n")
    before = digests(tiny)

    assert not check([tiny]).ok
    assert digests(tiny) == before

    assert cli(tiny).exit_code == 1
    assert cli("--format", "json", tiny).exit_code == 1
    assert cli(*sorted(tiny.iterdir())).exit_code == 1
    assert digests(tiny) == before  # same files, same bytes, nothing added


def test_validate_with_duplicate_key_does_not_rewrite_file(tiny: Path) -> None:
    edit(tiny / "framework.yaml", "name: Tiny framework\n", "name: Tiny framework\nname: Again\n")
    before = digests(tiny)
    assert cli(tiny).exit_code == 1
    assert digests(tiny) == before


# -- 7. usage errors ----------------------------------------------------------------------

def test_no_path_and_no_trust_yaml_here_is_a_usage_error(tmp_path: Path) -> None:
    result = cli()
    assert result.exit_code == 2


def test_unsafe_trust_name_is_rejected(tmp_path: Path) -> None:
    result = cli("--trust", "../etc")
    assert result.exit_code == 1
    assert " invalid-id:" in result.output


def test_unknown_trust_name(tmp_path: Path) -> None:
    result = cli("--trust", "nosuch")
    assert result.exit_code == 1
    assert " file-not-found:" in result.output


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    report = check([tmp_path / "nothere.yaml"])
    assert [p.code for p in report.problems] == ["file-not-found"]
    result = cli(tmp_path / "nothere.yaml")
    assert result.exit_code == 1
    assert "nothere.yaml" in result.output and " file-not-found:" in result.output


def test_folder_without_trust_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    assert [p.code for p in check([folder]).problems] == ["file-not-found"]
    result = cli(folder)
    assert result.exit_code == 1
    assert " file-not-found:" in result.output


def test_folder_without_trust_yaml_checks_the_files_in_it(tiny: Path) -> None:
    (tiny / "trust.yaml").unlink()
    report = check([tiny])
    assert sorted(Path(f).name for f in report.files) == [
        "framework.yaml", "questionnaire.yaml", "responses.csv"]
    assert report.ok
    edit(tiny / "questionnaire.yaml", "dimension: planning", "dimension: plannin")
    assert "unknown-dimension" in {p.code for p in check([tiny]).problems}


def test_support_catalogue_is_checked_against_its_framework(tmp_path: Path) -> None:
    from owcf.resources import data_dir

    text = (data_dir("frameworks") / "owcf-support.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "support.yaml"
    bad.write_text(text.replace("dimensions: [care_pathways,", "dimensions: [care_pathway,"),
                   encoding="utf-8")
    problems = check([bad]).problems
    assert [(p.code, p.line) for p in problems] == [
        ("unknown-dimension", line_of(bad, "dimensions: [care_pathway,"))]


def test_unknown_option_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate", "--no-such-option"])
    assert result.exit_code == 2


# -- 8. every code reported is catalogued --------------------------------------------------

def test_every_expected_code_in_these_tests_is_catalogued() -> None:
    expected = {case.values[3] for case in YAML_CASES} | {case.values[2] for case in CSV_CASES}
    expected |= {"yaml-syntax", "duplicate-key", "personal-data-column", "missing-column",
                 "invalid-id", "file-not-found", "file-unreadable", "unknown-file-kind"}
    assert expected <= CATALOGUE.keys(), expected - CATALOGUE.keys()


def test_codes_from_a_badly_broken_workspace_are_catalogued(tiny: Path) -> None:
    edit(tiny / "framework.yaml", "name: Tiny framework\n", "name: Tiny framework\nname: Again\n")
    edit(tiny / "framework.yaml", "    dimensions:\n      - id: planning",
         "    dimensons:\n      - id: planning")
    edit(tiny / "framework.yaml", "{value: 4, id: top", "{value: 4, id: Top")
    edit(tiny / "questionnaire.yaml", "framework: tiny", "framework: other")
    edit(tiny / "questionnaire.yaml", "audiences: [leaders]}", "audiences: [leeders]}")
    edit(tiny / "questionnaire.yaml", "min_answered_fraction: 0.5", "min_answered_fraction: 2")
    edit(tiny / "trust.yaml", "  planning: 3\n", "  values: 9\n  nosuch: x\n")
    edit(tiny / "trust.yaml", "kind: questionnaire", "kind: questionaire")
    edit(tiny / "trust.yaml", "colours: all", "colours: [grene]")
    edit(tiny / "trust.yaml", "end: 2009-02-01", "end: 2008-02-01")
    edit(tiny / "trust.yaml", "responses: [responses.csv]", "responses: [responses.csv, gone.csv]")
    csv = edit(tiny / "responses.csv", ",comment\n", ",Email Address,coment,v1\n")
    edit(csv, "r2,staff,schools,3,", ",stuff,prisons,7,")
    edit(csv, "r3,leaders", "r1,leaders")
    result, data = cli_json(tiny)
    assert result.exit_code == 1
    codes = {p["code"] for p in data["problems"]}
    assert len(codes) >= 8, codes
    assert codes <= CATALOGUE.keys(), codes - CATALOGUE.keys()


# -- 9. truncated and garbled YAML ---------------------------------------------------------

GARBLED = [
    pytest.param(b"", id="empty"),
    pytest.param(b"# nothing but a comment\n", id="comment-only"),
    pytest.param(b"null\n", id="null"),
    pytest.param(b"- a\n- b\n", id="just-a-list"),
    pytest.param(b"42\n", id="just-a-number"),
    pytest.param(b"schema: owcf-framework/1\n", id="schema-only"),
    pytest.param(b"schema: owcf-framework/1\nid: [tiny\n", id="truncated-flow"),
    pytest.param(b"schema: owcf-framework/1\nname: 'Tiny\n", id="unclosed-quote"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", id="binary-junk"),
    pytest.param("schema: owcf-framework/1\nname: Caf\u00e9\n".encode("latin-1"), id="latin-1"),
    pytest.param(b"schema: owcf-framework/1\nid: &a [*a]\n", id="recursive-alias"),
    pytest.param(b"schema: !!python/object/apply:os.system [echo]\n", id="python-tag"),
]


@pytest.mark.parametrize("role", ["framework.yaml", "questionnaire.yaml", "trust.yaml"])
@pytest.mark.parametrize("content", GARBLED)
def test_garbled_yaml_in_a_workspace(tiny: Path, role: str, content: bytes) -> None:
    (tiny / role).write_bytes(content)
    report = check([tiny])
    assert not report.ok
    assert any(p.file and Path(p.file).name == role and p.severity == "error"
               for p in report.problems), report.problems

    result = cli(tiny)
    assert result.exit_code == 1, result.output
    assert role in result.output


@pytest.mark.parametrize("content", GARBLED)
def test_garbled_yaml_given_alone(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "framework.yaml"
    path.write_bytes(content)
    assert not check([path]).ok
    result = cli(path)
    assert result.exit_code == 1, result.output
    assert "framework.yaml" in result.output


# -- 10. whatever YAML feeds a chart or a page is checked when it is loaded -----------------

HOSTILE_YAML = [
    # (file, old, new, the line's needle, code)
    pytest.param("framework.yaml", 'hex: "#C62828"', 'hex: "#C62828\\" onmouseover=\\"alert(1)"',
                 "onmouseover", "invalid-value", id="colour-with-an-attribute"),
    pytest.param("framework.yaml", 'hex: "#C62828"', "hex: red", "hex: red", "invalid-value",
                 id="colour-name-not-hex"),
    pytest.param("framework.yaml", 'hex: "#C62828"', 'hex: "#C628"', "#C628", "invalid-value",
                 id="short-hex"),
    pytest.param("framework.yaml", "name: Vision", "name: " + "Vision " * 40, "Vision Vision",
                 "too-long", id="long-dimension-name"),
    pytest.param("framework.yaml", "id: vision\n", "id: " + "v" * 65 + "\n", "vvvv", "too-long",
                 id="long-id"),
    pytest.param("framework.yaml", "theme: Purpose", 'theme: "Pur\\x07pose"', "Pur", "invalid-value",
                 id="control-character"),
    pytest.param("framework.yaml", "{value: 1, id: low, label: Low}",
                 "{value: 1, id: low, label: " + "L" * 201 + "}", "LLLL", "too-long",
                 id="long-scale-label"),
    pytest.param("questionnaire.yaml", "{value: 1, label: Strongly disagree}",
                 '{value: 1, label: "Strongly\\x00disagree"}', "Strongly", "invalid-value",
                 id="nul-in-answer-label"),
    pytest.param("trust.yaml", "name: Tinytown Children's Trust", "name: " + "T" * 201, "TTTT",
                 "too-long", id="long-trust-name"),
    pytest.param("trust.yaml", "introduction: Hello from Tinytown.",
                 "introduction: " + "Hello. " * 3000, "Hello.", "too-long", id="long-introduction"),
    pytest.param("trust.yaml", "  values: 3.5", "  values: .nan", ".nan", "target-out-of-range",
                 id="nan-target"),
    pytest.param("trust.yaml", "responses: [responses.csv]",
                 "responses: [responses.csv]\ntriangulation: {questionnaire_weight: .inf}",
                 ".inf", "value-out-of-range", id="infinite-weight"),
]


@pytest.mark.parametrize(("role", "old", "new", "needle", "code"), HOSTILE_YAML)
def test_yaml_that_would_break_a_chart_or_page_is_caught_at_load(
        tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, role: str, old: str,
        new: str, needle: str, code: str) -> None:
    """A colour such as '#C62828" onmouseover=…' passed validate, then crashed report with
    a matplotlib ValueError (exit 3)."""
    path = edit(tiny / role, old, new)
    result = cli(tiny)
    assert result.exit_code == 1, result.output
    assert f"{path}:{line_of(path, needle)}: {code}: " in result.output
    monkeypatch.setenv("OWCF_TRUST_PATH", str(tiny.parent))
    report = runner.invoke(app, ["report", "-t", "tinytown", "-f", "md", "-o",
                                 str(tmp_path / "out")])
    assert report.exit_code == 1, report.output
    assert f"{path}:{line_of(path, needle)}: {code}: " in report.stderr
    assert "internal error" not in report.output and not (tmp_path / "out").exists()
