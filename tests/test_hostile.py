"""Every template rendered with hostile text in every field a trust or respondent controls:
none of it may come out live. No script, no event-handler attribute, no javascript: URL in
the HTML or SVG; no raw HTML, link or broken table in the Markdown; no CSV cell a
spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from owcf.cli import app

runner = CliRunner()

# a formula, markup, an event handler, a javascript: link, table and emphasis marks,
# and text matplotlib would take for mathtext
EVIL = ("=HYPERLINK(\"http://e.vil\")|<script>alert(1)</script><img src=x onerror=alert(2)>"
        "[x](javascript:alert(3)) a|b *c* _d_ `e` # $x^{$ <a href='javascript:alert(4)'>")
assert len(EVIL) + 8 <= 200  # fits a name


def _levels(text: str) -> dict[str, str]:
    return {level: f"{text} {level}" for level in ("low", "fair", "high", "top")}


def _dimension(ident: str) -> dict[str, object]:
    return {"id": ident, "name": f"{EVIL} {ident}", "description": EVIL, "levels": _levels(EVIL)}


FRAMEWORK = {
    "schema": "owcf-framework/1", "id": "tiny", "name": EVIL, "notice": EVIL,
    "scale": {"name": EVIL, "levels": [{"value": v, "id": i, "label": f"{EVIL} {v}"}
                                       for v, i in enumerate(("low", "fair", "high", "top"), 1)]},
    "audiences": [{"id": "staff", "name": f"{EVIL} staff"},
                  {"id": "leaders", "name": f"{EVIL} leaders"},
                  {"id": "young_people", "name": f"{EVIL} young", "children": True}],
    "workforce_groups": [{"id": "health", "name": f"{EVIL} health"},
                         {"id": "schools", "name": f"{EVIL} schools"}],
    "colours": [
        {"id": "red", "name": f"{EVIL} red", "theme": EVIL, "hex": "#C62828",
         "description": EVIL, "dimensions": [_dimension("vision"), _dimension("values")]},
        {"id": "blue", "name": f"{EVIL} blue", "theme": EVIL, "hex": "#1565C0",
         "description": EVIL, "dimensions": [_dimension("planning")]},
    ],
}
QUESTIONNAIRE = {
    "schema": "owcf-questionnaire/1", "id": "tiny-q", "name": EVIL, "framework": "tiny",
    "answer_scale": [{"value": v, "label": f"{EVIL} {v}", "label_children": f"{EVIL} c{v}"}
                     for v in (1, 2, 3, 4)],
    "non_answers": [{"code": "DK", "label": f"{EVIL} dk"}, {"code": "NA", "label": f"{EVIL} na"}],
    "items": [{"id": i, "dimension": d, "text": f"{EVIL} {i}", "text_children": f"{EVIL} c{i}"}
              for i, d in (("v1", "vision"), ("v2", "vision"), ("s1", "values"),
                           ("p1", "planning"), ("p2", "planning"))],
}
CATALOGUE = {
    "schema": "owcf-support/1", "id": "evil-support", "framework": "tiny", "name": EVIL,
    "notice": EVIL, "partners": [{"id": "partner", "name": EVIL}],
    "offers": [{"id": "offer", "partner": "partner", "title": EVIL, "description": EVIL,
                "dimensions": ["vision", "values", "planning"], "min_gap": 0}],
}
TRUST = {
    "schema": "owcf-trust/1", "id": "tinytown", "name": EVIL, "framework": "framework.yaml",
    "questionnaire": {"base": "questionnaire.yaml"}, "responses": ["responses.csv"],
    "breakdowns": ["locality"], "introduction": f"{EVIL}\n\n{EVIL}", "governance": EVIL,
    "closing": EVIL,
    "plan": {"introduction": EVIL, "tests": [
        {"id": "survey", "kind": "questionnaire", "name": EVIL, "colours": "all",
         "start": "2009-01-01", "end": "2009-02-01",
         "participants": {"audiences": ["staff", "leaders"], "workforce_groups": ["health"],
                          "others": [EVIL]}},
        {"id": "workshop", "kind": "analysis_workshop", "name": EVIL, "colours": ["red"],
         "end": "2009-06-01", "participants": {"others": [EVIL]}}]},
    "targets": {"vision": 4, "values": 3.5, "planning": 4},
    "evidence": [{"id": "workshop-ratings", "test": "workshop", "date": "2009-06-01",
                  "participants": EVIL, "source": EVIL, "notes": EVIL,
                  "ratings": {"vision": 2.5, "planning": 2}}],
    "planned_actions": {"introduction": EVIL, "focus_areas": [{"text": EVIL, "points": [EVIL]}]},
    # each way a spreadsheet formula can start
    "actions": [{"id": 1, "text": EVIL, "due": "2009-07-01", "owner": "@" + EVIL,
                 "status": "in_progress", "progress": "+" + EVIL, "dimensions": ["vision"]},
                {"id": 2, "text": "-" + EVIL, "due": "2009-08-01", "owner": "\t" + EVIL}],
    "support": {"catalogue": "catalogue.yaml", "accepted": ["offer"],
                "own": [{"title": EVIL, "partner": EVIL, "dimensions": ["vision"],
                         "notes": EVIL}]},
}


def _responses() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["respondent_id", "audience", "workforce_group", "locality", "v1", "v2",
                     "s1", "p1", "p2", "comment"])
    for k in range(12):
        audience = ("staff", "leaders", "young_people")[k % 3]
        young = audience == "young_people"
        writer.writerow([f"r{k}", audience, "" if young else ("health", "schools")[k % 2],
                         "-" + EVIL, 1 + k % 4, 1 + (k + 1) % 4, 1 + (k + 2) % 4,
                         "" if young else 1 + k % 3, "" if young else "DK",
                         f"{'@+-='[k % 4]}{EVIL}\n{k}"])
    writer.writerow(["r99", "staff", "health", "@" + EVIL, EVIL, 1, 1, 1, 1, "\r" + EVIL])
    return buffer.getvalue()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trust workspace, every text field hostile, and what each command wrote."""
    root = tmp_path_factory.mktemp("hostile")
    trust = root / "tinytown"
    trust.mkdir()
    for name, data in (("framework.yaml", FRAMEWORK), ("questionnaire.yaml", QUESTIONNAIRE),
                       ("catalogue.yaml", CATALOGUE), ("trust.yaml", TRUST)):
        (trust / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                  encoding="utf-8")
    (trust / "responses.csv").write_text(_responses(), encoding="utf-8")
    return root


