"""`owcf ingest`, and `analyse`, `report` and `validate` on a trust whose responses are
survey-platform exports: files written, paths printed, reconciliation on stderr, exit
codes, inputs untouched, the same bytes every run."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf.cli import app

from .conftest import TINY_FRAMEWORK, write
from .ingest_helpers import EXPORTS, PERSONAL, digests

runner = CliRunner()

TRUST = """\
schema: owcf-trust/1
id: survey-town
name: Survey Town Children's Trust
framework: framework.yaml
questionnaire:
  base: questionnaire.yaml
responses:
{responses}
targets: {{vision: 3, values: 3, planning: 3}}
plan:
  tests:
    - {{id: survey, kind: questionnaire, start: 2009-01-23, end: 2009-05-29,
       participants: {{audiences: [staff, leaders, young_people]}}}}
"""


@pytest.fixture
def town(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A trust workspace whose responses are a Qualtrics and a LimeSurvey export; the
    current folder is elsewhere."""
    root = tmp_path / "trusts" / "survey-town"
    root.mkdir(parents=True)
    write(root / "framework.yaml", TINY_FRAMEWORK)
    for name in ("questionnaire.yaml", "qualtrics.csv", "limesurvey-codes.csv",
                 "limesurvey-codes.mapping.yaml"):
        shutil.copy(EXPORTS / name, root / name)
    entries = ("  - qualtrics.csv\n"
               "  - {file: limesurvey-codes.csv, source: limesurvey,\n"
               "     mapping: limesurvey-codes.mapping.yaml}")
    write(root / "trust.yaml", TRUST.format(responses=entries))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("OWCF_TRUST_PATH", str(tmp_path / "trusts"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return root


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_ingest_a_trusts_exports_into_the_current_folder(town: Path) -> None:
    before = digests(town)
    result = runner.invoke(app, ["ingest", "--trust", "survey-town"])
    assert result.exit_code == 0, result.output
    out = Path("ingested/survey-town")
    names = ["qualtrics.responses.csv", "qualtrics.rejects.csv", "qualtrics.provenance.json",
             "limesurvey-codes.responses.csv", "limesurvey-codes.rejects.csv",
             "limesurvey-codes.provenance.json"]
    assert result.stdout.splitlines() == [str(out / n) for n in names]
    assert digests(town) == before  # never writes into, or changes, the trust's folder
    # the reconciliation, on stderr; the LimeSurvey export repeats the same people
    assert f"{town / 'qualtrics.csv'}: 9 rows read = 8 accepted + 1 rejected (test-response 1)" \
        in result.stderr
    assert f"{town / 'limesurvey-codes.csv'}: 8 rows read = 8 accepted + 0 rejected" \
        in result.stderr
    normalised = _rows(out / "qualtrics.responses.csv")
    assert list(normalised[0]) == ["respondent_id", "audience", "workforce_group", "submitted",
                                   "v1", "v2", "s1", "s2", "p1", "p2", "comment"]
    assert normalised[0] | {"respondent_id": "?"} == {
        "respondent_id": "?", "audience": "staff", "workforce_group": "health",
        "submitted": "2009-01-23T13:06:57", "v1": "4", "v2": "1", "s1": "3", "s2": "",
        "p1": "2", "p2": "2", "comment": "Good start"}
    (reject,) = _rows(out / "qualtrics.rejects.csv")
    assert (reject["row"], reject["reasons"]) == ("4", "test-response")
    assert "IPAddress" not in reject and "ResponseId" not in reject and "Status" in reject


def test_provenance_records_the_source_and_the_counts(town: Path) -> None:
    result = runner.invoke(app, ["ingest", str(town / "qualtrics.csv"), "--trust",
                                 "survey-town", "--out", "here"])
    assert result.exit_code == 0, result.output
    record = json.loads(Path("here/qualtrics.provenance.json").read_text())
    source = record["source"]
    assert source == {
        "file": "qualtrics.csv",
        "sha256": hashlib.sha256((town / "qualtrics.csv").read_bytes()).hexdigest(),
        "bytes": (town / "qualtrics.csv").stat().st_size, "format": "qualtrics",
        "layout": "three heading rows with ImportId", "encoding": "UTF-8 with BOM",
        "delimiter": ",", "worksheet": None, "heading_rows": 3, "date_order": "dmy"}
    counts = record["counts"]
    assert (counts["rows_read"], counts["rows_accepted"], counts["rows_rejected"]) == (9, 8, 1)
    assert counts["rejected_by_reason"] == {"test-response": 1}
    roles = {c["heading"]: (c["role"], c["target"]) for c in record["columns"]}
    assert roles["IPAddress"] == ("personal", None) and roles["Q3_1"] == ("item", "v1")
    assert roles["ResponseId"] == ("respondent_id", None)
    assert record["generated"] is None and record["pseudonyms"]["salt"] == "default"
    assert record["outputs"] == {"responses": "qualtrics.responses.csv",
                                 "rejects": "qualtrics.rejects.csv"}


def test_ingest_gives_the_same_bytes_every_run(town: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    runs = []
    for name in ("a", "b"):
        assert runner.invoke(app, ["ingest", "-t", "survey-town", "-o", name]).exit_code == 0
        runs.append(digests(Path(name)))
    assert runs[0] == runs[1] and len(runs[0]) == 6
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1243814400")
    assert runner.invoke(app, ["ingest", "-t", "survey-town", "-o", "c"]).exit_code == 0
    record = json.loads(Path("c/qualtrics.provenance.json").read_text())
    assert record["generated"] == "2009-06-01T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "June 2009")  # an error, as for reports
    result = runner.invoke(app, ["ingest", "-t", "survey-town", "-o", "d"])
    assert result.exit_code == 1 and "SOURCE_DATE_EPOCH must be a whole number" in result.stderr
    assert not Path("d").exists()


def test_ingest_json_lists_the_files_and_provenance(town: Path) -> None:
    result = runner.invoke(app, ["ingest", "-t", "survey-town", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["written"]) == 6
    assert [r["source"]["format"] for r in data["ingested"]] == ["qualtrics", "limesurvey"]


def test_strict_ingest_writes_the_files_and_exits_1(town: Path) -> None:
    result = runner.invoke(app, ["ingest", "-t", "survey-town", "--strict"])
    assert result.exit_code == 1
    assert f"{town / 'qualtrics.csv'}: row 4, column 'Status': test-response:" in result.stderr
    assert Path("ingested/survey-town/qualtrics.rejects.csv").is_file()


def test_normalised_files_analyse_like_the_exports(town: Path) -> None:
    assert runner.invoke(app, ["ingest", "-t", "survey-town"]).exit_code == 0
    args = ["--framework", str(town / "framework.yaml"), "--questionnaire",
            str(town / "questionnaire.yaml"), "-f", "json", "--min-cell", "1"]
    direct = runner.invoke(app, ["analyse", str(town / "qualtrics.csv"), *args])
    again = runner.invoke(app, ["analyse", "ingested/survey-town/qualtrics.responses.csv",
                                *args])
    assert direct.exit_code == again.exit_code == 0
    first, second = json.loads(direct.stdout), json.loads(again.stdout)
    first.pop("sources"), second.pop("sources")
    assert first == second


def test_report_and_analyse_ingest_a_trusts_exports_on_the_fly(town: Path) -> None:
    result = runner.invoke(app, ["report", "-t", "survey-town", "-o", "report", "-f", "md"])
    assert result.exit_code == 0, result.output
    assert "qualtrics.csv: 9 rows read = 8 accepted + 1 rejected" in result.stderr
    assert "limesurvey-codes.csv: 8 rows read = 8 accepted + 0 rejected" in result.stderr
    # (16 people, two of three audiences fewer than 5: every sum read at once, how many
    # answered in all would give them away, so the report says so instead)
    assert ("How many people answered the questionnaire is withheld"
            in Path("report/report.md").read_text())
    quiet = runner.invoke(app, ["--quiet", "report", "-t", "survey-town", "-o", "r2"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    analysed = runner.invoke(app, ["analyse", "-t", "survey-town", "-f", "json"])
    assert analysed.exit_code == 0
    everyone = json.loads(analysed.stdout)["groups"][0]
    assert everyone["respondents"] is None
    assert everyone["suppressed"]["respondents"] == "secondary"
    assert runner.invoke(app, ["analyse", "-t", "survey-town", "--strict"]).exit_code == 1
    strict = runner.invoke(app, ["report", "-t", "survey-town", "-o", "r3", "--strict"])
    assert strict.exit_code == 1 and "row 4, column 'Status': test-response" in strict.stderr
    assert not Path("r3").exists()  # nothing written


def test_validate_checks_a_trusts_exports_strictly(town: Path) -> None:
    result = runner.invoke(app, ["validate", "--trust", "survey-town"])
    assert result.exit_code == 1  # validate reports rejected rows as errors
    assert f"{town / 'qualtrics.csv'}: row 4, column 'Status': test-response:" in result.output
    trust = town / "trust.yaml"
    trust.write_text(trust.read_text().replace("  - qualtrics.csv\n", ""))
    result = runner.invoke(app, ["validate", "--trust", "survey-town"])
    assert result.exit_code == 0, result.output


def test_trust_responses_entries_are_checked_with_their_lines(town: Path) -> None:
    trust = town / "trust.yaml"
    trust.write_text(trust.read_text().replace("source: limesurvey", "source: limesurvy")
                     .replace("mapping: limesurvey-codes.mapping.yaml", "mapping: gone.yaml"))
    result = runner.invoke(app, ["validate", "--trust", "survey-town", "-f", "json"])
    problems = {(p["code"], p["line"]) for p in json.loads(result.stdout)["problems"]
                if p["file"] == str(trust)}
    assert problems == {("invalid-value", 9), ("file-not-found", 10)}
    assert "did you mean 'limesurvey'" in result.stdout


def test_nothing_personal_in_any_output_or_message(town: Path) -> None:
    outputs = [runner.invoke(app, args) for args in (
        ["ingest", "-t", "survey-town"], ["analyse", "-t", "survey-town", "-f", "csv"],
        ["report", "-t", "survey-town", "-o", "report"], ["validate", "-t", "survey-town"])]
    text = "".join(r.output for r in outputs)
    text += "".join(p.read_text(encoding="utf-8-sig") for p in Path(".").rglob("*")
                    if p.is_file())
    assert [value for value in PERSONAL if value in text] == []


def test_formulas_in_free_text_are_neutralised(town: Path) -> None:
    export = town / "qualtrics.csv"
    export.write_text(export.read_text(encoding="utf-8-sig").replace(
        "Good start", "=HYPERLINK(\"http://e.vil\")"), encoding="utf-8")
    assert runner.invoke(app, ["ingest", "-t", "survey-town"]).exit_code == 0
    normalised = Path("ingested/survey-town/qualtrics.responses.csv").read_text("utf-8-sig")
    assert "'=HYPERLINK" in normalised and ",=HYPERLINK" not in normalised


@pytest.mark.parametrize("args", [
    ["ingest"],
    ["ingest", "--trust", "survey-town", "--source", "qualtrics"],
    ["ingest", "--trust", "survey-town", "a/x.csv", "b/x.csv"],
])
def test_ingest_usage_errors(town: Path, args: list[str]) -> None:
    for name in ("a", "b"):
        write(Path(name) / "x.csv", "respondent_id,audience\n1,staff\n")
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Usage error" in result.stderr
