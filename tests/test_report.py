"""The board report and the action plan: sections, support, comments, dates, batches, CI exits."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.publish.report import redact

runner = CliRunner()


def _report(tmp_path: Path, *args: str) -> tuple[str, str]:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "-t", "oxfordshire", "-o", str(out), *args])
    assert result.exit_code == 0, result.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    return md, html


def test_report_has_every_section_a_board_needs(tmp_path: Path) -> None:
    md, html = _report(tmp_path)
    for heading in ("Summary", "Introduction", "The One Children's Workforce framework",
                    "Our plan for completing the tool", "Our current position",
                    "Planned actions", "Actions", "Support we need",
                    "Appendix: methods and data quality"):
        assert f"\n## {heading}\n" in md
        assert f">{heading}</h2>" in html
    assert "### Evidence from other tests" in md
    assert "**Largest gaps to target, in priority order:**" in md
    assert "1. Information sharing: current 2.63, target 4.50, gap 1.87" in md
    assert "Where audiences disagree" in md
    # support: the accepted offer and a suggestion for the top gap, and the trust's own ask
    assert "| 1 | Information sharing | 1.87 | Integrated working practitioner toolkit" in md
    assert "| Yes |" in md and "| Suggested |" in md
    assert "Help to evaluate the impact of the Area Board teams" in md
    assert "| Early Years | 92 |" in md  # who answered, by workforce group
    assert "## What people said" not in md  # comments only when asked for


def test_report_html_is_one_accessible_file(tmp_path: Path) -> None:
    _, html = _report(tmp_path)
    assert html.count("<svg") == 21 and html.count('role="img"') == 21
    assert '<a class="skip" href="#main">' in html and '<main id="main">' in html
    assert html.count("<caption>") >= 7 + 3
    assert "@media print" in html and "size: A4" in html
    assert "<script" not in html.lower()
    # nothing is fetched: no src/href/url() pointing off the page (SVG namespaces are names)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""",
                         html)


def test_comments_are_quoted_only_on_request_and_redacted(runner_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "-t", "tinytown", "-o", str(out), "-f", "md",
                                 "--include-comments", "--min-cell", "1"])
    assert result.exit_code == 0, result.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## What people said" in md
    # brackets are escaped in Markdown, so they render as written
    assert "\\[email removed\\]" in md and "jo.bloggs@example.org" not in md
    assert "\\[phone number removed\\]" in md and "01865 123456" not in md
    assert "\\<script\\>alert(1)\\</script\\>" in md and "<script>" not in md
    out_html = tmp_path / "html"
    result = runner.invoke(app, ["report", "-t", "tinytown", "-o", str(out_html), "-f", "html",
                                 "--include-comments", "--min-cell", "1"])
    html = (out_html / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html


def test_comments_from_audiences_too_small_to_publish_are_left_out(runner_path: Path,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "-t", "tinytown", "-o", str(out), "-f", "md",
                                 "--include-comments"])  # min-cell 5: every audience is smaller
    assert result.exit_code == 0, result.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## What people said" in md and "Staff:" not in md


@pytest.mark.parametrize(("text", "expected"), [
    ("mail me at a.b-c@council.gov.uk please", "mail me at [email removed] please"),
    ("ring 01865 815000 or +44 (0)1865 815000", "ring [phone number removed] or [phone number removed]"),
    ("call 07700-900-123", "call [phone number removed]"),
    ("we met 12 times in 2009", "we met 12 times in 2009"),
])
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_source_date_epoch_dates_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    md, _ = _report(tmp_path)
    assert "Produced on" not in md
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1247788800")  # 2009-07-17
    md, html = _report(tmp_path)
    assert "_Produced on 17 July 2009._" in md and "Produced on 17 July 2009." in html


@pytest.mark.parametrize("value", ["17 July 2009", "-1", "1.5", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_an_error_not_an_undated_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "-t", "oxfordshire", "-o", str(out)])
    assert result.exit_code == 1
    assert (f"invalid-value: SOURCE_DATE_EPOCH must be a whole number of seconds since "
            f"1970-01-01 UTC, got {value!r}") in result.stderr
    assert "Traceback" not in result.output and not out.exists()