def _run(root: Path, *args: str) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OWCF_TRUST_PATH", str(root))
        result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


class _Markup(HTMLParser):
    """Every element and attribute of an HTML or SVG text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def _live_markup(text: str) -> list[str]:
    """What in ``text`` a browser would run: script elements, event handlers, javascript:
    URLs."""
    parser = _Markup()
    parser.feed(text)
    found = []
    for tag, attrs in parser.tags:
        if tag in ("script", "iframe", "object", "embed"):
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"{tag} {name}=")
            if value and re.sub(r"\s", "", value).casefold().startswith("javascript:"):
                found.append(f"{tag} {name}={value}")
    if re.search(r"<script", text, re.I):
        found.append("<script")
    return found


def _tables(markdown: str) -> Iterator[list[str]]:
    block: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
        elif block:
            yield block
            block = []


def test_the_reports_show_hostile_text_as_text(hostile: Path) -> None:
    out = hostile / "report"
    _run(hostile, "report", "-t", "tinytown", "-o", str(out), "--include-comments",
         "--min-cell", "1", "--audience-overlays")
    html = (out / "report.html").read_text(encoding="utf-8")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    svgs = {p.name: p.read_text(encoding="utf-8") for p in (out / "charts").glob("*.svg")}
    # every chart the report shows is written, and each is checked below
    assert set(svgs) == set(re.findall(r"\]\(charts/([^)]+\.svg)\)", markdown)) != set()
    # the hostile text is there, every field of it, but inert
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 40
    assert markdown.count("\\<script\\>alert(1)\\</script\\>") >= 30
    assert _live_markup(html) == []
    for name, svg in svgs.items():
        assert _live_markup(svg) == [], name
    # Markdown: no raw HTML, no link but the charts', every table row as wide as its head
    assert re.findall(r"(?<!\\)<[A-Za-z/!]", markdown) == []
    assert re.findall(r"(?<!\\)\]\((?!charts/)", markdown) == []
    tables = list(_tables(markdown))
    assert len(tables) >= 6
    for table in tables:
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table}
        assert len(widths) == 1, table


def _csv_cells(text: str) -> Iterator[str]:
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        yield from row


def _formula(cell: str) -> bool:
    """True if a spreadsheet would run ``cell`` (a number with a sign is just a number)."""
    if not cell or cell[0] not in "=+-@\t\r":
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def test_no_csv_output_starts_a_cell_with_a_formula(hostile: Path) -> None:
    outputs = {
        "actions": _run(hostile, "actions", "-t", "tinytown", "--format", "csv"),
        "gaps": _run(hostile, "gaps", "-t", "tinytown", "--format", "csv"),
        "analyse": _run(hostile, "analyse", "-t", "tinytown", "--by", "audience", "--by",
                        "locality", "--min-cell", "1", "--format", "csv"),
    }
    out = hostile / "ingested"
    _run(hostile, "ingest", "-t", "tinytown", "-o", str(out))
    for path in sorted(out.glob("*.csv")):
        outputs[path.name] = path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in outputs["responses.rejects.csv"]
    for name, text in outputs.items():
        cells = list(_csv_cells(text))
        assert any("HYPERLINK" in c for c in cells), name  # the hostile text got there
        assert [c for c in cells if _formula(c)] == [], name
