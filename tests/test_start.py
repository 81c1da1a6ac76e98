"""Starting an assessment: `owcf init` (a workspace that validates and reports before any
response), `owcf framework` (the framework to walk through) and `owcf questionnaire` (the
files for the platforms, paper and typing in): what each writes, that the XLSForm passes
the XLSForm project's own converter, that reruns give the same bytes, and that nothing
is overwritten unless asked."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markupsafe import escape
from typer.testing import CliRunner

from owcf.cli import app
from owcf.ingest.platforms.limesurvey import choice_code, item_code
from owcf.model.workspaces import load_trust

from .conftest import EXAMPLE, TINY_FRAMEWORK, write

runner = CliRunner()


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder to work in, with no trust path set (the bundled example is found)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OWCF_TRUST_PATH", raising=False)
    return tmp_path


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# -- owcf init ------------------------------------------------------------------------------

def test_init_makes_a_workspace_that_validates_warns_and_reports(here: Path) -> None:
    code, out, err = _run("init", "north-yorks")
    assert code == 0, err
    path = here / "trusts" / "north-yorks" / "trust.yaml"
    assert out.split() == ["trusts/north-yorks/trust.yaml"]
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["id"] == "north-yorks" and data["name"] == "North Yorks"
    assert len(data["pseudonym_salt"]) >= 40
    # every section a trust fills in is there, each under a one-line comment
    for key in ("introduction", "governance", "plan", "targets", "planned_actions", "actions",
                "evidence", "support", "disclosure", "population", "questionnaire"):
        assert key in data, key
        before = text.splitlines()[text.splitlines().index(
            next(x for x in text.splitlines() if x.startswith(f"{key}:"))) - 1]
        assert before.startswith("# "), key
    code, out, err = _run("validate", "--trust", "north-yorks", "--format", "json")
    assert code == 0, out
    import json

    report = json.loads(out)
    assert report["valid"] and report["errors"] == 0
    empty = sorted(p["message"].split("'")[1] for p in report["problems"]
                   if p["code"] == "empty-section")
    assert empty == sorted(["introduction", "governance", "responses", "population.sizes",
                            "plan.introduction", "plan.tests", "targets", "evidence",
                            "planned_actions.introduction", "planned_actions.focus_areas",
                            "actions", "closing"])
    assert {p["code"] for p in report["problems"]} == {"empty-section"}
    code, out, err = _run("report", "--trust", "north-yorks", "--format", "md", "--jobs", "1")
    assert code == 0, err
    assert "North Yorks" in (here / "reports" / "north-yorks" / "report.md").read_text()


def test_init_refuses_to_overwrite_and_writes_nothing(here: Path) -> None:
    assert _run("init", "a")[0] == 0
    first = (here / "trusts" / "a" / "trust.yaml").read_bytes()
    code, out, err = _run("init", "a")
    assert code == 1 and out == ""
    assert "trusts/a/trust.yaml: output-exists: already there" in err
    assert (here / "trusts" / "a" / "trust.yaml").read_bytes() == first
    # the secret differs between workspaces; nothing else does but the names
    assert _run("init", "b", "--dir", "elsewhere")[0] == 0
    second = (here / "elsewhere" / "b" / "trust.yaml").read_text()
    salts = [re.search(r'pseudonym_salt: "(.*)"', t)[1]  # type: ignore[index]
             for t in (first.decode(), second)]
    assert salts[0] != salts[1]
    assert second.replace(salts[1], salts[0]).replace("id: b", "id: a").replace(
        'name: "B"', 'name: "A"') == first.decode()
    assert _run("init", "../up")[0] == 1


def test_init_from_copies_settings_and_their_files_not_responses(
        here: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWCF_TRUST_PATH", str(tiny.parent))
    with (tiny / "trust.yaml").open("a", encoding="utf-8") as f:
        f.write("breakdowns: [team]\ncrossings: [[audience, team]]\n")
    code, _, err = _run("init", "copy", "--from", "tinytown")
    assert code == 0, err
    new = here / "trusts" / "copy"
    assert sorted(p.name for p in new.iterdir()) == ["framework.yaml", "questionnaire.yaml",
                                                     "trust.yaml"]
    assert (new / "framework.yaml").read_text() == (tiny / "framework.yaml").read_text()
    data = yaml.safe_load((new / "trust.yaml").read_text())
    assert data["framework"] == "framework.yaml"
    assert data["questionnaire"] == {"base": "questionnaire.yaml"}
    assert data["responses"] == [] and data["targets"] == {} and data["actions"] == []
    trust = load_trust(new)
    assert trust.id == "copy" and trust.framework.id == "tiny" and not trust.response_files
    assert trust.breakdowns == ("team",) and trust.crossings == (("audience", "team"),)
    # the bundled example's settings: its breakdowns come along, not its plan
    code, _, err = _run("init", "oxon", "--from", "oxfordshire")
    assert code == 0, err
    data = yaml.safe_load((here / "trusts" / "oxon" / "trust.yaml").read_text())
    assert data["breakdowns"] == ["locality"] and data["plan"]["tests"] == []


# -- owcf framework -------------------------------------------------------------------------

class _Headings(HTMLParser):
    """The text of every h1-h3, and whether anything is fetched or run."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, str]] = []
        self.fetches: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3"):
            self._open = tag
            self.headings.append((tag, ""))
        if tag in ("script", "link", "img", "iframe") or any(
                k in ("src", "href") and (v or "").startswith(("http", "//")) for k, v in attrs):
            self.fetches.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data)


