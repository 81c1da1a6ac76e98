"""Each platform's export of the same eight responses gives the numbers owcf's own layout
gives, through `owcf analyse --format json`; personal data never comes out."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.errors import ProblemLog
from owcf.ingest.pipeline import ingest

from .ingest_helpers import (
    EXPORTS,
    PERSONAL,
    csv_rows,
    microsoft_forms_xlsx,
    survey,
    to_xlsx,
)

runner = CliRunner()

# file, extra CLI arguments, detected source, words in the layout description, rejected
PLATFORMS = [
    pytest.param("owcf-long.csv", [], "owcf", "long", 0, id="owcf-long"),
    pytest.param("qualtrics.csv", [], "qualtrics", "three heading rows", 1, id="qualtrics"),
    pytest.param("qualtrics-legacy.csv", [], "qualtrics", "legacy", 0, id="qualtrics-legacy"),
    pytest.param("surveymonkey.csv", [], "surveymonkey", "two heading rows", 0,
                 id="surveymonkey-csv"),
    pytest.param("surveymonkey.xlsx", [], "surveymonkey", "two heading rows", 0,
                 id="surveymonkey-xlsx"),
    pytest.param("google-forms.csv", [], "google-forms", "one heading row", 0,
                 id="google-forms"),
    pytest.param("microsoft-forms.csv", [], "microsoft-forms", "one heading row", 0,
                 id="microsoft-forms-csv"),
    pytest.param("microsoft-forms.xlsx", [], "microsoft-forms", "one heading row", 0,
                 id="microsoft-forms-xlsx"),
    pytest.param("limesurvey-codes.csv", ["--mapping", "limesurvey-codes.mapping.yaml"],
                 "limesurvey", "codes", 0, id="limesurvey-codes"),
    pytest.param("limesurvey-text.tsv", [], "limesurvey", "code and text", 0,
                 id="limesurvey-code-and-text"),
    pytest.param("limesurvey-full-text.csv", [], "limesurvey", "question text", 0,
                 id="limesurvey-question-text"),
    pytest.param("kobo.csv", [], "kobo", "one heading row", 0, id="kobo"),
]


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """A copy of the fixtures, with the XLSX versions made from the CSV ones."""
    folder = tmp_path / "exports"
    shutil.copytree(EXPORTS, folder)
    to_xlsx(csv_rows(EXPORTS / "surveymonkey.csv"), folder / "surveymonkey.xlsx")
    # LimeSurvey's "full question text" headings: the code-and-text file without its codes
    rows = csv_rows(EXPORTS / "limesurvey-text.tsv", delimiter="\t")
    rows[0] = [h.split(". ", 1)[1] for h in rows[0]]
    with (folder / "limesurvey-full-text.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    microsoft_forms_xlsx(folder / "microsoft-forms.xlsx")
    return folder


def _analyse(folder: Path, name: str, *extra: str) -> tuple[dict, str]:
    fw = folder / "framework.yaml"
    args = ["analyse", str(folder / name), "--framework", str(fw), "--questionnaire",
            str(folder / "questionnaire.yaml"), "--by", "audience", "--by", "workforce_group",
            "--min-cell", "1", "--format", "json"]
    args += [str(folder / e) if e.endswith(".yaml") else e for e in extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    data.pop("sources")
    return data, result.stderr


@pytest.mark.parametrize(("name", "extra", "source", "detail", "rejected"), PLATFORMS)
def test_every_platform_gives_the_numbers_of_owcfs_layout(
        exports: Path, name: str, extra: list[str], source: str, detail: str,
        rejected: int) -> None:
    survey(exports)
    expected, _ = _analyse(exports, "owcf-wide.csv")
    got, stderr = _analyse(exports, name, *extra)
    assert got == expected
    assert got["respondents"] == 8
    assert f"read as {source} (" in stderr and detail in stderr
    assert f" accepted + {rejected} rejected" in stderr


def test_qualtrics_preview_response_is_rejected_with_its_row(exports: Path) -> None:
    framework, questionnaire, _, _ = survey(exports)
    log = ProblemLog()
    result = ingest(exports / "qualtrics.csv", questionnaire, framework, log)
    assert result is not None
    (problem,) = result.row_problems()
    # three heading rows: the first response is row 4
    assert (problem.code, problem.row, problem.column) == ("test-response", 4, "Status")
    assert "Survey Preview" in problem.message


@pytest.mark.parametrize(("name", "extra", "source", "detail", "rejected"), PLATFORMS)
def test_source_can_be_given_instead_of_detected(
        exports: Path, name: str, extra: list[str], source: str, detail: str,
        rejected: int) -> None:
    survey(exports)
    expected, _ = _analyse(exports, "owcf-wide.csv")
    got, _ = _analyse(exports, name, "--source", source, *extra)
    assert got == expected


def test_a_source_that_does_not_fit_names_the_file_and_row(exports: Path) -> None:
    survey(exports)
    result = runner.invoke(app, ["analyse", str(exports / "google-forms.csv"), "--source",
                                 "qualtrics", "--framework", str(exports / "framework.yaml"),
                                 "--questionnaire", str(exports / "questionnaire.yaml")])
    assert result.exit_code == 1
    assert f"{exports / 'google-forms.csv'}: row 1: unknown-format:" in result.stderr
    assert "Traceback" not in result.output


def test_an_undetectable_file_says_what_it_looked_for(exports: Path) -> None:
    survey(exports)
    odd = exports / "odd.csv"
    odd.write_text("who,what\nme,4\n", encoding="utf-8")
    result = runner.invoke(app, ["analyse", str(odd), "--framework",
                                 str(exports / "framework.yaml"), "--questionnaire",
                                 str(exports / "questionnaire.yaml")])
    assert result.exit_code == 1
    assert f"{odd}: row 1: unknown-format: cannot tell which survey platform" in result.stderr
    assert "--source" in result.stderr and "'who'" in result.stderr


@pytest.mark.parametrize(("name", "extra", "source", "detail", "rejected"), PLATFORMS)
def test_no_personal_data_survives_ingest(
        exports: Path, tmp_path: Path, name: str, extra: list[str], source: str, detail: str,
        rejected: int) -> None:
    survey(exports)
    out = tmp_path / "out"
    args = ["ingest", str(exports / name), "--framework", str(exports / "framework.yaml"),
            "--questionnaire", str(exports / "questionnaire.yaml"), "--out", str(out)]
    args += [str(exports / e) if e.endswith(".yaml") else e for e in extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    written = sorted(out.iterdir())
    assert len(written) == 3
    everything = result.output + "".join(p.read_text(encoding="utf-8-sig") for p in written)
    leaked = [value for value in PERSONAL if value in everything]
    assert leaked == []
    provenance = json.loads((out / f"{Path(name).stem}.provenance.json").read_text())
    roles = {c["heading"]: c["role"] for c in provenance["columns"]}
    for heading, role in roles.items():
        if any(w in heading.lower() for w in ("email", "ip address", "ipaddr", "name",
                                              "deviceid", "latitude")):
            assert role in {"personal", "meta"}, (heading, role)


# -- the platforms' own rejection marks -----------------------------------------------------

def _with_column(path: Path, target: Path, column: str, values: dict[int, str],
                 delimiter: str = ",", header_rows: int = 1) -> Path:
    """``path`` with the cells of ``column`` replaced in the given data rows (0-based)."""
    rows = csv_rows(path, delimiter)
    at = rows[0].index(column)
    for k, value in values.items():
        rows[header_rows + k][at] = value
    with target.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return target


def test_kobo_submissions_not_approved_are_rejected_and_on_hold_ones_warned(
        exports: Path) -> None:
    """They were accepted without a word."""
    framework, questionnaire, _, _ = survey(exports)
    path = _with_column(EXPORTS / "kobo.csv", exports / "reviewed.csv", "_validation_status",
                        {0: "Approved", 1: "Not approved", 2: "validation_status_on_hold",
                         3: "validation_status_not_approved", 5: "On hold"}, delimiter=";")
    log = ProblemLog()
    result = ingest(path, questionnaire, framework, log)
    assert result is not None, log.problems
    assert [(p.code, p.row, p.column) for p in result.row_problems()] == [
        ("not-approved", 3, "_validation_status"), ("not-approved", 5, "_validation_status")]
    assert "Not approved" in result.row_problems()[0].message
    (warning,) = [p for p in log.warnings if p.code == "response-on-hold"]
    assert "2 submissions are on hold" in warning.message and "rows 4, 7" in warning.message
    counts = result.counts()
    assert (counts["rows_accepted"], counts["rejected_by_reason"]) == (6, {"not-approved": 2})


@pytest.mark.parametrize(("column", "value"), [
    ("Status", "Survey Test"), ("Status", "Spam"), ("Status", "8"), ("Status", "2"),
    ("DistributionChannel", "preview"), ("DistributionChannel", "test"),
])
def test_qualtrics_previews_tests_and_spam_are_rejected_with_the_reason(
        exports: Path, column: str, value: str) -> None:
    framework, questionnaire, _, _ = survey(exports)
    path = _with_column(EXPORTS / "qualtrics.csv", exports / "marked.csv", column,
                        {2: value}, header_rows=3)
    log = ProblemLog()
    result = ingest(path, questionnaire, framework, log)
    assert result is not None, log.problems
    problems = [(p.code, p.row) for p in result.row_problems()]
    assert problems == [("test-response", 4), ("test-response", 6)]
    assert repr(value) in result.row_problems()[1].message
