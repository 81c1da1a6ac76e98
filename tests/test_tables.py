"""Tables for people: on a terminal they fit its width (60 columns and up) by wrapping
names, never by cutting a number; through a pipe they are plain text, one line a row."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.model.workspaces import load_trust
from owcf.publish.rows import action_rows
from owcf.publish.tables import print_actions, print_analysis, print_gaps
from owcf.stats.positions import current_positions
from owcf.workspace.inputs import gather
from owcf.workspace.run import analyse_inputs, read_responses

from .conftest import ROUND_2009

ANSI = re.compile(r"\x1b\[[0-9;]*m")
runner = CliRunner()


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def figures():
    inputs, _ = gather(trust="oxfordshire")
    analysis = analyse_inputs(inputs, read_responses(inputs).responses, ["audience"])
    return analysis, current_positions(analysis, inputs.trust)


def shown(print_table, *args, width: int) -> list[str]:
    stream = Terminal()
    print_table(*args, stream, width=width)
    return ANSI.sub("", stream.getvalue()).splitlines()


def gap_figures(report) -> set[str]:
    out = set()
    for p in (*report.dimensions, *report.colours):
        out |= {f"{v:.2f}" for v in (p.current, p.target, p.priority) if v is not None}
        if p.low is not None:
            out.add(f"{p.low:.2f}–{p.high:.2f}")
        if p.gap is not None:
            out.add(f"({p.gap:.2f})")
    return out


@pytest.mark.parametrize("width", [60, 72, 80, 120])
def test_gap_table_fits_the_terminal_and_keeps_every_number_whole(figures, width: int) -> None:
    _, report = figures
    lines = shown(print_gaps, report, width=width)
    assert max(len(line) for line in lines) <= width
    assert not any("…" in line for line in lines)
    tokens = {token for line in lines for token in line.split()}
    missing = gap_figures(report) - tokens
    assert not missing, f"numbers cut or missing at {width} columns: {sorted(missing)[:5]}"
    # the names wrap, but every word of every name is there, whole or folded at the width
    assert "Information" in tokens and "sharing" in tokens


@pytest.mark.parametrize("width", [60, 80, 120])
def test_analysis_table_fits_and_keeps_every_number_whole(figures, width: int) -> None:
    analysis, _ = figures
    lines = shown(print_analysis, analysis, width=width)
    assert max(len(line) for line in lines) <= width
    tokens = {token for line in lines for token in line.split()}
    for group in analysis.groups:
        for est in (*group.colours, *group.dimensions):
            if est.mean is not None:
                assert f"{est.mean:.2f}" in tokens
                assert f"{est.ci_low:.2f}–{est.ci_high:.2f}" in tokens
                assert str(est.n) in tokens


@pytest.mark.parametrize("width", [60, 80])
def test_action_table_fits_and_keeps_dates_whole(width: int) -> None:
    rows = action_rows(load_trust(ROUND_2009), dt.date(2009, 10, 1))  # actions 1-8
    stream = Terminal()
    print_actions(rows, stream, "2009-10-01", width=width)
    lines = ANSI.sub("", stream.getvalue()).splitlines()
    assert max(len(line) for line in lines) <= width
    tokens = {token for line in lines for token in line.split()}
    assert {str(r["due"]) for r in rows} <= tokens
    assert [int(t) for t in re.findall(r"^ *(\d) ", "\n".join(lines), re.M)] == [
        r["id"] for r in rows]  # one numbered row per action, in due-date order


def test_piped_output_is_plain_text_one_line_a_row(oxfordshire_2009: Path) -> None:
    result = runner.invoke(app, ["gaps", "--trust", "oxfordshire"])  # CliRunner: not a tty
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert not ANSI.search(out) and not re.search("[─━│┃┏┗]", out)
    data = json.loads(runner.invoke(app, ["gaps", "-t", "oxfordshire", "-f", "json"]).stdout)
    lines = out.splitlines()
    for p in data["dimensions"]:
        row = next(line for line in lines if f"  {p['name']}  " in line)
        assert row.split()[0] == str(p["rank"])
        assert f"{p['current']:.2f}" in row and f"{p['low']:.2f}–{p['high']:.2f}" in row
        assert f"{p['target']:.2f}" in row and f"{p['gap']:.2f}" in row
    assert "Top 5 priorities with no action" in out
    assert re.search(r"^ +4  Early identification and common assessment +1\.51$", out, re.M)


def test_piped_action_table_is_not_cut_to_any_width() -> None:
    result = runner.invoke(app, ["actions", "--trust", "oxfordshire", "--today", "2009-10-01"])
    line = next(x for x in result.stdout.splitlines() if "This report will be taken" in x)
    # the whole action text, owner, due date and dimensions on the one line
    assert ("Oxfordshire Children and Young People's Trust meeting on the 17 July 2009." in line
            and "2009-07-17" in line and "trust_governance" in line)
    assert len(line) > 140
