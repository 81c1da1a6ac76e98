"""The HTML report in a real browser: headless Chromium where installed, skipped where not."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf.cli import app

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(b)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no headless Chromium on this machine")

# no network, no profile, no first-run work: the page must stand on its own
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--blink-settings=imagesEnabled=true"]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(app, ["report", "-t", "oxfordshire", "-o", str(out), "-f", "html"])
    assert result.exit_code == 0, result.stderr
    return out / "report.html"


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    return subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120)


def test_browser_builds_the_whole_page(report: Path, tmp_path: Path) -> None:
    dom = _chromium(tmp_path, "--dump-dom", report.as_uri()).stdout
    assert dom.count("<svg") == 21
    assert dom.count("<h2") == 9 and "Appendix: methods and data quality" in dom
    assert "</html>" in dom  # the parser reached the end: no unclosed markup swallowed it


def test_report_prints_to_several_a4_pages(report: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    data = pdf.read_bytes()
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert pages >= 8  # a page break before each main section
    assert b"/MediaBox [0 0 595" in data or b"/MediaBox [0 0 594" in data  # A4 width in points


# -- the other pages owcf writes: the same checks, one page at a time ---------------------

def _framework_page(out: Path) -> Path:
    result = CliRunner().invoke(app, ["framework", "-t", "oxfordshire", "-o", str(out), "-f",
                                      "html"])
    assert result.exit_code == 0, result.stderr
    return out / "framework.html"


def _paper_page(out: Path) -> Path:
    result = CliRunner().invoke(app, ["questionnaire", "-t", "oxfordshire", "--to", "print",
                                      "--audience", "children_young_people", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out / "oxfordshire-children_young_people-print.html"


#: each page: how to make it, and what its whole DOM must hold
PAGES = {
    "framework": (_framework_page, {"<h2": 10, "<h3": 30, "<table": 60}),
    "paper-questionnaire": (_paper_page, {"<h2": 8, "<table": 20}),
}


@pytest.fixture(scope="module", params=sorted(PAGES))
def page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[str, Path]:
    make, _ = PAGES[request.param]
    return request.param, make(tmp_path_factory.mktemp(request.param))


def test_browser_builds_each_whole_page(page: tuple[str, Path], tmp_path: Path) -> None:
    name, path = page
    dom = _chromium(tmp_path, "--dump-dom", path.as_uri()).stdout
    for tag, count in PAGES[name][1].items():
        assert dom.count(tag) == count, (name, tag, dom.count(tag))
    assert "</html>" in dom


def test_each_page_prints_on_a4(page: tuple[str, Path], tmp_path: Path) -> None:
    pdf = tmp_path / "page.pdf"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page[1].as_uri())
    data = pdf.read_bytes()
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 2
    assert b"/MediaBox [0 0 595" in data or b"/MediaBox [0 0 594" in data


@pytest.fixture(scope="module")
def national_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The national report and one trust's page, from the committed synthetic sample:
    each page the browser checks hold to the trust report's standard."""
    out = tmp_path_factory.mktemp("national")
    result = CliRunner().invoke(app, ["national", "examples/national/sample", "-o", str(out),
                                      "-f", "html"])
    assert result.exit_code == 0, result.stderr
    return {"national": out / "national.html", "trust": sorted((out / "trusts").iterdir())[0]}


@pytest.mark.parametrize("page", ["national", "trust"])
def test_browser_builds_the_whole_national_page(national_pages: dict[str, Path], page: str,
                                                tmp_path: Path) -> None:
    dom = _chromium(tmp_path, "--dump-dom", national_pages[page].as_uri()).stdout
    assert dom.count("<svg") == 7  # a strip chart per colour, each with its table
    assert dom.count('role="img"') == 7 and "<script" not in dom
    assert dom.count("<h2") == (8 if page == "national" else 7)
    assert '<a class="skip" href="#main">' in dom and "</html>" in dom
