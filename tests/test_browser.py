"""The HTML pages in a real browser: headless Chromium, driven by Playwright.

For every page in PAGES: axe-core finds no WCAG 2.2 A or AA violation; the browser builds
the whole page; printed to A4 PDF, no heading ends a page and no table row is split; chart
text prints at 9 pt or more; numbers are right-aligned. The bundled report also prints to
at most 12 pages, with the headline, every colour and the top actions on the first.

The browser is the distribution's Chromium (``apt-get install chromium``; ``.ci/run``
installs it where it can), launched by Playwright without downloading one. Where either
is missing these tests skip and say so; every other test still runs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from owcf.cli import app

from .pdf_layout import page_count, read, split_rows, stranded_headings

CHROMIUM = os.environ.get("OWCF_CHROMIUM") or next(
    (path for name in ("chromium", "chromium-browser", "google-chrome")
     if (path := shutil.which(name))), None)
try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # the test extra is not installed
    sync_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="Playwright and axe-playwright-python are "
                       "not installed (pip install -e '.[test]')"),
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install "
                       "chromium, or set OWCF_CHROMIUM to its path)"),
]

# no network, no profile work, no downloads: the page must stand on its own
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
#: what counts as a number in a table cell
NUMBER = r"^[<>]?[0-9][0-9.,%–]*$"


def report_page(out: Path) -> Path:
    result = CliRunner().invoke(app, ["report", "-t", "oxfordshire", "-o", str(out), "-f", "html"])
    assert result.exit_code == 0, result.stderr
    return out / "report.html"


def framework_page(out: Path) -> Path:
    result = CliRunner().invoke(app, ["framework", "-t", "oxfordshire", "-o", str(out),
                                      "-f", "html"])
    assert result.exit_code == 0, result.stderr
    return out / "framework.html"


def paper_page(out: Path) -> Path:
    result = CliRunner().invoke(app, ["questionnaire", "-t", "oxfordshire", "--to", "print",
                                      "--audience", "children_young_people", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out / "oxfordshire-children_young_people-print.html"


def _national(out: Path) -> Path:
    """The national report of the committed synthetic sample."""
    result = CliRunner().invoke(app, ["national", "examples/national/sample", "-o", str(out),
                                      "-f", "html"])
    assert result.exit_code == 0, result.stderr
    return out


def national_page(out: Path) -> Path:
    return _national(out) / "national.html"


def national_trust_page(out: Path) -> Path:
    return sorted((_national(out) / "trusts").iterdir())[0]


#: every page owcf publishes, by name: a function that writes it into a folder and
#: returns its path. Add a page here (one line) and every check below runs on it.
PAGES: dict[str, Callable[[Path], Path]] = {
    "report": report_page,
    "framework": framework_page,
    "paper-questionnaire": paper_page,
    "national": national_page,
    "national-trust": national_trust_page,
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert sync_playwright is not None and CHROMIUM is not None
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {name: make(tmp_path_factory.mktemp(name)) for name, make in PAGES.items()}


@pytest.fixture(scope="module", params=sorted(PAGES))
def page(request: pytest.FixtureRequest, browser: Browser, built: dict[str, Path]
         ) -> Iterator[tuple[str, Page]]:
    """Each page, opened once for the module: (name, Playwright page)."""
    name = request.param
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text)
           if message.type == "error" else None)
    tab.on("request", lambda r: errors.append(f"fetched {r.url}")
           if not r.url.startswith(("file:", "data:")) else None)
    tab.goto(built[name].as_uri())
    tab.errors = errors  # type: ignore[attr-defined]
    yield name, tab
    tab.close()


@pytest.fixture(scope="module")
def printed(page: tuple[str, Page]) -> bytes:
    """The page printed to PDF as Chromium prints it, tagged, with its own @page size."""
    return page[1].pdf(prefer_css_page_size=True, tagged=True, print_background=True)


def test_axe_finds_no_wcag_2_2_a_or_aa_violation(page: tuple[str, Page]) -> None:
    name, tab = page
    results = Axe().run(tab, options={"runOnly": {"type": "tag", "values": WCAG},
                                      "resultTypes": ["violations"]})
    violations: list[dict[str, Any]] = results.response["violations"]
    described = [f"{v['id']} ({v['impact']}): {v['help']} at "
                 f"{[n['target'] for n in v['nodes']][:3]}" for v in violations]
    assert not violations, f"{name}: " + "; ".join(described)


def test_the_browser_builds_the_whole_page_and_fetches_nothing(page: tuple[str, Page]) -> None:
    name, tab = page
    assert tab.errors == []  # type: ignore[attr-defined]
    dom = tab.content()
    assert dom.rstrip().endswith("</html>")
    # every chart is drawn with a size
    sizes = tab.evaluate("[...document.querySelectorAll('svg')].map(s => "
                         "[s.getBoundingClientRect().width, s.getBoundingClientRect().height])")
    assert all(w > 50 and h > 50 for w, h in sizes)
    if name == "report":
        assert len(sizes) == 24  # 23, and progress since 2009
        assert tab.evaluate("document.querySelectorAll('h2').length") == 8  # and Progress since 2009
        assert tab.evaluate("document.querySelector('main').lastElementChild.id") == "quality"
    counts = {"framework": {"h2": 10, "h3": 30, "table": 60},
              "paper-questionnaire": {"h2": 8, "table": 20},
              "national": {"svg": 7, "h2": 8}, "national-trust": {"svg": 7, "h2": 7}}
    for tag, count in counts.get(name, {}).items():
        assert tab.evaluate(f"document.querySelectorAll('{tag}').length") == count, (name, tag)
    if name.startswith("national"):
        assert tab.evaluate("document.querySelectorAll('[role=img]').length") == 7
        assert tab.evaluate("document.querySelector('a.skip').getAttribute('href')") == "#main"


def test_printed_on_a4_with_no_heading_alone_at_the_foot_of_a_page(printed: bytes,
                                                                     page: tuple[str, Page]) -> None:
    name, _ = page
    assert b"/MediaBox [0 0 595" in printed or b"/MediaBox [0 0 594" in printed  # A4 width
    layout = read(printed)
    assert layout.pages == page_count(printed) > 1
    assert layout.of_kind("H2") and layout.of_kind("TR"), "the PDF is not tagged"
    assert stranded_headings(layout) == [], name


def test_printed_with_no_table_row_split_across_pages(printed: bytes) -> None:
    assert split_rows(read(printed)) == []


def test_the_report_prints_to_at_most_12_pages_with_the_headline_first(
        printed: bytes, page: tuple[str, Page]) -> None:
    name, _ = page
    if name != "report":
        pytest.skip("the page limit is the report's")
    layout = read(printed)
    assert layout.pages <= 12, f"{layout.pages} pages"
    # the first page holds the main points, Figure 1 and every top priority's row
    headings = layout.of_kind("H2")
    main_points, priorities = headings[0], headings[1]
    assert set(layout.pages_of(main_points.ident)) == {1}
    assert set(layout.pages_of(priorities.ident)) == {1}
    first_tables = [t for t in layout.of_kind("Table") if set(layout.pages_of(t.ident)) == {1}]
    assert len(first_tables) >= 2  # Figure 1's table and the priorities, whole on page 1


def _content_width_px(tab: Page) -> float:
    """The width of the printed page's text column, in CSS pixels, from the page's own
    @page rule (A4 less its side margins)."""
    margins = tab.evaluate("""() => {
      for (const sheet of document.styleSheets) {
        const rules = [...sheet.cssRules].flatMap(r => r.cssRules ? [...r.cssRules] : [r]);
        for (const rule of rules) {
          if (rule.constructor.name === 'CSSPageRule')
            return [rule.style.marginLeft, rule.style.marginRight];
        }
      }
      return null;
    }""")
    assert margins, "no @page rule"
    mm = [float(m.removesuffix("mm")) for m in margins]
    return (210 - sum(mm)) / 25.4 * 96


def test_chart_text_prints_at_9_points_or_more(page: tuple[str, Page]) -> None:
    name, tab = page
    width = _content_width_px(tab)
    tab.set_viewport_size({"width": round(width), "height": 1200})
    tab.emulate_media(media="print")
    try:
        sizes = tab.evaluate("""() => [...document.querySelectorAll('svg text')].map(t => {
          const m = t.getScreenCTM();
          const scale = Math.hypot(m.a, m.b);
          return [parseFloat(getComputedStyle(t).fontSize) * scale * 0.75, t.textContent];
        })""")
    finally:
        tab.emulate_media(media="screen")
    if name in ("framework", "paper-questionnaire"):
        assert not sizes  # pages with no charts
    else:
        assert sizes
    small = [(round(pt, 2), text) for pt, text in sizes if pt < 8.99]
    assert not small, f"{name}: {small[:5]} (of {len(sizes)} chart texts)"


def test_no_table_cell_overflows_in_print(page: tuple[str, Page]) -> None:
    """A cell whose text is wider than the cell (a date that may not wrap, say) would print
    over its neighbour."""
    name, tab = page
    tab.set_viewport_size({"width": round(_content_width_px(tab)), "height": 1200})
    tab.emulate_media(media="print")
    try:
        over = tab.evaluate("""() => [...document.querySelectorAll('td, th')]
          .filter(c => c.scrollWidth > c.clientWidth + 1)
          .map(c => c.textContent.trim().slice(0, 40))""")
    finally:
        tab.emulate_media(media="screen")
    assert not over, f"{name}: {over[:6]}"


def test_tables_print_no_larger_than_the_text(page: tuple[str, Page]) -> None:
    name, tab = page
    tab.emulate_media(media="print")
    try:
        body, cells = tab.evaluate("""() => [parseFloat(getComputedStyle(document.body).fontSize),
          [...document.querySelectorAll('td, th')].map(c => parseFloat(getComputedStyle(c).fontSize))]""")
    finally:
        tab.emulate_media(media="screen")
    assert cells and max(cells) <= body, f"{name}: table text {max(cells)}px, body {body}px"


def test_numbers_are_right_aligned(page: tuple[str, Page]) -> None:
    name, tab = page
    cells = tab.evaluate(f"""() => [...document.querySelectorAll('td, th')]
      .filter(c => /{NUMBER}/.test(c.textContent.trim()))
      .map(c => [c.textContent.trim(), getComputedStyle(c).textAlign])""")
    if name != "paper-questionnaire":  # tick boxes, not figures
        assert len(cells) > 20
    left = [text for text, align in cells if align not in ("right", "end")]
    assert not left, f"{name}: numbers not right-aligned: {left[:8]}"


CHECKS_FAIL = """<!DOCTYPE html><html lang="en"><head><title>t</title><style>
@page { size: A4; margin: 10mm; } body { margin: 0; font: 12pt sans-serif; }
.tall { height: 245mm; } .block { height: 120mm; break-inside: avoid; background: #ddd; }
td { height: 40mm; }
</style></head><body><main>
<div class="tall">filler</div>
<h2>A heading that ends its page</h2>
<div class="block">a block too tall to follow it</div>
<table><caption>Rows</caption><thead><tr><th scope="col">Row</th><th scope="col">Text</th></tr>
</thead><tbody>{rows}</tbody></table>
</main></body></html>""".replace("{rows}", "".join(
    f"<tr><th scope='row'>{k}</th><td>{'line<br>' * 70}end</td></tr>" for k in range(2)))


def test_the_print_checks_find_what_they_look_for(browser: Browser, tmp_path: Path) -> None:
    """A page made to fail: its heading is pushed to the foot of page 1 and its rows are
    taller than a page, so both checks must say so (they are not vacuous)."""
    path = tmp_path / "bad.html"
    path.write_text(CHECKS_FAIL, encoding="utf-8")
    tab = browser.new_page()
    try:
        tab.goto(path.as_uri())
        layout = read(tab.pdf(prefer_css_page_size=True, tagged=True))
    finally:
        tab.close()
    assert stranded_headings(layout)
    assert split_rows(layout)