def test_framework_page_has_a_heading_per_colour_and_dimension_with_the_trusts_items(
        here: Path) -> None:
    trust = load_trust(EXAMPLE)
    code, _, err = _run("framework", "--trust", "oxfordshire")
    assert code == 0, err
    html = (here / "framework" / "oxfordshire" / "framework.html").read_text()
    parser = _Headings()
    parser.feed(html)
    assert parser.fetches == []
    h2 = [t.strip() for tag, t in parser.headings if tag == "h2"]
    h3 = [t.strip() for tag, t in parser.headings if tag == "h3"]
    colours = [f"{c.name}: {c.theme}" for c in trust.framework.colours]
    assert [h for h in h2 if h in colours] == colours
    assert h3 == [d.name for d in trust.framework.dimensions]
    # levels lowest to highest, the perspective, the items measuring each dimension
    dim = trust.framework.dimensions[0]
    section = html[html.index(f'<h3 id="{dim.id}">'):]
    section = section[:section.index("<h3", 5)]
    positions = [section.index(str(escape(dim.levels[lv.id])))
                 for lv in trust.framework.scale.levels]
    assert positions == sorted(positions)
    assert [i.id for i in trust.questionnaire.items_for(dim.id)] == re.findall(
        r"<code>([a-z0-9_]+)</code>", section)
    assert "Leaders and managers" in section
    md = (here / "framework" / "oxfordshire" / "framework.md").read_text()
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")][-len(colours):] \
        == colours
    assert [line[4:] for line in md.splitlines() if line.startswith("### ")] == h3


