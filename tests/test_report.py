"""The board report and the action plan: sections, support, comments, dates, batches, CI exits."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.publish.report import redact

runner = CliRunner()


def _report(tmp_path: Path, *args: str, trust_path: Path | None = None) -> tuple[str, str]:
    out = tmp_path / "out"
    env = {"OWCF_TRUST_PATH": str(trust_path)} if trust_path else None
    result = runner.invoke(app, ["report", "-t", "oxfordshire", "-o", str(out), *args], env=env)
    assert result.exit_code == 0, result.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    return md, html


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory, _rounds_2009: Path) -> tuple[str, str]:
    """The bundled example's 2009 round's report (the seed report's round, with no
    baseline), Markdown and HTML, rendered once for the module."""
    return _report(tmp_path_factory.mktemp("bundled"), trust_path=_rounds_2009)


def table(md: str, heading: str) -> list[list[str]]:
    """The body rows of the first Markdown table whose header row starts with ``heading``."""
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {heading} |"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip()[1:-1])])
    return rows


def section(md: str, heading: str) -> str:
    """The Markdown from ``heading`` to the next heading of the same level."""
    level = heading.split(" ", 1)[0]
    start = md.index(f"\n{heading}\n")
    following = re.search(rf"\n{level} ", md[start + len(heading) + 2:])
    return md[start:start + len(heading) + 2 + (following.start() if following else len(md))]


def test_report_reads_in_the_order_a_board_needs(bundled: tuple[str, str]) -> None:
    md, html = bundled
    order = ["Main points", "Top priorities and their actions", "Actions",
             "Our current position", "Support we need", "About this assessment",
             "Things you need to know about these figures"]
    assert re.findall(r"^## (.+)$", md, re.M) == order
    assert re.findall(r'<h2 id="[^"]+">([^<]+)</h2>', html) == order
    for heading in ("Introduction", "The One Children's Workforce framework",
                    "Our plan for completing the tool", "Evidence from other tests"):
        assert f"\n### {heading}\n" in md
    assert "Planned actions" not in md  # one actions section, not two


def test_first_page_states_the_headline_every_colour_and_the_priorities(
        bundled: tuple[str, str]) -> None:
    md, html = bundled
    first = md[:md.index("\n## Actions\n")]
    assert "**Status:** Draft" in first and "**Assessment period:** 23 January to 1 June 2009" in first
    assert "Produced" not in first  # no date without SOURCE_DATE_EPOCH
    points = re.findall(r"^- (.+)$", section(md, "## Main points"), re.M)
    assert points[0] == ("17 of the 30 dimensions with a current position have reached "
                         "Established or above and 13 are below it; 1 has reached its target.")
    assert points[1].startswith("Every colour is below its target. Green is furthest from its "
                                "target (3.05 against 4.38, a gap of 1.33)")
    assert ("4 of the top 5 priorities have an action with an owner; Early identification and "
            "common assessment (priority 4) has none yet.") in points[2]
    assert points[-1].startswith("620 people answered the questionnaire (396 workforce, 82 "
                                 "leaders and managers and 142 children, young people")
    # the same pair of audiences is one sentence, not five rows
    assert sum("rate the trust higher" in p for p in points) == 1
    # Figure 1: every colour, with its table
    assert "**Figure 1: Every colour is below its target; Green is furthest from it**" in first
    colours = table(first, "Colour")
    assert [row[0] for row in colours] == ["Red", "Orange", "Yellow", "Green", "Blue", "Indigo",
                                           "Violet"]
    # the top priorities, each with its action, owner and due date, the gap flagged
    rows = table(first, "Priority")
    assert rows[0][:5] == ["1", "Information sharing (Yellow)", "2.63", "4.50", "1.87"]
    assert rows[0][5:] == ["4. Hold focus groups/workshops for staff.",
                           "Workforce development manager", "30 September 2009"]
    flagged = next(row for row in rows if row[0] == "4")
    assert flagged[1].startswith("Early identification") and "No action" in flagged[5]
    assert len([row for row in rows if row[0]]) == 5
    # the same in HTML, on the first page
    page = html[html.index('id="main-points"'):html.index('id="actions"')]
    assert page.count("No action addresses this priority.") == 1
    assert "Workforce development manager, 30 September 2009." in page
    assert page.count('<svg role="img"') == 1


def test_actions_in_one_section_by_due_date_with_owners_and_dimensions(
        bundled: tuple[str, str]) -> None:
    md, _ = bundled
    rows = table(section(md, "## Actions"), "No.")
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5", "7", "6", "8"]  # by due date
    assert [row[3] for row in rows][4:7] == ["30 September 2009", "31 October 2009",
                                             "30 November 2009"]
    action3 = rows[2]
    assert action3[2] == "Director of Children's Services"
    assert action3[4] == "In progress: New workforce development manager appointed June 2009."
    assert action3[5] == "Joint workforce planning (17); Leadership for integrated working (5)"


def test_levels_are_reached_never_rounded_up(bundled: tuple[str, str]) -> None:
    md, _ = bundled
    rows = {row[0]: row for row in table(section(md, "### Orange: Leadership, governance and "
                                                    "partnership"), "Dimension")}
    leadership = rows["Leadership for integrated working"]
    assert leadership[3] == "2.58" and leadership[5] == "Developing, moving towards Established"
    for row in rows.values():
        current = float(row[3].strip("*"))
        level = row[5].split(",")[0]  # the overall row too
        assert int(current) == {"Starting out": 1, "Developing": 2, "Established": 3,
                                "Good": 4, "World-class": 5}[level], row


def test_every_colour_table_adds_up_as_printed(bundled: tuple[str, str]) -> None:
    md, _ = bundled
    for colour in ("Red", "Orange", "Yellow", "Green", "Blue", "Indigo", "Violet"):
        part = md[md.index(f"\n### {colour}: "):]
        rows = table(part, "Dimension")
        dims, overall = rows[:-1], rows[-1]
        for row in dims:  # gap = target - current, to the printed figure
            current, target, gap = float(row[3]), float(row[6]), float(row[7])
            assert round(target - current, 2) == gap, row
        current = float(overall[3].strip("*"))
        target, gap = float(overall[6]), float(overall[7])
        assert abs(current - sum(float(r[3]) for r in dims) / len(dims)) <= 0.005 + 1e-9
        assert abs(target - sum(float(r[6]) for r in dims) / len(dims)) <= 0.005 + 1e-9
        assert round(target - current, 2) == gap
        # and the one figure that is not a mean of the rows says why
        assert overall[1].startswith(tuple("0123456789")) and "\\*" in overall[1]
        assert f"mean of each respondent's {colour} score, not the mean of the rows above" in part


def test_each_summary_is_read_once(bundled: tuple[str, str]) -> None:
    _, html = bundled
    for summary in re.findall(r"<p>((?:Red|Orange|Yellow|Green|Blue|Indigo|Violet): the "
                              r"strongest dimension[^<]+)</p>", html):
        assert html.count(summary) == 1  # not again in a chart's aria-label
    labels = re.findall(r'<svg role="img" aria-label="([^"]+)"', html)
    assert labels and all(len(label) < 200 and "strongest" not in label for label in labels)


def test_figures_have_titles_that_state_the_finding_and_a_table_each(bundled: tuple[str, str]) -> None:
    md, html = bundled
    titles = re.findall(r"^\*\*Figure (\d+): (.+)\*\*$", md, re.M)
    assert [int(n) for n, _ in titles] == list(range(1, 24))
    assert ("9", "Yellow: Information sharing furthest from target (gap 1.87)") in titles
    assert ("23", "Across all questions, 33% of answers agree; early years most (39%)") in titles
    figures = re.findall(r'<figure id="figure-(\d+)"', html)
    for number in figures:  # every chart has its table, named after it
        assert re.search(rf"<caption>Figures? (\d+ and )?{number}\b|<caption>Figures? "
                         rf"\d+ and {number}\b", html), number


def test_numbers_are_right_aligned_in_html(bundled: tuple[str, str]) -> None:
    _, html = bundled
    cells = re.findall(r'<td( class="[^"]*")?[^>]*>([^<]*)</td>', html)
    numeric = [(cls, text) for cls, text in cells if re.fullmatch(r"[<>]?[0-9][0-9.,%–]*", text)]
    assert len(numeric) > 300
    assert all("num" in cls for cls, _ in numeric), [t for c, t in numeric if "num" not in c][:5]
    assert ".num { text-align: right;" in html


def test_who_answered_with_response_rates_and_children_as_their_audience(
        bundled: tuple[str, str]) -> None:
    md, _ = bundled
    groups = {row[0]: row[1:] for row in table(md, "Workforce group")}
    # respondents, the illustrative workforce size, and the rate worked out by hand
    assert groups["Early Years"] == ["92", "4,200", "2.2%"]     # 92 / 4200 = 2.19%
    assert groups["Education"] == ["114", "9,800", "1.2%"]      # 114 / 9800 = 1.16%
    assert groups["Local Safeguarding Children Board"] == ["25", "350", "7.1%"]
    assert "Not stated" not in groups  # the 142 children were counted as a workforce group
    assert ("The 142 children, young people, families and carers who answered are an audience, "
            "not part of the workforce") in md


def test_weighted_and_unweighted_figures_side_by_side(bundled: tuple[str, str],
                                                     oxfordshire_2009: Path) -> None:
    md, _ = bundled
    weighted = json.loads(runner.invoke(app, ["analyse", "-t", "oxfordshire", "--weights",
                                              "population", "-f", "json"]).stdout)
    plain = json.loads(runner.invoke(app, ["analyse", "-t", "oxfordshire", "-f", "json"]).stdout)
    rows = {row[0]: row[1:] for row in table(md[md.index("### Weighted and unweighted"):],
                                              "Colour")}
    for w, p in zip(weighted["groups"][0]["colours"], plain["groups"][0]["colours"], strict=True):
        assert rows[p["name"]] == [f"{p['mean']:.2f}", f"{w['mean']:.2f}"]
    assert "Weighted so that each workforce group counts in proportion to its size" in md


def test_synthetic_and_illustrative_data_is_said_on_the_first_page(bundled: tuple[str, str]) -> None:
    md, html = bundled
    first = md[:md.index("\n## Main points\n")]
    assert "> **Not real data.** The questionnaire responses are synthetic" in first
    assert "The targets, the ratings from the other tests, the workforce sizes and the action " \
           "owners and links are illustrative" in first
    assert '<div class="notice" role="note">' in html


def test_a_real_final_report_makes_no_such_claim(trust_path: Path, tmp_path: Path) -> None:
    trust_yaml = trust_path / "trust.yaml"
    trust_yaml.write_text(trust_yaml.read_text(encoding="utf-8") + "status: final\n",
                          encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["report", "-t", "tinytown", "-o", str(out)]).exit_code == 0
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "**Status:** Final" in md and "Not real data" not in md and "not real" not in md


def test_report_html_is_one_accessible_file(bundled: tuple[str, str]) -> None:
    _, html = bundled
    assert html.count("<svg") == 23 and html.count('role="img"') == 23
    assert '<a class="skip" href="#main">' in html and '<main id="main">' in html
    assert html.count("<caption>") >= 7 * 2 + 3
    assert "@media print" in html and "size: A4" in html
    assert "<script" not in html.lower()
    # nothing is fetched: no src/href/url() pointing off the page (SVG namespaces are names)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""",
                         html)


