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
    assert dom.count("<svg") == 23
    assert dom.count("<h2") == 7 and "Things you need to know about these figures" in dom
    assert "</html>" in dom  # the parser reached the end: no unclosed markup swallowed it


def test_report_prints_to_several_a4_pages(report: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    data = pdf.read_bytes()
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert 2 <= pages <= 12
    assert b"/MediaBox [0 0 595" in data or b"/MediaBox [0 0 594" in data  # A4 width in points
