"""The command line as users and CI scripts drive it: exit codes, output, files written."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf import __version__
from owcf.cli import app
from owcf.files import write_files
from owcf.workspace.inputs import gather
from owcf.workspace.run import analyse_inputs, read_responses

from .conftest import EXAMPLE, REPO, TINY_RESPONSES, TINY_TRUST, write
from .ingest_helpers import digests

GOLDEN = Path(__file__).parent / "golden" / "oxfordshire-report.md"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_help_does_not_import_pandas_or_matplotlib() -> None:
    code = ("import sys\nfrom owcf.cli import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'pandas', 'matplotlib', 'numpy', 'scipy'})\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "HEAVY []" in out


def test_the_command_line_starts_one_blas_thread_unless_told_otherwise(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # (before numpy is imported: test_help_does_not_import_pandas_or_matplotlib)
    import owcf.cli

    for name in owcf.cli.BLAS_THREADS:
        monkeypatch.setenv(name, "")  # (so the test leaves the variable as it found it)
        monkeypatch.delenv(name)
    monkeypatch.setenv("MKL_NUM_THREADS", "4")
    seen: dict[str, str | None] = {}
    monkeypatch.setattr(owcf.cli, "app", lambda: seen.update(
        {name: os.environ.get(name) for name in owcf.cli.BLAS_THREADS}))
    owcf.cli.main()
    assert seen == {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "4",
                    "VECLIB_MAXIMUM_THREADS": "1"}


def test_a_crossing_outside_the_pattern_is_warned_of_until_declared(runner: CliRunner,
                                                                   trust_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(TINY_RESPONSES)))
    for k, row in enumerate(rows):  # a team column beside the workforce group
        row.insert(3, "team" if k == 0 else ("red", "blue")[k % 2])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    write(trust_path / "responses.csv", out.getvalue())
    write(trust_path / "trust.yaml", TINY_TRUST + "breakdowns: [team]\n")
    crossed = runner.invoke(app, ["analyse", "-t", "tinytown", "--by", "team", "--by", "audience",
                                  "--format", "json"])
    assert crossed.exit_code == 0, crossed.stderr
    assert ("warning: crossing-outside-pattern: team crossed with audience is outside the data "
            "set's suppression pattern") in crossed.stderr
    assert "list [team, audience] under 'crossings:' in trust.yaml" in crossed.stderr
    assert json.loads(crossed.stdout)["by"] == ["team", "audience"]
    for by in (["team"], ["audience", "workforce_group"]):
        alone = runner.invoke(app, ["analyse", "-t", "tinytown", *(a for b in by for a in ("--by", b)),
                                    "--format", "json"])
        assert alone.exit_code == 0 and "crossing-outside-pattern" not in alone.stderr
    # declared, in either order, the crossing is in the data set's pattern: no warning
    write(trust_path / "trust.yaml", TINY_TRUST + "breakdowns: [team]\ncrossings: [[audience, team]]\n")
    declared = runner.invoke(app, ["analyse", "-t", "tinytown", "--by", "team", "--by", "audience",
                                   "--format", "json"])
    assert declared.exit_code == 0 and "crossing-outside-pattern" not in declared.stderr
    assert ([g["by"] for g in json.loads(declared.stdout)["groups"]]
            == [g["by"] for g in json.loads(crossed.stdout)["groups"]])


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"owcf {__version__}"


def test_analyse_json_equals_the_library_result(runner: CliRunner) -> None:
    result = runner.invoke(app, ["analyse", "--trust", "oxfordshire", "--by", "audience",
                                 "--format", "json"])
    assert result.exit_code == 0, result.stderr
    # the library path a user takes, as README shows it
    inputs, _ = gather(trust="oxfordshire")
    responses = read_responses(inputs).responses
    library = analyse_inputs(inputs, responses, ["audience"])
    assert json.loads(result.stdout) == library.to_dict()
    data = json.loads(result.stdout)
    assert data["schema_version"] == "1"
    assert [g["by"] for g in data["groups"]] == [
        {}, {"audience": "workforce"}, {"audience": "leaders_managers"},
        {"audience": "children_young_people"}]


def test_analyse_csv_has_a_row_per_group_and_scope(runner: CliRunner) -> None:
    result = runner.invoke(app, ["analyse", str(EXAMPLE / "responses.csv"), "-f", "csv",
                                 "--by", "workforce_group"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"workforce_group", "scope", "id", "n", "mean", "ci_low", "ci_high", "count_DK",
            "count_NA", "count_blank"} <= set(rows[0])
    everyone = rows[:7 + 30 + 75]
    assert [sum(r["scope"] == s for r in everyone) for s in ("colour", "dimension", "item")] == [
        7, 30, 75]
    assert rows[0]["scope"] == "colour" and rows[1]["scope"] == "dimension"
    assert rows[2]["scope"] == "item" and rows[2]["dimension"] == rows[1]["id"]


def test_analyse_table_goes_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(app, ["analyse", str(EXAMPLE / "responses.csv")])
    assert result.exit_code == 0
    assert "Everyone (620 respondents)" in result.stdout
    assert "Shared vision for children" in result.stdout
    # stderr: the column the trust declares as a breakdown is reported and left out
    # without the trust, never mixed into data; then the reconciliation of the file read
    assert "column 'locality': warning: unknown-column" in result.stderr
    assert "warning" not in result.stdout
    assert "read as owcf (wide, one row per respondent), UTF-8, comma-separated" in result.stderr
    assert "620 rows read = 620 accepted + 0 rejected" in result.stderr
    quiet = runner.invoke(app, ["--quiet", "analyse", str(EXAMPLE / "responses.csv")])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_analyse_without_input_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["analyse"])
    assert result.exit_code == 2
    assert "responses file or --trust" in result.stderr


def test_a_min_cell_of_2_is_a_usage_error(runner: CliRunner) -> None:
    """--min-cell 2 would withhold figures of 1 as "fewer than 2": it protects nothing."""
    for command in (["analyse", "--trust", "oxfordshire"], ["report", "--trust", "oxfordshire"]):
        result = runner.invoke(app, [*command, "--min-cell", "2"])
        assert result.exit_code == 2 and result.stdout == ""
        assert "fewer than 2 is 1" in " ".join(result.stderr.replace("│", " ").split())


def test_analyse_unknown_format_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["analyse", str(EXAMPLE / "responses.csv"), "-f", "xml"])
    assert result.exit_code == 2


def test_analyse_bad_csv_names_file_row_and_column(runner: CliRunner, tiny: Path) -> None:
    bad = tiny / "bad.csv"
    bad.write_text("respondent_id,audience,v1\na,staff,9\nb,nobody,1\nc,staff,2\n",
                   encoding="utf-8")
    args = ["analyse", str(bad), "--framework", str(tiny / "framework.yaml"),
            "--questionnaire", str(tiny / "questionnaire.yaml")]
    # by default the bad rows are rejected, listed, and the rest analysed
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"{bad}: 3 rows read = 1 accepted + 2 rejected" in result.stderr
    assert f"{bad}: row 2, column 'v1': warning: invalid-answer: '9'" in result.stderr
    assert f"{bad}: row 3, column 'audience': warning: unknown-audience: 'nobody'" in result.stderr
    assert "Everyone (<5 respondents)" in result.stdout  # one accepted, withheld
    assert all(line.startswith(str(bad)) for line in result.stderr.strip().splitlines())

    result = runner.invoke(app, [*args, "--strict"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert f"{bad}: row 2, column 'v1': invalid-answer" in result.stderr
    assert f"{bad}: row 3, column 'audience': unknown-audience" in result.stderr
    assert "Traceback" not in result.output
    assert all(line.startswith(str(bad)) for line in lines)
    assert result.stdout == ""


def test_debug_shows_the_exception(runner: CliRunner, tiny: Path) -> None:
    bad = tiny / "bad.csv"
    bad.write_text("respondent_id,audience,v1\na,staff,9\n", encoding="utf-8")
    result = runner.invoke(app, ["--debug", "analyse", str(bad), "--strict", "--framework",
                                 str(tiny / "framework.yaml"), "--questionnaire",
                                 str(tiny / "questionnaire.yaml")])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "OwcfError"


def test_report_writes_both_formats_and_prints_paths(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--trust", "oxfordshire", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    printed = result.stdout.strip().splitlines()
    charts = sorted((out / "charts").glob("*.svg"))
    # per colour a spider diagram, a dot chart and answer bars; the overview of every
    # colour; the answers of every workforce group
    assert len(charts) == 7 * 3 + 2 + 1  # and progress since 2009
    assert {"overview.svg", "workforce-groups-answers.svg"} <= {c.name for c in charts}
    assert sorted(printed) == sorted(str(p) for p in [out / "report.md", out / "report.html",
                                                       *charts])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 24
    assert "<script" not in html.lower()
    for fetched in ('src="http', "src='http", "url(http", "@import", '<link rel="stylesheet"'):
        assert fetched not in html
    for heading in ("Main points", "Actions", "Our current position", "About this assessment"):
        assert f">{heading}</h2>" in html
    for heading in ("Introduction", "The One Children's Workforce framework",
                    "Our plan for completing the tool"):
        assert f">{heading}</h3>" in html
    md = (out / "report.md").read_text(encoding="utf-8")
    for colour in ("red", "orange", "yellow", "green", "blue", "indigo", "violet"):
        assert f"](charts/{colour}.svg)" in md
    assert not [p for p in out.iterdir() if p.name.startswith(".owcf-")]


def test_report_is_byte_identical_when_run_twice(runner: CliRunner, tmp_path: Path) -> None:
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert runner.invoke(app, ["report", "-t", "oxfordshire", "-o", str(out)]).exit_code == 0
        runs.append(digests(out))
    assert runs[0] == runs[1] and len(runs[0]) == 26  # 23 charts + progress + 2 pages


def test_report_markdown_matches_golden_file(runner: CliRunner, tmp_path: Path) -> None:
    """Set OWCF_UPDATE_GOLDEN=1 to rewrite the golden file after an intended change."""
    result = runner.invoke(app, ["report", "-t", "oxfordshire", "-o", str(tmp_path), "-f", "md"])
    assert result.exit_code == 0, result.stderr
    produced = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert not (tmp_path / "report.html").exists()
    if os.environ.get("OWCF_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(produced, encoding="utf-8")
    assert produced == GOLDEN.read_text(encoding="utf-8")


def test_report_needs_a_trust(runner: CliRunner) -> None:
    assert runner.invoke(app, ["report"]).exit_code == 2


@pytest.mark.parametrize("name", ["../etc", "Oxfordshire/..", "a b", "/tmp/x"])
def test_unsafe_trust_names_are_refused(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["report", "--trust", name])
    assert result.exit_code == 1
    assert "invalid-id" in result.stderr and "Traceback" not in result.output


def test_untrusted_text_is_inert_in_both_reports(runner: CliRunner, trust_path: Path,
                                                 tmp_path: Path) -> None:
    trust_yaml = trust_path / "trust.yaml"
    text = trust_yaml.read_text(encoding="utf-8")
    trust_yaml.write_text(text.replace("name: Tinytown Children's Trust",
                                       "name: \"Tiny <script>alert(1)</script> [x](http://e.vil)\"")
                          .replace("introduction: Hello from Tinytown.",
                                   "introduction: \"=HYPERLINK('http://e.vil') <img src=x>\""),
                          encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "-t", "tinytown", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x>" not in html
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "\\<script\\>" in md
    assert "[x](http://e.vil)" not in md


def test_small_trust_report_withholds_small_groups(runner: CliRunner, trust_path: Path,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "-t", "tinytown", "-o", str(out), "-f", "md"])
    assert result.exit_code == 0, result.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    # five respondents in all, and five different answers to s1 (3, DK, 4, 1 and a
    # blank), each withheld: had they been said to be small (at least 1 each), everyone's
    # 5 would have made each exactly 1. Said only to be withheld (a 0 may be one), each is
    # 0 to 5, and the three audiences, each fewer than 5 (1 to 4), 1 to 3: the 5 stands
    assert ("- 5 people answered the questionnaire (each audience's number is withheld: "
            "too few to publish).") in md
    assert "| Staff | fewer than 5 |" in md and "| Leaders | fewer than 5 |" in md
    assert "| Vision | withheld |" in md and "| Vision | fewer than 5 |" not in md


def test_a_small_trust_says_fewer_than_its_threshold_answered(
        runner: CliRunner, trust_path: Path, tmp_path: Path) -> None:
    """Three respondents: everyone is small itself, so the report says "fewer than 5",
    neither the 3 nor that it protects another group."""
    responses = trust_path / "responses.csv"
    lines = responses.read_text(encoding="utf-8").splitlines()
    responses.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "-t", "tinytown", "-o", str(out), "-f", "md"])
    assert result.exit_code == 0, result.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "- Fewer than 5 people answered the questionnaire." in md
    assert "3 people" not in md and "answered the questionnaire is withheld" not in md


def test_a_group_withheld_to_protect_another_is_not_called_small(
        runner: CliRunner, trust_path: Path, tmp_path: Path) -> None:
    """Twelve staff beside one leader: the leader's group is fewer than 5; the staff's,
    withheld so that 13 - 12 cannot give the leader away, is said to protect it."""
    rows = "".join(f"x{k},staff,health,3,2,3,,3,3,\n" for k in range(12))
    responses = trust_path / "responses.csv"
    head = responses.read_text(encoding="utf-8").splitlines()[0]
    responses.write_text(f"{head}\n{rows}y1,leaders,health,4,1,4,4,4,3,\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "-t", "tinytown", "-o", str(out), "-f", "md"])
    assert result.exit_code == 0, result.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| Leaders | fewer than 5 |" in md
    assert "| Staff | withheld to protect a smaller group |" in md


def test_write_files_leaves_nothing_behind_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(TypeError):
        write_files({"report.md": b"ok", "charts/red.svg": "not bytes"}, out)  # type: ignore[dict-item]
    assert list(out.rglob("*")) == []


def test_package_runs_as_module() -> None:
    result = subprocess.run([sys.executable, "-m", "owcf", "--version"], capture_output=True,
                            text=True, cwd=REPO)
    assert result.returncode == 0 and result.stdout.startswith("owcf ")


def test_report_before_any_responses_still_shows_plan_and_targets(
        runner: CliRunner, trust_path: Path, tmp_path: Path) -> None:
    trust_yaml = trust_path / "trust.yaml"
    trust_yaml.write_text(trust_yaml.read_text().replace("responses: [responses.csv]\n", ""))
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "-t", "tinytown", "-o", str(out), "-f", "md"])
    assert result.exit_code == 0, result.stderr
    assert "warning: no-responses" in result.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "No questionnaire responses have been analysed yet." in md
    assert "| Vision | – (0) | – | – | – | – | 3.00 | – |" in md
    result = runner.invoke(app, ["analyse", "-t", "tinytown"])
    assert result.exit_code == 1 and "no-responses" in result.stderr