def test_comments_are_quoted_once_each_with_how_many_wrote_them(tmp_path: Path,
                                                                oxfordshire_2009: Path) -> None:
    md, _ = _report(tmp_path, "--include-comments")
    said = section(md, "## What people said")
    quotes = re.findall(r'^- (.+?): "(.+?)"(?: \((.+)\))?$', said, re.M)
    assert len(quotes) == len(set((who, text) for who, text, _ in quotes)) == 14
    counts = {text: people for _, text, people in quotes}
    assert counts["Multi-agency training last year was really useful; more please."] == "17 people"
    # four leaders and managers (below their threshold of 5) wrote this: no small number
    assert counts["Recruitment of experienced social workers remains our biggest risk."] == \
        "more than one person"


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
    assert "Produced" not in md
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1247788800")  # 2009-07-17
    md, html = _report(tmp_path)
    assert "**Produced:** 17 July 2009" in md
    assert "<div><dt>Produced</dt><dd>17 July 2009</dd></div>" in html


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


def test_actions_overdue_exits_1_for_ci(tmp_path: Path, oxfordshire_2009: Path) -> None:
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


def test_answer_rows_say_only_what_is_true_of_every_withheld_row(tmp_path: Path) -> None:
    """A row of answers withheld reads "withheld to protect small numbers": true whether
    its own counts are small or protect small ones (issue 15: audiences of 82 and 142
    people read "small numbers"). It never says which (issue 11: a row said to be withheld
    only to protect another tells a reader none of its counts is small, a bound that pins
    figures). The withheld rows come from `owcf analyse --format json`, each audience's
    colour counts; the report's answers tables must agree."""
    analysed = runner.invoke(app, ["analyse", "-t", "oxfordshire", "--by", "audience",
                                   "--format", "json"])
    assert analysed.exit_code == 0, analysed.output
    data = json.loads(analysed.stdout)
    out = tmp_path / "report"
    made = runner.invoke(app, ["-q", "report", "-t", "oxfordshire", "-f", "md", "-o", str(out)])
    assert made.exit_code == 0, made.output
    md = (out / "report.md").read_text(encoding="utf-8")
    headings = {line[4:].split(":")[0]: line for line in md.splitlines()
                if line.startswith("### ")}
    withheld: Counter[str] = Counter()  # per colour, the audiences whose bar is withheld
    for group in data["groups"]:
        if "audience" not in group["by"]:
            continue
        for colour in group["colours"]:
            # a bar is withheld when a count on the scale is (a withheld don't know or not
            # applicable only withholds the note beside it)
            withheld[colour["name"]] += any(
                k.startswith("counts.") and k[len("counts."):].isdigit()
                for k in colour["suppressed"] or {})
    assert sum(withheld.values())  # (the example withholds some)
    for colour, count in withheld.items():
        rows = [line for line in section(md, headings[colour]).splitlines()
                if line.startswith("| ") and "withheld to protect small numbers" in line]
        assert len(rows) == count, colour
    assert "to protect another figure" not in md and "(small numbers)" not in md