def test_framework_page_shows_the_trusts_tailoring_and_any_framework_renders(
        here: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (tiny / "trust.yaml").read_text().replace(
        "  base: questionnaire.yaml\n",
        "  base: questionnaire.yaml\n  drop: [p2]\n  reword:\n    - {id: v1, text: Local vision"
        " wording}\n  add:\n    - {id: local_1, dimension: planning, text: A local item}\n")
    (tiny / "trust.yaml").write_text(text)
    monkeypatch.setenv("OWCF_TRUST_PATH", str(tiny.parent))
    assert _run("framework", "--trust", "tinytown", "--format", "html")[0] == 0
    html = (here / "framework" / "tinytown" / "framework.html").read_text()
    codes = re.findall(r"<code>([a-z0-9_]+)</code>", html)
    assert codes == ["v1", "v2", "s1", "s2", "p1", "local_1"]
    assert "Local vision wording" in html and ">One<" not in html
    assert not (here / "framework" / "tinytown" / "framework.md").exists()
    # a framework file of the schema renders on its own, without items
    fw = write(here / "fw.yaml", TINY_FRAMEWORK)
    assert _run("framework", "--framework", str(fw), "--out", "fw")[0] == 0
    page = (here / "fw" / "framework.html").read_text()
    assert "<h3 id=\"planning\">Planning</h3>" in page and "<code>" not in page
    code, _, err = _run("framework", "--framework", str(fw), "--out", "fw")
    assert code == 1 and "output-exists" in err
    assert (here / "fw" / "framework.html").read_text() == page
    assert _run("framework", "--framework", str(fw), "--out", "fw", "--force")[0] == 0
    assert (here / "fw" / "framework.html").read_text() == page  # the same bytes again


# -- owcf questionnaire ---------------------------------------------------------------------

def _xlsform_warnings(path: Path) -> list[str]:
    from pyxform.xls2xform import convert

    warnings: list[str] = []
    convert(xlsform=str(path), warnings=warnings)
    return warnings


@pytest.mark.parametrize("audience", [None, "children_young_people", "leaders_managers"])
def test_the_xlsform_converts_with_pyxform_with_no_warning(here: Path,
                                                           audience: str | None) -> None:
    """pyxform, the XLSForm project's own converter (what KoboToolbox and ODK Central run
    on upload), reads the form with no error and no warning."""
    args = ["questionnaire", "--trust", "oxfordshire", "--to", "xlsform"]
    code, out, err = _run(*args, *(["--audience", audience] if audience else []))
    assert code == 0, err
    (path,) = [Path(p) for p in out.split()]
    assert _xlsform_warnings(path) == []


def test_pyxform_check_catches_a_broken_form(here: Path) -> None:
    """The check above can fail: a form whose relevant names a question that is not
    there is refused by pyxform."""
    from openpyxl import load_workbook
    from pyxform.errors import PyXFormError

    _, out, _ = _run("questionnaire", "--trust", "oxfordshire", "--to", "xlsform")
    (path,) = [Path(p) for p in out.split()]
    book = load_workbook(path)
    book["survey"]["F3"] = "${audiance} = 'workforce'"
    book.save(path)
    with pytest.raises(PyXFormError):
        _xlsform_warnings(path)


def test_every_format_is_the_same_bytes_on_rerun_and_never_overwrites(here: Path) -> None:
    for to in ("xlsform", "limesurvey", "qualtrics", "print", "csv"):
        code, out, err = _run("questionnaire", "--trust", "oxfordshire", "--to", to)
        assert code == 0, (to, err)
        paths = [Path(p) for p in out.split()]
        first = {p: p.read_bytes() for p in paths}
        code, again, err = _run("questionnaire", "--trust", "oxfordshire", "--to", to)
        assert code == 1 and again == "" and "output-exists" in err, to
        assert err.count("output-exists") == len(paths)
        code, again, err = _run("questionnaire", "--trust", "oxfordshire", "--to", to,
                                "--out", "second")
        assert code == 0
        for path in paths:
            assert (here / "second" / path.name).read_bytes() == first[path], path
        code, _, _ = _run("questionnaire", "--trust", "oxfordshire", "--to", to, "--force")
        assert code == 0 and {p: p.read_bytes() for p in paths} == first
    files = sorted(p.name for p in (here / "questionnaires" / "oxfordshire").iterdir())
    audiences = ["children_young_people", "leaders_managers", "workforce"]
    assert files == sorted(["oxfordshire-xlsform.xlsx", "oxfordshire-limesurvey.txt",
                            "oxfordshire-responses-template.csv",
                            *(f"oxfordshire-{a}-qualtrics.txt" for a in audiences),
                            *(f"oxfordshire-{a}-print.html" for a in audiences)])


def test_the_xlsform_does_not_change_with_the_clock(here: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """An XLSX is a zip whose parts carry a time: owcf fixes it, so a form written a day
    later is the same bytes."""
    import time

    from owcf.workspace.questionnaire import questionnaire_files

    trust = load_trust(EXAMPLE)
    today = questionnaire_files(trust, "xlsform")
    later = time.time() + 86_400 * 3
    monkeypatch.setattr(time, "time", lambda: later)
    assert questionnaire_files(trust, "xlsform") == today


def test_questionnaire_needs_a_known_audience_and_target(here: Path) -> None:
    code, _, err = _run("questionnaire", "--trust", "oxfordshire", "--to", "print",
                        "--audience", "leaders")
    assert code == 1 and "unknown-audience" in err and "did you mean 'leaders_managers'" in err
    assert not (here / "questionnaires").exists()
    assert _run("questionnaire", "--trust", "oxfordshire")[0] == 2
    assert _run("questionnaire", "--to", "csv")[0] == 2


def test_limesurvey_codes_follow_its_rules_and_stay_with_their_ids(here: Path) -> None:
    """Question and subquestion codes: a letter, then letters and digits, at most 20;
    answer codes at most 5 letters or digits (LimeSurvey's Question and Answer rules)."""
    trust = load_trust(EXAMPLE)
    code, out, err = _run("questionnaire", "--trust", "oxfordshire", "--to", "limesurvey")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(Path(out.strip()).read_text(encoding="utf-8-sig")),
                               delimiter="\t"))
    questions = [r["name"] for r in rows if r["class"] == "Q"]
    subquestions = [r["name"] for r in rows if r["class"] == "SQ"]
    answers = [r["name"] for r in rows if r["class"] == "A"]
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,19}", c) for c in questions + subquestions)
    assert all(re.fullmatch(r"[A-Za-z0-9]{1,5}", c) for c in answers)
    assert len({c.lower() for c in questions}) == len(questions)
    # every item is asked, by a code made from its id alone, the same in any questionnaire
    assert set(subquestions) == {item_code(i.id) for i in trust.questionnaire.items}
    assert item_code("shared_vision_1") == "sharedvision1"
    long = "participation_in_service_design_1"
    assert item_code(long).startswith("participationin") and len(item_code(long)) == 20
    assert item_code(long) != item_code("participation_in_service_design_2")
    assert choice_code("lscb") == "lscb" and len(choice_code("early_years")) == 5


