"""``owcf share``: the results package a trust sends the national body.

Figures are checked against hand-worked values for the tiny trust and against a plain
Python count of Oxfordshire's responses file; the schema check is the jsonschema
library's own validator; what the protected package withholds is checked against what
the report says it withholds.
"""

from __future__ import annotations

import copy
import csv
import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from owcf.cli import app
from owcf.share.schema import schema, schema_path, violations

from .conftest import (
    EXAMPLE,
    REPO,
    TINY_FRAMEWORK,
    TINY_QUESTIONNAIRE,
    TINY_RESPONSES,
    TINY_TRUST,
    write,
)

runner = CliRunner()
LIBRARY = Draft202012Validator(json.loads((REPO / "schemas" / "owcf-results-1.schema.json")
                                          .read_text(encoding="utf-8")))


def _share(*args: str) -> tuple[dict[str, Any], str]:
    result = runner.invoke(app, ["share", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stdout


@pytest.fixture(scope="module")
def oxfordshire() -> tuple[dict[str, Any], str]:
    return _share("--trust", "oxfordshire")


@pytest.fixture(scope="module")
def protected() -> tuple[dict[str, Any], str]:
    return _share("--trust", "oxfordshire", "--protected")


def test_the_schema_is_a_valid_versioned_schema_bundled_with_owcf() -> None:
    Draft202012Validator.check_schema(schema())
    assert schema_path().name == "owcf-results-1.schema.json"
    assert schema()["properties"]["schema"] == {"const": "owcf-results/1"}
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"schemas" = "owcf/_data/schemas"' in pyproject  # an installed owcf finds it


@pytest.mark.parametrize("kind", ["oxfordshire", "protected"])
def test_both_packages_validate_against_the_schema(kind: str, request: pytest.FixtureRequest
                                                    ) -> None:
    package, _ = request.getfixturevalue(kind)
    assert sorted(e.json_path for e in LIBRARY.iter_errors(package)) == []
    assert package["kind"] == ("full" if kind == "oxfordshire" else "protected")
    assert "NOT FOR PUBLICATION" in package["notice"] or kind == "protected"


def test_the_header_says_who_what_and_when(oxfordshire: tuple[dict[str, Any], str]) -> None:
    package, text = oxfordshire
    # the header comes first in the file, one field per line, for a person opening it
    assert text.splitlines()[1:4] == ['"schema": "owcf-results/1",', '"kind": "full",',
                                       f'"notice": {json.dumps(package["notice"])},']
    assert package["trust"] == {"id": "oxfordshire",
                                "name": "Oxfordshire Children and Young People's Trust"}
    # the plan's first and last dates (trust.yaml: questionnaire from 25 January, workshop
    # ending 1 June 2010)
    assert package["period"] == {"start": "2010-01-25", "end": "2010-06-01"}
    assert package["framework"]["id"] == "owcf"
    assert package["questionnaire"]["id"] == "owcf-questionnaire"
    assert re.fullmatch(r"[0-9a-f]{64}", package["framework"]["sha256"])
    assert package["produced"] is None and package["owcf_version"]


def _responses() -> list[dict[str, str]]:
    with (EXAMPLE / "responses.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_no_free_text_respondent_ids_or_personal_data(oxfordshire: tuple[dict[str, Any], str],
                                                      protected: tuple[dict[str, Any], str]
                                                      ) -> None:
    rows = _responses()
    comments = {r["comment"] for r in rows if r["comment"]}
    owners = {a["owner"] for a in yaml.safe_load((EXAMPLE / "trust.yaml").read_text())["actions"]}
    assert comments and owners
    for _, text in (oxfordshire, protected):
        assert not [c for c in comments if c in text]
        assert not [o for o in owners if o in text]  # actions travel without their owners
        assert not re.search(r"OX\d{4}", text)  # respondent ids
        assert not re.search(r"p-[0-9a-f]{16}", text)  # pseudonyms
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", text)  # email addresses
        assert not re.search(r"\b\d{1,3}(\.\d{1,3}){3}\b", text)  # IP addresses
        assert "respondent_id" not in text and "2009-01-23T" not in text  # no rows, no times


def test_personal_data_in_the_export_never_reaches_the_package(trust_path: Path) -> None:
    """A survey export with names, emails and IP addresses, and a comment quoting an email."""
    write(trust_path / "responses.csv",
          "respondent_id,audience,workforce_group,Email Address,IP Address,v1,v2,s1,s2,p1,p2,comment\n"
          "jane.smith@example.org,staff,health,jane.smith@example.org,192.168.10.77,4,1,3,,2,2,"
          "Ring Jane Smith on jane.smith@example.org\n"
          "r2,staff,schools,x@example.org,10.0.0.1,3,2,DK,,3,NA,\n")
    result = runner.invoke(app, ["share", "--trust", "tinytown"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["respondents"]["total"] == 2
    for secret in ("jane", "Jane", "example.org", "192.168", "10.0.0.1", "Ring"):
        assert secret not in result.stdout


def test_tiny_cells_hold_the_sums_worked_out_by_hand(trust_path: Path) -> None:
    package, _ = _share("--trust", "tinytown")
    cells = {(r["by"]["audience"], r["by"]["workforce_group"]): r for r in package["cells"]["rows"]}
    assert sorted(cells, key=str) == sorted([("staff", "health"), ("staff", "schools"),
                                             ("leaders", "health"), ("young_people", None)], key=str)
    staff = cells[("staff", "health")]  # r1 and r5 (tests/conftest.py TINY_RESPONSES)
    assert staff["respondents"] == 2
    items = staff["items"]  # v1 v2 s1 s2 p1 p2; v2 reversed (1 scores 4); s2 leaders only
    assert items["n"] == [1, 1, 1, 0, 2, 1]
    assert items["sum"] == [4, 4, 3, 0, 3, 2]
    assert items["sumsq"] == [16, 16, 9, 0, 5, 4]
    assert items["counts"]["1"] == [0, 1, 0, 0, 1, 0]
    assert items["counts"]["2"] == [0, 0, 0, 0, 1, 1]
    assert items["counts"]["blank"] == [1, 1, 1, 0, 0, 1]  # s2 was not asked: no blank
    dims = staff["dimensions"]  # vision: r1 (4+4)/2; values: r1 3; planning: r1 2, r5 1
    assert dims["n"] == [1, 1, 2] and dims["sum"] == [4, 3, 3] and dims["sumsq"] == [16, 9, 5]
    colours = staff["colours"]  # red: r1 (4+3)/2; blue: r1 2, r5 1
    assert colours["n"] == [1, 2] and colours["sum"] == [3.5, 3] and colours["sumsq"] == [12.25, 5]
    assert package["respondents"]["total"] == 5
    assert package["respondents"]["by_audience"] == [
        {"id": "staff", "respondents": 3}, {"id": "leaders", "respondents": 1},
        {"id": "young_people", "respondents": 1}]


def test_oxfordshire_item_counts_equal_a_count_of_the_responses_file(
        oxfordshire: tuple[dict[str, Any], str]) -> None:
    """Every cell's answers per category, counted in plain Python from responses.csv."""
    package, _ = oxfordshire
    items = [i["id"] for i in package["questionnaire"]["items"]]
    asked = {i["id"]: i["audiences"] for i in package["questionnaire"]["items"]}
    expected: dict[tuple[str, str | None], dict[str, list[int]]] = {}
    sizes: dict[tuple[str, str | None], int] = {}
    for row in _responses():
        key = (row["audience"], row["workforce_group"] or None)
        sizes[key] = sizes.get(key, 0) + 1
        counts = expected.setdefault(key, {c: [0] * len(items) for c in package["categories"]})
        for u, item in enumerate(items):
            answer = row[item] or "blank"
            if answer == "blank" and asked[item] and row["audience"] not in asked[item]:
                continue  # an item not asked is not a blank answer
            counts[answer][u] += 1
    found = {(r["by"]["audience"], r["by"]["workforce_group"]): r for r in package["cells"]["rows"]}
    assert set(found) == set(expected)
    for key, counts in expected.items():
        assert found[key]["respondents"] == sizes[key]
        assert found[key]["items"]["counts"] == counts, key


def test_protected_withholds_exactly_what_the_report_withholds(
        protected: tuple[dict[str, Any], str], tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "-t", "oxfordshire", "-o", str(tmp_path), "-f", "md"])
    assert result.exit_code == 0, result.stderr
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    said = {reason: int(n) for n, reason in re.findall(
        r"(\d+) figures were withheld because each (rests on fewer respondents than the "
        r"threshold or would let one that does be worked out|rests on fewer respondents "
        r"than the threshold|withheld so that another withheld figure cannot be worked "
        r"out)", report)}
    assert said  # the example does withhold figures
    package, _ = protected
    counted: dict[str, int] = {}
    for analysis in package["analyses"]:
        for group in analysis["groups"]:
            for level in ("colours", "dimensions", "items"):
                for fields in group[level]["suppressed"].values():
                    for reason in fields.values():
                        counted[reason] = counted.get(reason, 0) + 1
    words = {"fewer-than-min-cell": "rests on fewer respondents than the threshold",
             "secondary": "withheld so that another withheld figure cannot be worked out",
             "withheld": "rests on fewer respondents than the threshold or would let one "
                         "that does be worked out"}
    assert {words[r]: n for r, n in counted.items()} == said
    # and every withheld figure is null, every published one a number
    for analysis in package["analyses"]:
        for group in analysis["groups"]:
            level = group["items"]
            for u, item in enumerate(package["questionnaire"]["items"]):
                hidden = level["suppressed"].get(item["id"], {})
                assert ("n" in hidden) == (level["n"][u] is None)
                for c in package["categories"]:
                    assert (f"counts.{c}" in hidden) == (level["counts"][c][u] is None)


def test_protected_figures_are_the_published_analysis(protected: tuple[dict[str, Any], str]
                                                      ) -> None:
    package, _ = protected
    result = runner.invoke(app, ["analyse", "-t", "oxfordshire", "--by", "audience", "-f", "json"])
    published = json.loads(result.stdout)
    analysis = package["analyses"][0]
    assert analysis["by"] == ["audience"]
    for group, expected in zip(analysis["groups"], published["groups"], strict=True):
        assert group["by"] == expected["by"] and group["respondents"] == expected["respondents"]
        assert group["dimensions"]["mean"] == [d["mean"] for d in expected["dimensions"]]
        assert group["items"]["counts"]["DK"] == [i["counts"]["DK"] for i in expected["items"]]


def test_positions_are_what_owcf_gaps_prints(oxfordshire: tuple[dict[str, Any], str]) -> None:
    package, _ = oxfordshire
    gaps = json.loads(runner.invoke(app, ["gaps", "-t", "oxfordshire", "-f", "json"]).stdout)
    assert package["positions"]["dimensions"] == gaps["dimensions"]
    assert package["positions"]["colours"] == gaps["colours"]
    assert package["actions"][2] == {"number": 3, "due": "2009-09-30", "status": "done",
                                     "dimensions": ["workforce_planning",
                                                    "leadership_for_integration"]}
    accepted = [o["id"] for o in package["support"]["accepted"]]
    assert accepted == ["integrated-working-practitioner-toolkit", "nqsw-programme"]
    assert package["support"]["requests"][0]["partner"] == "Children's Workforce Development Council"
    assert len(package["focus_areas"]) == 7
    # response rates from the illustrative workforce census: early years 92 of 4200
    strata = {s["id"]: s for s in package["population"]["strata"]}
    assert strata["early_years"]["respondents"] == 92
    assert strata["early_years"]["response_rate"] == pytest.approx(92 / 4200)


def test_cells_split_by_a_shared_breakdown_add_up_to_the_default_cells(
        oxfordshire: tuple[dict[str, Any], str]) -> None:
    split, _ = _share("--trust", "oxfordshire", "--by", "locality")
    assert split["cells"]["fields"] == ["audience", "workforce_group", "locality"]
    plain, _ = oxfordshire
    added: dict[tuple[str, str | None], list[int]] = {}
    for row in split["cells"]["rows"]:
        key = (row["by"]["audience"], row["by"]["workforce_group"])
        n = row["items"]["n"]
        added[key] = [a + b for a, b in zip(added.get(key, [0] * len(n)), n, strict=True)]
    assert added == {(r["by"]["audience"], r["by"]["workforce_group"]): r["items"]["n"]
                     for r in plain["cells"]["rows"]}
    bad = runner.invoke(app, ["share", "--trust", "oxfordshire", "--by", "postcode"])
    assert bad.exit_code == 1 and "invalid-value" in bad.stderr and "locality" in bad.stderr


def test_same_inputs_same_bytes_and_a_dated_package_only_when_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, oxfordshire: tuple[dict[str, Any], str]
        ) -> None:
    out = tmp_path / "sent" / "oxfordshire.json.gz"
    first = runner.invoke(app, ["share", "-t", "oxfordshire", "--out", str(out)])
    assert first.exit_code == 0 and first.stdout.strip() == str(out)
    data = out.read_bytes()
    assert gzip.decompress(data).decode("utf-8") == oxfordshire[1]
    runner.invoke(app, ["share", "-t", "oxfordshire", "--out", str(out)])
    assert out.read_bytes() == data
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1246406400")
    dated, _ = _share("-t", "oxfordshire")
    assert dated["produced"] == "2009-07-01"


def test_share_needs_a_trust() -> None:
    result = runner.invoke(app, ["share"])
    assert result.exit_code == 2 and "--trust" in result.stderr


# -- the schema check: the library's verdict, only faster --------------------------------

def _mutations() -> st.SearchStrategy[list[tuple[int, int, Any]]]:
    values = st.one_of(st.integers(-3, 3), st.floats(-2, 2, allow_nan=False), st.none(),
                       st.text(max_size=3), st.booleans(), st.just([]), st.just({"x": 1}))
    return st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), values),
                    min_size=1, max_size=4)


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _places(value, (*path, key))
    elif isinstance(node, list):
        for k, value in enumerate(node[:3]):
            out += _places(value, (*path, k))
    return out


