"""Progress between rounds (``owcf progress``): changes, intervals and Holm flags against
scipy and statsmodels to 1e-9, the invariants of comparing rounds, like with like,
disclosure, and the command's exit codes and located messages."""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from typer.testing import CliRunner

from owcf.cli import app
from owcf.files import to_json
from owcf.progress.compare import compare
from owcf.progress.rounds import read_round

from .conftest import EXAMPLE

runner = CliRunner()
BASELINE_PACKAGE = EXAMPLE / "rounds" / "2009" / "oxfordshire-2009.json"

# -- rounds written by hand, shaped as results packages ------------------------------------

COLOURS = {"red": ["a", "b", "c"], "blue": ["d", "e"]}
LEVELS = [{"value": v, "label": f"L{v}"} for v in (1, 2, 3, 4, 5)]


def _q(mean: float | None, sd: float | None, n: int | None,
       suppressed: dict[str, str] | None = None) -> dict[str, Any]:
    return {"n": n, "n_eff": None if n is None else float(n), "mean": mean, "sd": sd,
            "se": None, "ci_low": None, "ci_high": None, "suppressed": suppressed}


def make_round(figures: dict[str, tuple[float, float, int]], *, current: float = 3.0,
               target: float = 4.0, scale_max: int = 5,
               items: dict[str, str] | None = None,
               withheld: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A package-shaped round: ``figures`` maps dimension or colour id to (mean, SD, n)."""
    def position(scope: str, ident: str, colour: str) -> dict[str, Any]:
        mean, sd, n = figures[ident]
        q = (_q(None, None, None, {"mean": "fewer-than-min-cell"}) if ident in withheld
             else _q(mean, sd, n))
        return {"scope": scope, "id": ident, "name": ident.upper(), "colour": colour,
                "questionnaire": q, "sources": [], "current": current, "target": target}

    dims = [(d, c) for c, ds in COLOURS.items() for d in ds]
    wording = {d: f"Item about {d}" for d, _ in dims} | (items or {})
    return {
        "period": {"start": "2009-01-01", "end": "2009-06-01"},
        "framework": {"scale": {"min": 1, "max": scale_max,
                                "levels": [lv for lv in LEVELS if lv["value"] <= scale_max]},
                      "colours": [{"id": c} for c in COLOURS],
                      "dimensions": [{"id": d, "colour": c} for d, c in dims]},
        "questionnaire": {"answer_scale": [{"value": v} for v in (1, 2, 3, 4, 5)],
                          "items": [{"id": f"{d}1", "dimension": d, "text": wording[d],
                                     "reverse": False, "audiences": None} for d, _ in dims]},
        "positions": {"dimensions": [position("dimension", d, c) for d, c in dims],
                      "colours": [position("colour", c, c) for c in COLOURS]},
        "actions": [],
    }


FIGURE = st.tuples(st.floats(1, 5), st.floats(0.05, 2), st.integers(2, 5000))
FIGURES = st.fixed_dictionaries({k: FIGURE for k in ["a", "b", "c", "d", "e", "red", "blue"]})


def _reference(before: tuple[float, float, int], after: tuple[float, float, int]
               ) -> tuple[float, float, float, float]:
    """(change, p, ci_low, ci_high) worked by scipy from the same summaries."""
    (m0, s0, n0), (m1, s1, n1) = before, after
    test = stats.ttest_ind_from_stats(m1, s1, n1, m0, s0, n0, equal_var=False)
    va, vb = s1 ** 2 / n1, s0 ** 2 / n0
    df = (va + vb) ** 2 / (va ** 2 / (n1 - 1) + vb ** 2 / (n0 - 1))
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    return m1 - m0, float(test.pvalue), m1 - m0 - half, m1 - m0 + half


def _close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=150, deadline=None)
@given(before=FIGURES, after=FIGURES)
def test_changes_intervals_and_holm_flags_equal_scipy_and_statsmodels(
        before: dict[str, tuple[float, float, int]],
        after: dict[str, tuple[float, float, int]]) -> None:
    progress = compare("t", read_round(make_round(before), "2009", "x"),
                       read_round(make_round(after), "2010", "y"))
    for scope, changes in (("dimension", progress.dimensions), ("colour", progress.colours)):
        refs = [_reference(before[f.id], after[f.id]) for f in changes]
        reject, adjusted, _, _ = multipletests([r[1] for r in refs], alpha=0.05, method="holm")
        for f, (change, p, low, high), flag, adj in zip(changes, refs, reject, adjusted,
                                                       strict=True):
            assert f.change is not None, scope
            assert _close(f.change.difference, change)
            assert _close(f.change.p_value, p)
            assert _close(f.change.ci_low, low) and _close(f.change.ci_high, high)
            assert _close(f.p_adjusted, float(adj))
            assert f.real == bool(flag)


def test_a_worked_example_by_hand() -> None:
    """Dimension a: 2009 mean 2.6, SD 0.8, 120; 2010 mean 2.9, SD 0.7, 150. By hand:
    se = sqrt(0.49/150 + 0.64/120) = 0.092736, t = 3.235, df = 238.08, p = 0.0014; the
    95% interval 0.3 -/+ 1.9700 x 0.092736 = 0.1173 to 0.4827."""
    still = {k: (3.0, 1.0, 100) for k in ["b", "c", "d", "e", "red", "blue"]}
    progress = compare("t", read_round(make_round({"a": (2.6, 0.8, 120), **still}), "2009", "x"),
                       read_round(make_round({"a": (2.9, 0.7, 150), **still}), "2010", "y"))
    a = progress.dimensions[0].to_dict()
    assert a["change"] == pytest.approx(0.3)
    assert a["se"] == pytest.approx(0.0927362, rel=1e-5)
    assert a["ci_low"] == pytest.approx(0.1173, abs=1e-4)
    assert a["ci_high"] == pytest.approx(0.4827, abs=1e-4)
    assert a["p_value"] == pytest.approx(0.00138, abs=1e-4)
    # Holm over the five dimensions: the smallest p times 5; the others are 1
    assert a["p_adjusted"] == pytest.approx(5 * a["p_value"])
    assert a["real"] and a["direction"] == "improved"
    assert [d["direction"] for d in progress.to_dict()["dimensions"][1:]] == ["no real change"] * 4


@settings(max_examples=100, deadline=None)
@given(figures=FIGURES)
def test_a_round_compared_with_itself_changes_nothing(
        figures: dict[str, tuple[float, float, int]]) -> None:
    same = read_round(make_round(figures), "2009", "x")
    progress = compare("t", same, same)
    for f in (*progress.dimensions, *progress.colours):
        assert f.change is not None and f.change.difference == 0
        assert not f.real and f.direction == "no real change"
    assert progress.moved() == [] and progress.excluded == ()


@settings(max_examples=100, deadline=None)
@given(before=FIGURES, after=FIGURES)
def test_swapping_the_rounds_negates_every_change(
        before: dict[str, tuple[float, float, int]],
        after: dict[str, tuple[float, float, int]]) -> None:
    one, two = (read_round(make_round(before), "2009", "x"),
                read_round(make_round(after), "2010", "y"))
    forward, backward = compare("t", one, two), compare("t", two, one)
    for f, b in zip((*forward.dimensions, *forward.colours),
                    (*backward.dimensions, *backward.colours), strict=True):
        assert f.change is not None and b.change is not None
        assert b.change.difference == -f.change.difference
        assert b.change.ci_low == pytest.approx(-f.change.ci_high, rel=1e-12, abs=1e-12)
        assert b.p_adjusted == pytest.approx(f.p_adjusted, rel=1e-12)
        assert b.real == f.real
        assert {f.direction, b.direction} in ({"no real change"}, {"improved", "fell back"})


# -- like with like, and disclosure ---------------------------------------------------------

def _still(**changed: tuple[float, float, int]) -> dict[str, tuple[float, float, int]]:
    return {k: (3.0, 1.0, 100) for k in ["a", "b", "c", "d", "e", "red", "blue"]} | changed


def test_a_reworded_item_leaves_its_dimension_and_colour_out_with_the_reason() -> None:
    before = read_round(make_round(_still()), "2009", "x")
    after = read_round(make_round(_still(), items={"b": "Reworded"}), "2010", "y")
    progress = compare("t", before, after)
    assert [f.id for f in progress.dimensions] == ["a", "c", "d", "e"]
    assert [f.id for f in progress.colours] == ["blue"]
    reasons = {(e.scope, e.id): e.reason for e in progress.excluded}
    assert reasons == {
        ("dimension", "b"): "its questionnaire items differ between the rounds: changed b1 "
                            "(wording)",
        ("colour", "red"): "it rests on dimensions not compared: b"}


def test_a_dimension_one_round_lacks_is_listed_not_compared() -> None:
    data = make_round(_still())
    data["positions"]["dimensions"] = [p for p in data["positions"]["dimensions"]
                                       if p["id"] != "e"]
    data["framework"]["dimensions"] = [d for d in data["framework"]["dimensions"]
                                       if d["id"] != "e"]
    data["questionnaire"]["items"] = [i for i in data["questionnaire"]["items"]
                                      if i["dimension"] != "e"]
    progress = compare("t", read_round(data, "2009", "x"),
                       read_round(make_round(_still()), "2010", "y"))
    reasons = {(e.scope, e.id): e.reason for e in progress.excluded}
    assert reasons[("dimension", "e")] == "not in round 2009's framework"
    assert reasons[("colour", "blue")] == "its dimensions differ between the rounds"


@pytest.mark.parametrize("side", ["before", "after"])
def test_a_change_resting_on_a_withheld_figure_is_withheld_and_left_out_of_holm(
        side: str) -> None:
    big = _still(a=(2.0, 0.5, 400), c=(2.0, 0.5, 400))
    moved = _still(a=(3.0, 0.5, 400), c=(3.0, 0.5, 400))
    rounds = {"before": make_round(big, withheld=frozenset({"a"}) if side == "before"
                                   else frozenset()),
              "after": make_round(moved, withheld=frozenset({"a"}) if side == "after"
                                  else frozenset())}
    progress = compare("t", read_round(rounds["before"], "2009", "x"),
                       read_round(rounds["after"], "2010", "y"))
    a = progress.to_dict()["dimensions"][0]
    name = "2009" if side == "before" else "2010"
    assert a["change"] is None and a["ci_low"] is None and a["p_adjusted"] is None
    assert a["withheld"] == f"round {name}: withheld (fewer-than-min-cell)"
    assert not a["real"] and a["direction"] is None
    # the family is the four dimensions compared: c's p is multiplied by 4, not 5
    c = next(d for d in progress.dimensions if d.id == "c")
    assert c.change is not None and c.change.p_value is not None
    assert c.p_adjusted == pytest.approx(min(1.0, 4 * c.change.p_value))


# -- the command, on the bundled example ------------------------------------------------------

@pytest.fixture(scope="module")
def example_json() -> dict[str, Any]:
    result = runner.invoke(app, ["progress", "--trust", "oxfordshire", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_the_bundled_example_shows_real_progress_out_of_the_box(
        example_json: dict[str, Any]) -> None:
    data = example_json
    assert data["round"]["name"] == "2010" and data["baseline"]["name"] == "2009"
    assert data["method"]["adjustment_method"] == "holm"
    moved = {d["id"]: d["direction"] for d in data["dimensions"] if d["real"]}
    # generate_responses.py moved these five "true" positions between the rounds
    assert moved == {"information_sharing": "improved", "newly_qualified_staff": "improved",
                     "multi_agency_training": "improved", "common_assessment": "improved",
                     "recruitment": "fell back"}
    assert data["summary"]["improved"] == 4 and data["summary"]["fell back"] == 1
    assert data["summary"]["no real change"] == 25 and data["excluded"] == []
    # the workshop rated information sharing 2 in 2009 and 3 in 2010 (trust.yaml)
    sharing = next(d for d in data["dimensions"] if d["id"] == "information_sharing")
    workshop = next(s for s in sharing["sources"] if s["kind"] == "analysis_workshop")
    assert (workshop["baseline"], workshop["current"], workshop["change"]) == (2, 3, 1)
    assert sharing["target"]["status"] == "nearer"
    assert [a["number"] for a in data["actions"]] == [1, 2, 3, 4, 5, 7, 6, 8]
    assert data["actions"][2]["status"] == "done"
    assert data["actions"][2]["status_at_baseline"] == "in_progress"


def test_the_json_changes_are_scipys_and_statsmodels_from_the_figures_it_shows(
        example_json: dict[str, Any]) -> None:
    for scope in ("dimensions", "colours"):
        rows = example_json[scope]
        refs = []
        for row in rows:
            b, c = row["baseline"], row["current"]
            refs.append(_reference((b["mean"], b["sd"], b["n_eff"]),
                                   (c["mean"], c["sd"], c["n_eff"])))
        reject, adjusted, _, _ = multipletests([r[1] for r in refs], method="holm")
        for row, (change, p, low, high), flag, adj in zip(rows, refs, reject, adjusted,
                                                         strict=True):
            assert _close(row["change"], change) and _close(row["p_value"], p)
            assert _close(row["ci_low"], low) and _close(row["ci_high"], high)
            assert _close(row["p_adjusted"], float(adj)) and row["real"] == bool(flag)


def test_json_is_what_the_library_gives(example_json: dict[str, Any]) -> None:
    from owcf.workspace.progress import progress

    assert json.loads(to_json(progress("oxfordshire").progress.to_dict())) == example_json


def test_csv_and_table_carry_the_same_figures(example_json: dict[str, Any]) -> None:
    rows = list(csv.DictReader(io.StringIO(runner.invoke(
        app, ["progress", "-t", "oxfordshire", "-f", "csv"]).stdout)))
    assert len(rows) == len(example_json["dimensions"]) + len(example_json["colours"])
    for row, d in zip(rows, example_json["dimensions"], strict=False):
        assert row["id"] == d["id"] and float(row["change"]) == pytest.approx(d["change"])
        assert row["direction"] == d["direction"]
    table = runner.invoke(app, ["progress", "-t", "oxfordshire"]).stdout
    line = next(x for x in table.splitlines() if x.startswith("Recruitment "))
    assert "fell back" in line and "<0.001" in line


def test_a_workspace_baseline_gives_what_its_package_gives(
        tmp_path: Path, example_json: dict[str, Any]) -> None:
    trust = _copy_example(tmp_path)
    text = (trust / "trust.yaml").read_text(encoding="utf-8")
    (trust / "trust.yaml").write_text(text.replace(
        "package: rounds/2009/oxfordshire-2009.json",
        f"workspace: {EXAMPLE / 'rounds' / '2009'}"), encoding="utf-8")
    result = runner.invoke(app, ["progress", "-t", "oxfordshire", "-f", "json"],
                           env={"OWCF_TRUST_PATH": str(tmp_path)})
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["baseline"]["source"] == str(EXAMPLE / "rounds" / "2009")
    for key in ("dimensions", "colours", "actions", "summary"):
        assert data[key] == example_json[key]


def test_the_committed_baseline_package_is_what_owcf_share_makes_of_round_2009() -> None:
    result = runner.invoke(app, ["share", "-t", "2009"],
                           env={"OWCF_TRUST_PATH": str(EXAMPLE / "rounds")})
    assert result.exit_code == 0, result.stderr
    made = json.loads(result.stdout)
    committed = json.loads(BASELINE_PACKAGE.read_text(encoding="utf-8"))
    made.pop("owcf_version"), committed.pop("owcf_version")
    assert made == committed


# -- exit codes and located messages ------------------------------------------------------------

def _copy_example(tmp_path: Path) -> Path:
    trust = tmp_path / "oxfordshire"
    shutil.copytree(EXAMPLE, trust, ignore=shutil.ignore_patterns("*.py"))
    return trust


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(k for k, line in enumerate(lines, start=1) if needle in line)


def _progress(tmp_path: Path, *args: str) -> Any:
    return runner.invoke(app, ["progress", "-t", "oxfordshire", *args],
                         env={"OWCF_TRUST_PATH": str(tmp_path)})


def test_a_missing_baseline_package_exits_1_naming_the_line(tmp_path: Path) -> None:
    trust = _copy_example(tmp_path)
    (trust / "rounds" / "2009" / "oxfordshire-2009.json").unlink()
    result = _progress(tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = _line_of(trust / "trust.yaml", "package: rounds/2009")
    assert (f"{trust / 'trust.yaml'}:{line}: file-not-found: baseline '2009': package "
            "'rounds/2009/oxfordshire-2009.json' is no file") in result.stderr


def test_a_baseline_on_another_scale_is_refused_at_its_line(tmp_path: Path) -> None:
    trust = _copy_example(tmp_path)
    package = trust / "rounds" / "2009" / "oxfordshire-2009.json"
    data = json.loads(package.read_text(encoding="utf-8"))
    data["framework"]["scale"]["levels"].append({"value": 6, "label": "World class"})
    data["framework"]["scale"]["max"] = 6
    package.write_text(json.dumps(data), encoding="utf-8")
    result = _progress(tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = _line_of(trust / "trust.yaml", "package: rounds/2009")
    assert (f"{trust / 'trust.yaml'}:{line}: baseline-scale: baseline round 2009 "
            f"({package}) cannot be compared: its framework scale 1-6 (levels 1, 2, 3, 4, 5, 6) "
            "differs from this round's 1-5 (levels 1, 2, 3, 4, 5)") in result.stderr
    report = runner.invoke(app, ["report", "-t", "oxfordshire", "-o", str(tmp_path / "r")],
                           env={"OWCF_TRUST_PATH": str(tmp_path)})
    assert report.exit_code == 1 and "baseline-scale" in report.stderr
    assert not (tmp_path / "r").exists()


def test_a_broken_baseline_package_is_listed_by_json_path(tmp_path: Path) -> None:
    trust = _copy_example(tmp_path)
    package = trust / "rounds" / "2009" / "oxfordshire-2009.json"
    data = json.loads(package.read_text(encoding="utf-8"))
    del data["positions"]
    package.write_text(json.dumps(data), encoding="utf-8")
    result = _progress(tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{package}: invalid-package: at $: 'positions' is a required property" in result.stderr
    line = _line_of(trust / "trust.yaml", "package: rounds/2009")
    assert f"{trust / 'trust.yaml'}:{line}: invalid-package: baseline round 2009" in result.stderr


def test_a_baseline_of_another_trust_is_refused(tmp_path: Path) -> None:
    trust = _copy_example(tmp_path)
    package = trust / "rounds" / "2009" / "oxfordshire-2009.json"
    data = json.loads(package.read_text(encoding="utf-8"))
    data["trust"]["id"] = "berkshire"
    package.write_text(json.dumps(data), encoding="utf-8")
    result = _progress(tmp_path)
    line = _line_of(trust / "trust.yaml", "package: rounds/2009")
    assert result.exit_code == 1
    assert (f"{trust / 'trust.yaml'}:{line}: invalid-value: baseline round 2009 ({package}) is "
            "trust 'berkshire''s, not 'oxfordshire''s") in result.stderr


def test_a_protected_package_serves_as_a_baseline_too(
        tmp_path: Path, example_json: dict[str, Any]) -> None:
    trust = _copy_example(tmp_path)
    made = runner.invoke(app, ["share", "-t", "2009", "--protected", "--out",
                               str(trust / "rounds" / "2009" / "protected.json")],
                         env={"OWCF_TRUST_PATH": str(EXAMPLE / "rounds")})
    assert made.exit_code == 0, made.stderr
    text = (trust / "trust.yaml").read_text(encoding="utf-8")
    (trust / "trust.yaml").write_text(text.replace("rounds/2009/oxfordshire-2009.json",
                                                   "rounds/2009/protected.json"), encoding="utf-8")
    result = _progress(tmp_path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    for ours, theirs in zip(data["dimensions"], example_json["dimensions"], strict=True):
        assert ours["change"] == pytest.approx(theirs["change"], rel=1e-12)
        assert ours["real"] == theirs["real"]


def test_since_must_name_a_baseline_and_a_trust_needs_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["progress", "-t", "oxfordshire", "--since", "2008"])
    assert result.exit_code == 1
    assert "unknown-round: --since 2008: the trust's baselines are rounds 2009" in result.stderr
    trust = _copy_example(tmp_path)
    text = (trust / "trust.yaml").read_text(encoding="utf-8")
    start = text.index("\nbaselines:\n")
    end = text.index("\n\n", start)
    (trust / "trust.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    result = _progress(tmp_path)
    assert result.exit_code == 1 and "no-baseline: the trust names no earlier round" in result.stderr
    assert runner.invoke(app, ["progress"]).exit_code == 2


@pytest.mark.parametrize(("entry", "message"), [
    ("  - round: 2009\n    package: a.json\n    workspace: b\n",
     "give a package or a workspace, not both"),
    ("  - round: 2009\n", "give the earlier round as 'package: FILE'"),
    ("  - round: 2010\n    workspace: rounds/2009\n", "is named twice (or is this round)"),
    ("  - round: 2009\n    workspace: rounds\n", "workspace 'rounds' is no folder with a trust.yaml"),
])
def test_baselines_are_checked_when_trust_yaml_is_read(tmp_path: Path, entry: str,
                                                       message: str) -> None:
    trust = _copy_example(tmp_path)
    text = (trust / "trust.yaml").read_text(encoding="utf-8")
    start = text.index("\nbaselines:\n") + len("\nbaselines:\n")
    end = text.index("\n\n", start) + 1
    (trust / "trust.yaml").write_text(text[:start] + entry + text[end:], encoding="utf-8")
    result = runner.invoke(app, ["validate", str(trust)])
    assert result.exit_code == 1
    first = text[:start].count("\n") + 1  # the entry's lines in the file
    lines = range(first, first + entry.count("\n"))
    found = [x for x in result.stdout.splitlines() + result.stderr.splitlines() if message in x]
    assert found and found[0].startswith(f"{trust / 'trust.yaml'}:"), result.output
    assert int(found[0].split(":")[1]) in lines


def test_help_ends_with_a_runnable_example() -> None:
    result = runner.invoke(app, ["progress", "--help"])
    assert "Example: owcf progress --trust oxfordshire" in result.stdout
    assert copy.copy(result.exit_code) == 0


# -- the report ---------------------------------------------------------------------------------

def test_the_report_shows_progress_after_the_main_points(
        tmp_path: Path, example_json: dict[str, Any]) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "-t", "oxfordshire", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    headings = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert headings[:4] == ["Main points", "Top priorities and their actions",
                            "Progress since 2009", "Actions"]
    # the main points name the dimensions that really moved, each as owcf progress has it
    moved = sorted((d for d in example_json["dimensions"] if d["real"]),
                   key=lambda d: -abs(d["change"]))
    up = [d["name"] for d in moved if d["direction"] == "improved"]
    point = next(line for line in md.splitlines() if line.startswith("- Since 2009"))
    assert point == (f"- Since 2009, {', '.join(up[:-1])} and {up[-1]} really improved; "
                     "Recruitment fell back; the other 25 dimensions compared did not really "
                     "change.")
    section = md[md.index("## Progress since 2009"):md.index("## Actions")]
    for c in example_json["colours"]:
        low, high = (f"{c['ci_low']:+.2f}".replace("-", "−"),
                     f"{c['ci_high']:+.2f}".replace("-", "−"))
        row = (f"| {c['name']} | {c['baseline']['mean']:.2f} | {c['current']['mean']:.2f} | "
               f"{c['target']['value']:.2f} | {c['change']:+.2f} | {low} to {high} | "
               f"{c['direction']} |").replace("| -", "| −")
        assert row in section
    assert "Of the 8 actions due since 2009, 1 is cancelled, 5 are done, 2 are in progress." in section
    assert (out / "charts" / "progress.svg").is_file()
    assert 'id="figure-2"' in html and "Progress since 2009</h2>" in html
    assert html.index('id="progress-h"') < html.index('id="actions-h"')


def test_a_reworded_baseline_item_is_listed_in_the_cli_and_the_report(tmp_path: Path) -> None:
    trust = _copy_example(tmp_path)
    package = trust / "rounds" / "2009" / "oxfordshire-2009.json"
    data = json.loads(package.read_text(encoding="utf-8"))
    item = next(i for i in data["questionnaire"]["items"] if i["dimension"] == "recruitment")
    item["text"] = "An older wording of the question."
    package.write_text(json.dumps(data), encoding="utf-8")
    result = _progress(tmp_path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert {(e["scope"], e["id"]): e["reason"] for e in found["excluded"]} == {
        ("dimension", "recruitment"): "its questionnaire items differ between the rounds: "
                                      f"changed {item['id']} (wording)",
        ("colour", "blue"): "it rests on dimensions not compared: recruitment"}
    assert "recruitment" not in {d["id"] for d in found["dimensions"]}
    assert found["summary"]["fell back"] == 0 and found["summary"]["excluded"] == 1
    table = _progress(tmp_path).stdout
    assert "Not compared" in table and "changed " + item["id"] + " (wording)" in table
    out = tmp_path / "report"
    report = runner.invoke(app, ["report", "-t", "oxfordshire", "-o", str(out)],
                           env={"OWCF_TRUST_PATH": str(tmp_path)})
    assert report.exit_code == 0, report.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    section = md[md.index("## Progress since 2009"):md.index("## Actions")]
    assert "| Blue | – | – | – | – | – | not compared |" in section
    html = (out / "report.html").read_text(encoding="utf-8")  # ids are not escaped there
    assert (f"Recruitment (its questionnaire items differ between the rounds: changed "
            f"{item['id']} (wording))") in html
    assert "Recruitment" not in next(line for line in md.splitlines()
                                     if line.startswith("- Since 2009"))


@pytest.mark.parametrize(("round_", "path"), [(2009, "rounds/2009/responses.csv"),
                                              (2010, "responses.csv")])
def test_the_committed_responses_are_what_the_generator_makes(tmp_path: Path, round_: int,
                                                             path: str) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_responses",
                                                  EXAMPLE / "generate_responses.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(module.generate(2009, round_), tmp_path / "made.csv")
    assert (tmp_path / "made.csv").read_bytes() == (EXAMPLE / path).read_bytes()


def test_a_round_with_no_responses_yet_compares_nothing_and_says_so(tmp_path: Path) -> None:
    trust = _copy_example(tmp_path)
    (trust / "responses.csv").unlink()
    text = (trust / "trust.yaml").read_text(encoding="utf-8")
    (trust / "trust.yaml").write_text(text.replace("responses:\n  - responses.csv\n", ""),
                                      encoding="utf-8")
    result = _progress(tmp_path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert all(d["change"] is None and d["withheld"] == "round 2010: no respondent with a score"
               for d in data["dimensions"])
    out = tmp_path / "report"
    report = runner.invoke(app, ["report", "-t", "oxfordshire", "-o", str(out), "-f", "md"],
                           env={"OWCF_TRUST_PATH": str(tmp_path)})
    assert report.exit_code == 0, report.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "**Figure 2: No colour can be compared with 2009**" in md
    assert ("- No dimension can be compared with 2009: each change is withheld or was not "
            "measured alike in both rounds.") in md