def test_a_scale_limesurvey_cannot_code_is_refused_clearly(here: Path, tiny: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    path = tiny / "questionnaire.yaml"
    path.write_text(path.read_text().replace("{value: 1, label: Strongly disagree}",
                                             "{value: -1, label: Strongly disagree}")
                    .replace("{value: 2,", "{value: 0,"))
    monkeypatch.setenv("OWCF_TRUST_PATH", str(tiny.parent))
    code, _, err = _run("questionnaire", "--trust", "tinytown", "--to", "limesurvey")
    assert code == 1
    assert "platform-limit: answer '-1' cannot be a LimeSurvey answer code" in err
    assert _run("questionnaire", "--trust", "tinytown", "--to", "xlsform")[0] == 0


def test_csv_template_is_owcfs_wide_layout_for_the_audience(here: Path, tiny: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    monkeypatch.setenv("OWCF_TRUST_PATH", str(tiny.parent))
    code, out, _ = _run("questionnaire", "--trust", "tinytown", "--to", "csv")
    assert code == 0
    assert Path(out.strip()).read_text(encoding="utf-8-sig") == (
        "respondent_id,audience,workforce_group,submitted,v1,v2,s1,s2,p1,p2,comment\n")
    code, out, _ = _run("questionnaire", "--trust", "tinytown", "--to", "csv", "--audience",
                        "young_people")
    assert Path(out.strip()).read_text(encoding="utf-8-sig") == (
        "respondent_id,audience,submitted,v1,v2,s1,comment\n")


def test_paper_questionnaire_per_audience_in_its_words(here: Path, tiny: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWCF_TRUST_PATH", str(tiny.parent))
    code, out, _ = _run("questionnaire", "--trust", "tinytown", "--to", "print")
    assert code == 0
    pages = {Path(p).name: Path(p).read_text() for p in out.split()}
    assert sorted(pages) == ["tinytown-leaders-print.html", "tinytown-staff-print.html",
                             "tinytown-young_people-print.html"]
    children = pages["tinytown-young_people-print.html"]
    leaders = pages["tinytown-leaders-print.html"]
    assert "One for children" in children and ">One<" not in children
    assert "Four" not in children and "Four" in leaders   # s2: leaders only
    assert "Four" not in pages["tinytown-staff-print.html"]
    assert "workforce do you work in" in leaders and "workforce do you work in" not in children
    for page in pages.values():
        parser = _Headings()
        parser.feed(page)
        assert parser.fetches == [] and "<style>" in page
        assert page.count('class="box"') >= 6


def test_questionnaire_example_runs_in_an_empty_folder(here: Path) -> None:
    code, out, err = _run("questionnaire", "--trust", "oxfordshire", "--to", "xlsform")
    assert code == 0, err
    assert out.split() == ["questionnaires/oxfordshire/oxfordshire-xlsform.xlsx"]


def test_the_readmes_three_commands_take_an_empty_folder_to_a_questionnaire_file(
        here: Path) -> None:
    """README, "Starting an assessment": each command as written there, run in an empty
    folder, writes the file its comment names."""
    from .conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Starting an assessment", 1)[1].split("```sh", 1)[1]
    lines = [x for x in section.split("```", 1)[0].splitlines() if x.strip()]
    assert len(lines) == 3
    for line in lines:
        command, promised = (part.strip() for part in line.split("#", 1))
        code, out, err = _run(*command.split()[1:])
        assert code == 0, (command, err)
        assert promised in out.split() and (here / promised).is_file(), (command, out)
    assert _xlsform_warnings(here / lines[-1].split("#")[1].strip()) == []
