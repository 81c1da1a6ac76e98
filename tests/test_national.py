"""``owcf national``: many trusts' results packages, pooled as CWDC did in 2009.

The collection is the synthetic sample committed in ``examples/national/sample`` (made
by ``examples/national/generate_packages.py``), plus problem files made here. Every
figure checked is worked out again in plain Python from the packages' JSON; disclosure is
checked by the linear-programming audit in ``tests/audit_lp.py``.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from owcf.cli import app

from .audit_lp import disclosed
from .conftest import REPO

runner = CliRunner()
SAMPLE = REPO / "examples" / "national" / "sample"
MIN_TRUSTS = 5
#: how national.json counts trusts by their change since their previous round
TREND_KINDS = ("improved", "stayed", "fell_back", "not_compared")


def _load(path: Path) -> Any:
    data = path.read_bytes()
    return json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample, and one package of every kind of problem."""
    folder = tmp_path_factory.mktemp("packages")
    for path in sorted(SAMPLE.iterdir()):
        shutil.copyfile(path, folder / path.name)
    full = sorted(p for p in SAMPLE.iterdir() if _load(p)["kind"] == "full")
    text = gzip.decompress(full[0].read_bytes()).decode("utf-8")
    (folder / "cut-short.json").write_text(text[: len(text) // 3], encoding="utf-8")
    (folder / "not-text.json").write_bytes(b"\xff\xfe\x00{")
    broken = json.loads(text)
    broken["trust"] = {"id": "broken-trust", "name": "Broken Package Trust"}
    broken["cells"]["rows"][0]["items"]["n"][2] = -1
    (folder / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    foreign = json.loads(text)
    foreign["trust"] = {"id": "foreign-trust", "name": "Foreign Framework Trust"}
    foreign["framework"]["dimensions"][0]["name"] = "Renamed locally"
    foreign["framework"]["sha256"] = "0" * 64
    (folder / "foreign.json").write_text(json.dumps(foreign), encoding="utf-8")
    # a tailored-questionnaire trust's package sent twice: a duplicate, not pooled either way
    tailored = next(p for p in sorted(SAMPLE.iterdir())
                    if _load(p)["questionnaire"]["sha256"] != _load(full[0])["questionnaire"]["sha256"])
    shutil.copyfile(tailored, folder / ("again-" + tailored.name))
    return folder


@pytest.fixture(scope="module")
def run(collection: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("national")
    result = runner.invoke(app, ["national", str(collection), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return out, result.stderr


@pytest.fixture(scope="module")
def national(run: tuple[Path, str]) -> dict[str, Any]:
    return json.loads((run[0] / "national.json").read_text(encoding="utf-8"))


def _pooled(collection: Path) -> list[dict[str, Any]]:
    """The packages that should be pooled, decided here from the rules: readable, valid,
    not duplicated, with the most common framework and questionnaire hashes."""
    packages = []
    for path in sorted(collection.iterdir()):
        try:
            data = _load(path)
        except (ValueError, UnicodeDecodeError):
            continue
        if data["trust"]["id"] == "broken-trust":
            continue  # breaks the schema
        packages.append(data)
    keys = [(p["trust"]["id"], json.dumps(p["period"])) for p in packages]
    packages = [p for p, k in zip(packages, keys, strict=True) if keys.count(k) == 1]
    frameworks = [p["framework"]["sha256"] for p in packages]
    framework = max(set(frameworks), key=frameworks.count)
    packages = [p for p in packages if p["framework"]["sha256"] == framework]
    questionnaires = [p["questionnaire"]["sha256"] for p in packages]
    questionnaire = max(set(questionnaires), key=questionnaires.count)
    return [p for p in packages if p["questionnaire"]["sha256"] == questionnaire]


# -- reading packages ---------------------------------------------------------------------

def test_problem_packages_are_listed_with_file_and_json_path_and_left_out(
        collection: Path, run: tuple[Path, str], national: dict[str, Any]) -> None:
    _, stderr = run
    assert re.search(r"cut-short\.json:\d+: warning: json-syntax: ", stderr)
    assert "not-text.json: warning: file-unreadable: is not UTF-8 text" in stderr
    assert ("broken.json: warning: invalid-package: at $.cells.rows[0].items.n[2]: -1 is less "
            "than the minimum of 0") in stderr
    assert "foreign.json: warning: foreign-framework: at $.framework.sha256: " in stderr
    assert stderr.count("warning: duplicate-package: at $.trust.id:") == 2
    assert stderr.count("warning: foreign-questionnaire: at $.questionnaire.sha256:") == 2
    pooled = _pooled(collection)
    assert national["packages"] == {
        "files": 15, "pooled": len(pooled), "full": sum(p["kind"] == "full" for p in pooled),
        "protected": sum(p["kind"] == "protected" for p in pooled),
        "left_out": {"unreadable": 2, "invalid": 1, "duplicate": 2, "foreign-framework": 1,
                     "foreign-questionnaire": 2}, "suppressed": {}}
    assert f"15 package files read: {len(pooled)} pooled, 8 left out" in stderr


@pytest.mark.parametrize(("change", "where", "says"), [
    pytest.param(lambda items: items["sum"].__setitem__(1, items["sum"][1] * 100), "sum[1]",
                 "cannot come from", id="a-sum-off-the-scale"),
    pytest.param(lambda items: items["sumsq"].__setitem__(1, 0.0), "sum[1]", "cannot come from",
                 id="a-sum-of-squares-too-small"),
    pytest.param(lambda items: items["n"].__setitem__(1, items["n"][1] + 1), "n[1]",
                 "not the item's answer counts on the scale added up", id="an-n-too-large"),
])
def test_a_package_whose_sums_no_answers_could_make_is_left_out(
        tmp_path: Path, change: Any, where: str, says: str) -> None:
    """Found by fuzzing: a package with its item sums made 100 times too large passed the
    schema, and the national engine's linear programs never settled on it (no end, nothing
    said). Each unit's sum and sum of squares must be what n answers on the scale can
    make, and an item's n its answer counts on the scale."""
    first = sorted(SAMPLE.iterdir())[0]
    data = _load(first)
    rows = data["cells"]["rows"]
    assert rows[0]["items"]["n"][1] > 0
    change(rows[0]["items"])
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    collection = tmp_path / "set"
    collection.mkdir()
    shutil.copyfile(path, collection / path.name)
    for other in sorted(SAMPLE.iterdir())[1:4]:
        shutil.copyfile(other, collection / other.name)
    result = runner.invoke(app, ["national", str(collection), "--out", str(tmp_path / "out"),
                                 "--strict"])
    assert result.exit_code == 1
    assert (f"changed.json: invalid-package: at $.cells.rows[0].items.{where}: " in result.stderr
            and says in result.stderr), result.stderr
    assert not (tmp_path / "out").exists()


def test_strict_exits_1_on_any_problem_and_writes_nothing(collection: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["national", str(collection), "--out", str(tmp_path / "out"),
                                 "--strict"])
    assert result.exit_code == 1
    assert "foreign-framework" in result.stderr and "warning" not in result.stderr
    assert not (tmp_path / "out").exists()
    clean = tmp_path / "clean"
    clean.mkdir()
    for path in SAMPLE.iterdir():
        if _load(path)["trust"]["id"] in {p["trust"]["id"] for p in _pooled(collection)}:
            shutil.copyfile(path, clean / path.name)
    result = runner.invoke(app, ["national", str(clean), "--out", str(tmp_path / "ok"),
                                 "--strict", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == ["national.json"]


def test_nothing_to_pool_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["national", str(tmp_path / "empty")])
    assert result.exit_code == 1 and "no-packages" in result.stderr


# -- the figures --------------------------------------------------------------------------

def _trust_figures(package: dict[str, Any], u: int) -> dict[str, Any]:
    """One trust's figures for question ``u``, from its package, in plain Python: n and
    sum for everyone, by audience and by workforce group (None where withheld), counts."""
    audiences = [a["id"] for a in package["framework"]["audiences"]]
    groups = [g["id"] for g in package["framework"]["workforce_groups"]] + [None]
    out: dict[str, Any] = {}
    if package["kind"] == "full":
        rows = package["cells"]["rows"]

        def add(select: Any) -> tuple[float, float]:
            chosen = [r for r in rows if select(r)]
            return (sum(r["items"]["n"][u] for r in chosen), sum(r["items"]["sum"][u] for r in chosen))

        out["everyone"] = add(lambda r: True)
        out["audience"] = {a: add(lambda r, a=a: r["by"]["audience"] == a) for a in audiences}
        out["group"] = {g: add(lambda r, g=g: r["by"]["workforce_group"] == g) for g in groups}
        out["counts"] = {c: sum(r["items"]["counts"][c][u] for r in rows) for c in package["categories"]}
        return out

    def published(group: dict[str, Any] | None) -> tuple[float, float] | None:
        if group is None:
            return (0, 0)
        n, mean = group["items"]["n"][u], group["items"]["mean"][u]
        if n is None or (n > 0 and mean is None):
            return None
        return (n, n * mean if n else 0)

    by = {tuple(a["by"]): a["groups"] for a in package["analyses"]}
    everyone = by[("audience",)][0]
    out["everyone"] = published(everyone)
    out["audience"] = {a: published(next((g for g in by[("audience",)][1:]
                                          if g["by"]["audience"] == a), None)) for a in audiences}
    out["group"] = {g: published(next((x for x in by[("workforce_group",)][1:]
                                       if x["by"]["workforce_group"] == g), None)) for g in groups}
    out["counts"] = {c: everyone["items"]["counts"][c][u] for c in package["categories"]}
    return out


def _expected_question(pooled: list[dict[str, Any]], item: str, threshold: int) -> dict[str, Any]:
    """The 2009 presentations for one question, from the packages alone."""
    first = pooled[0]
    u = [i["id"] for i in first["questionnaire"]["items"]].index(item)
    asked = (first["questionnaire"]["items"][u]["audiences"]
             or [a["id"] for a in first["framework"]["audiences"]])
    lo, hi = first["framework"]["scale"]["min"], first["framework"]["scale"]["max"]
    bands = [0] * 6
    trusts = {"with_average": 0, "too_few": 0, "without_audience": 0, "not_pooled": 0}
    per_audience: dict[str, list[float]] = {}
    per_group: dict[str | None, list[float]] = {}
    counts: dict[str, int] = {}
    for package in pooled:
        figures = _trust_figures(package, u)
        present = {e["id"]: e["respondents"] for e in package["respondents"]["by_audience"]}
        reached = any(present.get(a) != 0 for a in asked)
        if figures["everyone"] is None:
            trusts["not_pooled"] += 1
        elif not reached:
            trusts["without_audience"] += 1
        elif figures["everyone"][0] < threshold:
            trusts["too_few"] += 1
        else:
            trusts["with_average"] += 1
            average = figures["everyone"][1] / figures["everyone"][0]
            bands[sum(6 * (average - lo) > j * (hi - lo) for j in range(1, 6))] += 1
        for key, store in (("audience", per_audience), ("group", per_group)):
            if all(v is not None for v in figures[key].values()):
                for ident, (n, s) in figures[key].items():
                    entry = store.setdefault(ident, [0, 0.0, 0])
                    entry[0] += n
                    entry[1] += s
                    entry[2] += n > 0
        if figures["everyone"] is not None and None not in figures["counts"].values():
            for c, v in figures["counts"].items():
                counts[c] = counts.get(c, 0) + v
    scale = [str(o["value"]) for o in first["questionnaire"]["answer_scale"]]
    scored = sum(counts[c] for c in scale)
    positions = {c: (6 - int(c) if first["questionnaire"]["items"][u]["reverse"] else int(c)) for c in scale}
    return {"trusts": trusts, "bands": bands, "above": sum(bands[3:]),
            "audience": per_audience, "group": per_group, "counts": counts, "scored": scored,
            "mean": sum(positions[c] * counts[c] for c in scale) / scored if scored else None}


@pytest.mark.parametrize("item", ["shared_outcomes_2", "shared_vision_1", "co_location_1"])
def test_the_2009_presentations_equal_an_independent_computation(
        collection: Path, national: dict[str, Any], run: tuple[Path, str], item: str) -> None:
    question = next(q for q in national["questions"] if q["id"] == item)
    expected = _expected_question(_pooled(collection), item, question["threshold"])
    hidden = question["suppressed"]
    shown = 0

    def check(path: str, value: Any, want: Any) -> None:
        nonlocal shown
        if value is None:
            assert path in hidden, f"{item} {path} is null without a reason"
        else:
            assert value == pytest.approx(want, abs=1e-9), (item, path)
            shown += 1

    for name, want in expected["trusts"].items():
        check(f"trusts.{name}", question["trusts"][name], want)
    for k, want in enumerate(expected["bands"]):
        check(f"bands[{k}]", question["bands"][k], want)
    check("above_midpoint", question["above_midpoint"], expected["above"])
    if question["percent_above"] is not None:
        assert question["percent_above"] == pytest.approx(
            100 * expected["above"] / expected["trusts"]["with_average"])
    for key, store in (("by_audience", expected["audience"]), ("by_workforce_group", expected["group"])):
        for k, group in enumerate(question[key]["groups"]):
            n, s, contributing = store[group["id"]]
            check(f"{key}.groups[{k}].respondents", group["respondents"], n)
            check(f"{key}.groups[{k}].trusts", group["trusts"], contributing)
            if n:
                check(f"{key}.groups[{k}].mean", group["mean"], s / n)
    for c, want in expected["counts"].items():
        if c != "blank":
            check(f"responses.counts.{c}", question["responses"]["counts"][c], want)
    check("responses.scored", question["responses"]["scored"], expected["scored"])
    check("responses.mean", question["responses"]["mean"], expected["mean"])
    assert shown >= 10  # many figures are published, so the comparison means something
    # the HTML table shows the same counts
    tables = _html_tables((run[0] / "national.html").read_text(encoding="utf-8"))
    answers = dict(tables[f"q-{item}-responses"])
    for c in ("1", "2", "3", "4", "5"):
        label = next(k for k in answers if k.startswith(f"{c} "))
        value = question["responses"]["counts"][c]
        assert answers[label][0] == (str(expected["counts"][c]) if value is not None else
                                     _words(hidden[f"responses.counts.{c}"], question["threshold"]))


def _words(reason: str, threshold: int | None = None) -> str:
    return {"fewer-than-min-trusts": f"fewer than {MIN_TRUSTS} trusts",
            "fewer-than-min-cell": f"fewer than {threshold} respondents",
            "secondary": "withheld"}[reason]


def test_positions_priorities_and_support_from_the_packages(
        collection: Path, national: dict[str, Any]) -> None:
    pooled = _pooled(collection)
    dims = [d["id"] for d in pooled[0]["framework"]["dimensions"]]
    for d, entry in zip(dims, national["dimensions"], strict=True):
        values = sorted(p["positions"]["dimensions"][dims.index(d)]["current"] for p in pooled
                        if p["positions"]["dimensions"][dims.index(d)]["current"] is not None)
        if entry["current"]["median"] is not None:
            assert len(values) >= MIN_TRUSTS
            # quartiles by linear interpolation between order statistics
            for q, key in ((0.25, "q1"), (0.5, "median"), (0.75, "q3")):
                at = q * (len(values) - 1)
                low = values[math.floor(at)]
                want = low + (values[math.ceil(at)] - low) * (at - math.floor(at))
                assert entry["current"][key] == pytest.approx(want)
        ranks = [p["positions"]["dimensions"][dims.index(d)]["rank"] for p in pooled]
        first = sum(r == 1 for r in ranks)
        if entry["first_priority"] is not None:
            assert entry["first_priority"] == first and first not in range(1, MIN_TRUSTS)
    offers: dict[str, set[str]] = {}
    for p in pooled:
        for o in p["support"]["accepted"]:
            offers.setdefault(o["id"], set()).add(p["trust"]["id"])
    for row in national["support"]["offers"]:
        assert row["trusts"] in (len(offers[row["id"]]), None)
        if row["trusts"] is None:
            assert len(offers[row["id"]]) < MIN_TRUSTS or national["support"]["suppressed"]


# -- disclosure ---------------------------------------------------------------------------

def _audit_inputs(doc: dict[str, Any], reverse: dict[str, bool]
                  ) -> tuple[dict[str, float], dict[str, tuple[float, float]], list[dict[str, float]]]:
    """Published cells, withheld cells with the bounds their reasons imply, and every
    linear relation a reader can build, read from national.json as its format documents."""
    published: dict[str, float] = {}
    withheld: dict[str, tuple[float, float]] = {}
    relations: list[dict[str, float]] = []
    base = doc["disclosure"]["min_cell"]
    by_audience = doc["disclosure"]["min_cell_by_audience"]
    everyone = max([base, *by_audience.values()])

    def cell(key: str, value: float | None, reason: str | None, kind: str,
             threshold: int | None = None) -> None:
        if value is not None:
            published[key] = value
        elif reason == "fewer-than-min-trusts" and kind == "trusts":
            withheld[key] = (1, MIN_TRUSTS - 1)
        elif reason == "fewer-than-min-cell" and kind == "respondents":
            assert threshold is not None
            withheld[key] = (1, threshold - 1)
        elif reason in ("fewer-than-min-trusts", "fewer-than-min-cell"):
            withheld[key] = (1, math.inf)
        else:
            withheld[key] = (0, math.inf)

    def adds_up(total: str, members: list[str]) -> None:
        relations.append({**dict.fromkeys(members, 1.0), total: -1.0})

    def sum_of(n: float | None, mean: float | None) -> float | None:
        return None if n is None or (n and mean is None) else (n * mean if n else 0.0)

    cell("pooled", doc["packages"]["pooled"], doc["packages"]["suppressed"].get("pooled"), "trusts")
    scale = [str(v["value"]) for v in doc["scale"]["levels"]]
    for u, q in enumerate(doc["questions"]):
        why, thr, p = q["suppressed"], q["threshold"], f"q{u}."
        for name, value in q["trusts"].items():
            cell(p + name, value, why.get(f"trusts.{name}"), "trusts")
        adds_up("pooled", [p + name for name in q["trusts"]])
        for k, value in enumerate(q["bands"]):
            cell(f"{p}band{k}", value, why.get(f"bands[{k}]"), "trusts")
        adds_up(p + "with_average", [f"{p}band{k}" for k in range(6)])
        cell(p + "above", q["above_midpoint"], why.get("above_midpoint"), "trusts")
        adds_up(p + "above", [f"{p}band{k}" for k in range(3, 6)])
        if q["percent_above"] is not None:
            relations.append({p + "above": 100.0, p + "with_average": -q["percent_above"]})
        r = q["responses"]
        for c, value in r["counts"].items():
            cell(f"{p}count{c}", value, why.get(f"responses.counts.{c}"), "respondents", thr)
        cell(p + "scored", r["scored"], why.get("responses.scored"), "respondents", thr)
        cell(p + "total", r["total"], why.get("responses.total"), "respondents", thr)
        cell(p + "sum", sum_of(r["scored"], r["mean"]), "secondary", "sum")
        adds_up(p + "scored", [f"{p}count{c}" for c in scale])
        adds_up(p + "total", [p + "scored", *(f"{p}count{c}" for c in r["counts"] if c not in scale)])
        # answers weighted by their scores add up to the mean times the respondents
        relations.append({**{f"{p}count{c}": float(6 - int(c) if reverse[q["id"]] else int(c))
                             for c in scale}, p + "sum": -1.0})
        for key in ("by_audience", "by_workforce_group"):
            part, ns, sums = q[key], [], []
            for k, g in enumerate(part["groups"]):
                g_thr = max(base, by_audience.get(g["id"], 0)) if key == "by_audience" else thr
                at = f"{key}.groups[{k}]"
                cell(f"{p}{at}.n", g["respondents"], why.get(f"{at}.respondents"), "respondents", g_thr)
                cell(f"{p}{at}.trusts", g["trusts"], why.get(f"{at}.trusts"), "trusts")
                cell(f"{p}{at}.sum", sum_of(g["respondents"], g["mean"]), "secondary", "sum")
                ns.append(f"{p}{at}.n")
                sums.append(f"{p}{at}.sum")
            every = part["all"]
            cell(f"{p}{key}.n", every["respondents"], why.get(f"{key}.all.respondents"), "respondents", thr)
            cell(f"{p}{key}.sum", sum_of(every["respondents"], every["mean"]), "secondary", "sum")
            adds_up(f"{p}{key}.n", ns)
            adds_up(f"{p}{key}.sum", sums)
            if part["not_pooled"] == 0 and r["not_pooled"] == 0:  # the same trusts: the same total
                relations.append({f"{p}{key}.n": 1.0, p + "scored": -1.0})
                relations.append({f"{p}{key}.sum": 1.0, p + "sum": -1.0})
    for scope in ("dimensions", "colours"):
        for d in doc[scope]:
            why, p = d["suppressed"], f"{scope}.{d['id']}."
            cell(p + "with", d["with_position"], why.get("with_position"), "trusts")
            cell(p + "without", d["without_position"], why.get("without_position"), "trusts")
            adds_up("pooled", [p + "with", p + "without"])
            for k, value in enumerate(d["bands"]):
                cell(f"{p}band{k}", value, why.get(f"bands[{k}]"), "trusts")
            adds_up(p + "with", [f"{p}band{k}" for k in range(6)])
            cell(p + "with_target", d["with_target"], why.get("with_target"), "trusts")
    ranking = doc["priorities"]
    cell("ranked", ranking["trusts_ranking"], ranking["suppressed"].get("trusts_ranking"), "trusts")
    cell("top3", ranking["top3_total"], ranking["suppressed"].get("top3_total"), "trusts")
    for d in doc["dimensions"]:
        cell(f"first.{d['id']}", d["first_priority"], d["suppressed"].get("first_priority"), "trusts")
        cell(f"top3.{d['id']}", d["top3_priority"], d["suppressed"].get("top3_priority"), "trusts")
    adds_up("ranked", [f"first.{d['id']}" for d in doc["dimensions"]])
    adds_up("top3", [f"top3.{d['id']}" for d in doc["dimensions"]])
    who = doc["respondents"]
    for key in ("by_audience", "by_workforce_group"):
        cell(f"who.{key}", who[f"{key}_total"], who["suppressed"].get(f"{key}_total"),
             "respondents", everyone)
        members = []
        for k, g in enumerate(who[key]):
            g_thr = max(base, by_audience.get(g["id"], 0)) if key == "by_audience" else everyone
            cell(f"who.{key}{k}", g["respondents"], who["suppressed"].get(f"{key}[{k}].respondents"),
                 "respondents", g_thr)
            members.append(f"who.{key}{k}")
            if "trusts_without" in g:
                cell(f"who.without{k}", g["trusts_without"],
                     who["suppressed"].get(f"{key}[{k}].trusts_without"), "trusts")
        adds_up(f"who.{key}", members)
    if who["by_audience_not_pooled"] == 0 and who["by_workforce_group_not_pooled"] == 0:
        relations.append({"who.by_audience": 1.0, "who.by_workforce_group": -1.0})
    support = doc["support"]
    why = support["suppressed"]
    cell("asking", support["trusts_asking"], why.get("trusts_asking"), "trusts")
    for key in ("offers", "partners", "dimensions"):
        for k, row in enumerate(support[key]):
            cell(f"support.{key}{k}", row["trusts"], why.get(f"{key}[{k}].trusts"), "trusts")
    cell("support.other", support["other_partners"], why.get("other_partners"), "trusts")
    trends = doc.get("trends")
    if trends is not None:  # each dimension's four kinds of trust add up to the trusts
        cell("trends", trends["trusts"], trends["suppressed"].get("trusts"), "trusts")
        for d in trends["dimensions"]:
            kinds = [f"trends.{d['id']}.{k}" for k in TREND_KINDS]
            for key, k in zip(kinds, TREND_KINDS, strict=True):
                cell(key, d[k], d["suppressed"].get(k), "trusts")
            adds_up("trends", kinds)
    return published, withheld, relations


def _reverse(collection: Path) -> dict[str, bool]:
    package = _pooled(collection)[0]
    return {i["id"]: i["reverse"] for i in package["questionnaire"]["items"]}


def test_no_withheld_national_figure_can_be_worked_out(collection: Path,
                                                       national: dict[str, Any]) -> None:
    published, withheld, relations = _audit_inputs(national, _reverse(collection))
    assert len(withheld) > 50  # a small collection: plenty to protect
    assert disclosed(published, withheld, relations) == []
    # primary suppression: no published trust count from 1 to 4
    small = [k for k, v in published.items() if k.startswith(("q", "dimensions", "colours", "first", "top3",
                                                              "support")) and not k.endswith((".sum", "sum"))
             and ("band" in k or "trusts" in k or k.startswith(("first", "top3", "support")))
             and 0 < v < MIN_TRUSTS]
    assert small == []


def test_the_audit_catches_a_figure_recoverable_from_a_total() -> None:
    """The audit itself: two small cells withheld in a row whose total is published are
    pinned when both must be at least 1 and they add up to 2."""
    relations = [{"a": 1.0, "b": 1.0, "c": 1.0, "total": -1.0}]
    assert disclosed({"c": 10, "total": 12}, {"a": (1, 4), "b": (1, 4)}, relations) == ["a", "b"]
    assert disclosed({"c": 10, "total": 15}, {"a": (1, 4), "b": (1, 4)}, relations) == []
    assert disclosed({"total": 15}, {"a": (1, 4), "b": (0, math.inf), "c": (1, 1)}, relations) == ["c"]


def test_every_output_shows_the_same_pattern(run: tuple[Path, str], national: dict[str, Any]) -> None:
    """HTML and Markdown print the same tables, cell for cell, and the withheld figures
    of the JSON as withheld (so all three outputs publish one pattern)."""
    out, _ = run
    html = _html_tables((out / "national.html").read_text(encoding="utf-8"))
    md = _md_tables((out / "national.md").read_text(encoding="utf-8"))
    assert [rows for rows in html.values()] == md
    words = ("fewer than", "withheld")
    shown = sum(1 for rows in html.values() for _, cells in rows for c in cells if c.startswith(words))
    assert shown >= len([p for q in national["questions"] for p in q["suppressed"]]) // 2
    for q in national["questions"]:
        rows = dict(html[f"q-{q['id']}-averages"])
        for k, label in enumerate(list(rows)[:6]):
            value = q["bands"][k]
            assert rows[label][0] == (str(value) if value is not None else
                                      _words(q["suppressed"][f"bands[{k}]"]))


def test_no_page_repeats_an_id(run: tuple[Path, str]) -> None:
    """Skip link, table and chart ids are each used once per page (a repeated id breaks
    links and screen readers' table navigation)."""
    out, _ = run
    for page in [out / "national.html", *sorted((out / "trusts").iterdir())]:
        ids = re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8"))
        assert len(ids) == len(set(ids)), (page.name, sorted({i for i in ids if ids.count(i) > 1}))


def test_the_national_report_names_no_trust_and_each_page_only_its_own(
        collection: Path, run: tuple[Path, str]) -> None:
    out, _ = run
    everyone = []
    for path in collection.iterdir():
        try:
            data = _load(path)
        except (ValueError, UnicodeDecodeError):
            continue
        everyone.append((data["trust"]["id"], data["trust"]["name"]))
    def named(text: str, ident: str, name: str) -> bool:
        text = html.unescape(text)
        return ident in text or name in text

    public = [out / "national.html", out / "national.md", out / "national.json",
              *sorted((out / "charts").iterdir())]
    for path in public:
        text = path.read_text(encoding="utf-8")
        assert not [t for t in everyone if named(text, *t)], path.name
        assert "synthetic-" not in text and "Synthetic Children" not in text
    pages = sorted((out / "trusts").iterdir())
    assert [p.stem for p in pages] == sorted(p["trust"]["id"] for p in _pooled(collection))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        own = next(name for ident, name in everyone if ident == page.stem)
        assert own in html.unescape(text)
        assert not [t for t in everyone if t[0] != page.stem and named(text, *t)]


def test_a_trust_page_places_the_trust_against_every_trust(
        collection: Path, run: tuple[Path, str], national: dict[str, Any]) -> None:
    pooled = _pooled(collection)
    trust = pooled[0]
    values = [p["positions"]["dimensions"][0]["current"] for p in pooled]
    own = trust["positions"]["dimensions"][0]["current"]
    below = sum(v < own for v in values)
    equal = sum(v == own for v in values)
    table = dict(_html_tables((run[0] / "trusts" / f"{trust['trust']['id']}.html")
                              .read_text(encoding="utf-8"))[f"trust-{national['dimensions'][0]['colour']}"])
    row = table[national["dimensions"][0]["name"]]
    assert row[0] == f"{own:.2f}"
    assert row[5] == f"{100 * (below + equal / 2) / len(values):.0f}"


def test_tidy_tables_carry_trust_ids_and_say_they_are_not_for_publication(
        collection: Path, run: tuple[Path, str]) -> None:
    import pyarrow.parquet as pq

    out, _ = run
    pooled = _pooled(collection)
    for name in ("trusts", "questions", "dimensions"):
        text = (out / f"{name}.csv").read_text(encoding="utf-8")
        assert text.startswith("# NOT FOR PUBLICATION")
        meta = pq.read_schema(out / f"{name}.parquet").metadata
        assert meta[b"owcf"].decode().startswith("NOT FOR PUBLICATION")
    rows = list(csv.DictReader(io.StringIO((out / "questions.csv").read_text(encoding="utf-8")
                                           .split("\n", 1)[1])))
    items = pooled[0]["questionnaire"]["items"]
    assert len(rows) == len(pooled) * len(items) * len(pooled[0]["categories"])
    full = next(p for p in pooled if p["kind"] == "full")
    mine = {(r["question"], r["category"]): r["count"] for r in rows
            if r["trust_id"] == full["trust"]["id"]}
    for u, item in enumerate(items[:10]):
        for c in full["categories"]:
            assert int(mine[(item["id"], c)]) == sum(r["items"]["counts"][c][u]
                                                     for r in full["cells"]["rows"])
    table = pq.read_table(out / "dimensions.parquet")
    assert set(table.column("trust_id").to_pylist()) == {p["trust"]["id"] for p in pooled}


def test_same_packages_same_bytes(collection: Path, run: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = run
    again = tmp_path / "again"
    result = runner.invoke(app, ["national", str(collection), "--out", str(again), "--jobs", "1"])
    assert result.exit_code == 0
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert [f for f in files if (out / f).read_bytes() != (again / f).read_bytes()] == []


# -- reading the outputs back -------------------------------------------------------------

class _Tables(HTMLParser):
    """Every <table id=...>: its body and foot rows as (label, [cells])."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[str, list[str]]]] = {}
        self.current: str | None = None
        self.row: list[str] | None = None
        self.text: list[str] | None = None
        self.head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.current = dict(attrs).get("id") or f"table-{len(self.tables)}"
            self.tables[self.current] = []
        elif tag == "thead":
            self.head = True
        elif tag == "tr" and self.current and not self.head:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self.head = False
        elif tag in ("td", "th") and self.row is not None and self.text is not None:
            self.row.append(" ".join("".join(self.text).split()))
            self.text = None
        elif tag == "tr" and self.row is not None and self.current:
            self.tables[self.current].append((self.row[0], self.row[1:]))
            self.row = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)


def _html_tables(text: str) -> dict[str, list[tuple[str, list[str]]]]:
    parser = _Tables()
    parser.feed(text)
    return parser.tables


def _md_tables(text: str) -> list[list[tuple[str, list[str]]]]:
    """Markdown tables in order: rows after the separator, label unbolded and unescaped."""
    tables: list[list[tuple[str, list[str]]]] = []
    lines = text.splitlines()
    for k, line in enumerate(lines):
        if line.startswith("| ---"):
            rows = []
            for row in lines[k + 1:]:
                if not row.startswith("|"):
                    break
                cells = [re.sub(r"\\(.)", r"\1", c.strip()) for c in row.strip().strip("|").split(" |")]
                label = cells[0].removeprefix("**").removesuffix("**")
                rows.append((label, [c.strip() for c in cells[1:]]))
            tables.append(rows)
    return tables


def test_bands_and_the_midpoint_follow_the_documented_edges() -> None:
    """Band k holds (lo + k w, lo + (k + 1) w], the first its lower end too; on a 1-5
    scale w = 2/3 and the midpoint 3 closes band 2, so a trust averaging exactly 3 is not
    above it."""
    from owcf.national.figures import band_of

    assert [band_of(v, 1, 5) for v in (1.0, 1.5, 5 / 3, 1.7, 3.0, 3.01, 13 / 3, 4.4, 5.0)] == [
        0, 0, 0, 1, 2, 3, 4, 5, 5]


# -- trends: packages of two rounds --------------------------------------------------------

#: the earlier round's questionnaire means, moved from the sample's (the later round)
SHIFTS = {"information_sharing": -0.6, "recruitment": 0.5}


@pytest.fixture(scope="module")
def two_rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The sample as the later round, and for each trust an earlier one written here: its
    package a year earlier, with two dimensions' questionnaire means moved (SHIFTS) and
    the rest unchanged; then owcf national over both."""
    folder = tmp_path_factory.mktemp("rounds")
    for path in sorted(SAMPLE.iterdir()):
        shutil.copyfile(path, folder / path.name)
        earlier = _load(path)
        earlier["period"] = {k: str(int(v[:4]) - 1) + v[4:] for k, v in earlier["period"].items()}
        for p in earlier["positions"]["dimensions"]:
            q = p["questionnaire"]
            if p["id"] in SHIFTS and q is not None and q["mean"] is not None:
                q["mean"] += SHIFTS[p["id"]]
        (folder / f"earlier-{path.name.removesuffix('.gz')}").write_text(
            json.dumps(earlier), encoding="utf-8")
    out = tmp_path_factory.mktemp("rounds-out")
    result = runner.invoke(app, ["national", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    n = len(_like_sample())
    assert f"{n} pooled, {n} of trusts' earlier rounds (for trends)" in result.stderr
    return out, json.loads((out / "national.json").read_text(encoding="utf-8"))


def _like_sample() -> list[Path]:
    """The sample's packages on the most common questionnaire (the others are foreign)."""
    hashes = {p: _load(p)["questionnaire"]["sha256"] for p in sorted(SAMPLE.iterdir())}
    common = max(set(hashes.values()), key=list(hashes.values()).count)
    return [p for p, h in hashes.items() if h == common]


def _expected_trends(dimension: str) -> tuple[dict[str, int], list[float]]:
    """Each trust's change on ``dimension``, tested from the two packages' figures with
    scipy's Welch test and statsmodels' Holm over the trust's dimensions compared."""
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    counts = dict.fromkeys(TREND_KINDS, 0)
    changes = []
    for path in _like_sample():
        later = {p["id"]: p["questionnaire"] for p in _load(path)["positions"]["dimensions"]}
        tested = {}
        for ident, q in later.items():
            if q is None or q["mean"] is None:
                continue
            before = q["mean"] + SHIFTS.get(ident, 0.0)
            test = stats.ttest_ind_from_stats(q["mean"], q["sd"], q["n_eff"], before, q["sd"],
                                              q["n_eff"], equal_var=False)
            tested[ident] = (q["mean"] - before, float(test.pvalue))
        reject = dict(zip(tested, multipletests([p for _, p in tested.values()],
                                                method="holm")[0], strict=True))
        if dimension not in tested:
            counts["not_compared"] += 1
            continue
        change = tested[dimension][0]
        changes.append(change)
        kind = ("stayed" if not reject[dimension] else
                "improved" if change > 0 else "fell_back")
        counts[kind] += 1
    return counts, changes


@pytest.mark.parametrize("dimension", ["information_sharing", "recruitment", "common_core"])
def test_trends_count_trusts_that_improved_stayed_or_fell_back(
        two_rounds: tuple[Path, dict[str, Any]], dimension: str) -> None:
    import numpy as np

    _, doc = two_rounds
    trends = doc["trends"]
    trusts = len(_like_sample())
    assert trends["trusts"] == trusts
    row = next(d for d in trends["dimensions"] if d["id"] == dimension)
    counts, changes = _expected_trends(dimension)
    for kind in TREND_KINDS:  # each count as expected, or withheld with its reason
        assert row[kind] == counts[kind] or (row[kind] is None and kind in row["suppressed"])
        if 0 < counts[kind] < MIN_TRUSTS:
            assert row[kind] is None and row["suppressed"][kind] == "fewer-than-min-trusts"
    q1, q2, q3 = np.percentile(changes, [25, 50, 75])
    assert row["change"]["median"] == pytest.approx(q2, rel=1e-9, abs=1e-12)
    assert (row["change"]["q1"], row["change"]["q3"]) == pytest.approx((q1, q3), rel=1e-9)
    if dimension == "information_sharing":  # moved by 0.6 in every trust: most improved,
        assert counts["improved"] >= MIN_TRUSTS  # but one small trust's change is not real:
        assert counts["stayed"] == 1 and row["improved"] is None  # 6 of 7 would give it away
        assert row["suppressed"]["improved"] == "secondary"
    if dimension == "common_core":  # unchanged: every compared trust stayed
        assert row["stayed"] == trusts - counts["not_compared"] and row["improved"] == 0


def test_trends_are_protected_and_pass_the_lp_audit(two_rounds: tuple[Path, dict[str, Any]]
                                                   ) -> None:
    out, doc = two_rounds
    reverse = {i["id"]: i["reverse"] for i in _load(sorted(SAMPLE.iterdir())[0])
               ["questionnaire"]["items"]}
    published, withheld, relations = _audit_inputs(doc, reverse)
    assert any(k.startswith("trends.") for k in withheld)  # something to protect
    assert disclosed(published, withheld, relations) == []
    small = [k for k, v in published.items() if k.startswith("trends.") and 0 < v < MIN_TRUSTS]
    assert small == []
    # the trusts are pooled once each: their latest round
    assert doc["packages"]["pooled"] == len(_like_sample())
    page = (out / "national.html").read_text(encoding="utf-8")
    assert "Change since trusts&#39; previous round" in page or \
        "Change since trusts' previous round" in page
    assert "Change since trusts' previous round" in (out / "national.md").read_text(
        encoding="utf-8")


def test_the_tidy_changes_table_gives_each_trusts_change(two_rounds: tuple[Path, dict[str, Any]]
                                                        ) -> None:
    out, _ = two_rounds
    text = (out / "changes.csv").read_text(encoding="utf-8")
    assert text.startswith("# NOT FOR PUBLICATION")
    rows = list(csv.DictReader(io.StringIO(text.split("\n", 1)[1])))
    like = _like_sample()
    assert {r["trust_id"] for r in rows} == {_load(p)["trust"]["id"] for p in like}
    mine = [r for r in rows if r["id"] == "information_sharing" and r["direction"]]
    assert {round(float(r["change"]), 9) for r in mine} == {0.6}
    counts, _ = _expected_trends("information_sharing")
    assert sum(r["direction"] == "improved" for r in mine) == counts["improved"]


def test_no_changes_table_without_earlier_rounds(run: tuple[Path, str]) -> None:
    assert not (run[0] / "changes.csv").exists() and not (run[0] / "changes.parquet").exists()