@pytest.fixture(scope="module")
def tiny_packages(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The tiny trust's packages, full and protected: small, so the library's own check of
    each mutation stays quick."""
    root = tmp_path_factory.mktemp("share") / "tinytown"
    for name, text in (("framework.yaml", TINY_FRAMEWORK), ("questionnaire.yaml", TINY_QUESTIONNAIRE),
                       ("responses.csv", TINY_RESPONSES), ("trust.yaml", TINY_TRUST)):
        write(root / name, text)
    from owcf.workspace.share import share

    return [share(root).package, share(root, protected=True).package]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=_mutations(), which=st.sampled_from([0, 1]))
def test_owcf_finds_exactly_the_violations_the_library_finds(
        tiny_packages: list[dict[str, Any]], changes: list[tuple[int, int, Any]], which: int) -> None:
    """Plain arrays are checked in one pass; the verdict and every error path must be
    the jsonschema library's own, whatever is broken."""
    package = copy.deepcopy(tiny_packages[which])
    places = _places(package)[1:]
    for where, how, value in changes:
        path = places[where % len(places)]
        parent = package
        for step in path[:-1]:
            parent = parent[step]
        if how % 5 == 0 and isinstance(parent, dict):
            parent.pop(path[-1], None)  # a field missing
        else:
            parent[path[-1]] = copy.deepcopy(value)  # a fresh object: never a cycle
        places = _places(package)[1:]
    ours = sorted(violations(package, limit=10_000))
    library = sorted((e.json_path, " ".join(e.message.split())) for e in LIBRARY.iter_errors(package))
    assert [p for p, _ in ours] == [p for p, _ in library]