def test_actions_overdue_exits_1_for_ci(tmp_path: Path) -> None:
    late = runner.invoke(app, ["actions", "-t", "oxfordshire", "--overdue", "--today", "2009-10-01",
                               "-f", "json"])
    assert late.exit_code == 1
    data = json.loads(late.stdout)
    assert data["overdue"] == 5 and {a["id"] for a in data["actions"]} == {1, 2, 3, 4, 5}
    assert "5 open actions past due on 2009-10-01" in late.stderr
    on_time = runner.invoke(app, ["actions", "-t", "oxfordshire", "--overdue", "--today",
                                  "2009-07-01"])
    assert on_time.exit_code == 0
    everything = runner.invoke(app, ["actions", "-t", "oxfordshire", "-f", "csv",
                                     "--today", "2009-10-01"])
    rows = list(csv.DictReader(io.StringIO(everything.stdout)))
    assert len(rows) == 8 and rows[2]["owner"] == "Director of Children's Services"
    assert rows[2]["dimensions"] == "workforce_planning;leadership_for_integration"
    assert runner.invoke(app, ["actions", "-t", "oxfordshire", "--today", "1 Oct"]).exit_code == 2


def test_action_text_cannot_run_as_a_spreadsheet_formula(runner_path: Path) -> None:
    result = runner.invoke(app, ["actions", "-t", "tinytown", "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["text"] == "'=HYPERLINK(\"http://e.vil\",\"click\")"


def test_report_all_writes_every_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           tiny: Path) -> None:
    trusts = tmp_path / "trusts"
    for name in ("alpha", "beta"):
        (trusts / name).mkdir(parents=True)
        for file in tiny.iterdir():
            text = file.read_text(encoding="utf-8")
            if file.name == "trust.yaml":
                text = text.replace("id: tinytown", f"id: {name}")
            (trusts / name / file.name).write_text(text, encoding="utf-8")
    (trusts / "broken").mkdir()
    (trusts / "broken" / "trust.yaml").write_text("schema: owcf-trust/1\nid: broken\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--quiet", "report", "--all", "-o", "out", "-f", "md",
                                 "--jobs", "2"])
    assert result.exit_code == 1  # one workspace is invalid
    assert (tmp_path / "out" / "alpha" / "report.md").is_file()
    assert (tmp_path / "out" / "beta" / "report.md").is_file()
    assert not (tmp_path / "out" / "broken").exists()
    assert "broken/trust.yaml" in result.stderr and "missing-field" in result.stderr
    assert "reports written" in result.stderr
    assert runner.invoke(app, ["report", "--all", "-t", "alpha"]).exit_code == 2


def test_report_all_strict_fails_a_workspace_with_a_rejected_row(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny: Path) -> None:
    trusts = tmp_path / "trusts"
    shutil.copytree(tiny, trusts / "tinytown")
    with (trusts / "tinytown" / "responses.csv").open("a", encoding="utf-8") as handle:
        handle.write("r99,martians,,,1,1,1,1,1,1\n")
    monkeypatch.chdir(tmp_path)
    args = ["--quiet", "report", "--all", "-o", "out", "-f", "md", "--jobs", "1"]
    assert runner.invoke(app, args).exit_code == 0  # without --strict: a warning
    shutil.rmtree(tmp_path / "out")
    result = runner.invoke(app, [*args, "--strict"])
    assert result.exit_code == 1
    assert "unknown-audience" in result.stderr
    assert not (tmp_path / "out" / "tinytown").exists()


@pytest.fixture
def runner_path(trust_path: Path) -> Path:
    """The tiny workspace with a comment holding personal data, markup and a formula."""
    responses = trust_path / "responses.csv"
    text = responses.read_text(encoding="utf-8")
    text = text.replace("r1,staff,health,4,1,3,,2,2,fine",
                        'r1,staff,health,4,1,3,,2,2,"Email jo.bloggs@example.org or ring '
                        '01865 123456 <script>alert(1)</script>"')
    responses.write_text(text, encoding="utf-8")
    trust_yaml = trust_path / "trust.yaml"
    trust_yaml.write_text(trust_yaml.read_text(encoding="utf-8").replace(
        "    text: Share the report.", "    text: '=HYPERLINK(\"http://e.vil\",\"click\")'"),
        encoding="utf-8")
    return trust_path
