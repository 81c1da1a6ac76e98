"""Reading results packages: every one checked, problems listed, only like pooled with like.

:func:`survey` reads the files one at a time (on worker processes for a large
collection): each is parsed, checked against the schema (:mod:`owcf.share.schema`) and
against itself (arrays as long as the framework has units, ids it knows), and boiled down
to the few arrays pooling needs (:func:`owcf.national.pool.boil`), then dropped. So
memory grows with the number of packages by a small fixed amount each, never by their
cells. Then packages from the same trust and period are duplicates, and a framework or
questionnaire whose content hash differs from the one most packages carry is foreign.
Of a trust's packages of several rounds (periods), the latest is pooled and the one
before it is kept as its previous round, for the trends.
Every such package is left out, counted by reason, and listed as a problem naming the
file and the JSON path; none is ever merged.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from owcf.errors import Problem
from owcf.national.pool import Header, Layout, TrustFigures, boil, layout_of
from owcf.progress.rounds import Round, read_round
from owcf.resources import data_dir

#: why a package was left out, in the order the checks run
LEFT_OUT = ("unreadable", "invalid", "duplicate", "foreign-framework", "foreign-questionnaire")
_CODES = {"unreadable": "file-unreadable", "invalid": "invalid-package",
          "duplicate": "duplicate-package", "foreign-framework": "foreign-framework",
          "foreign-questionnaire": "foreign-questionnaire"}
#: problems listed per package before the rest are counted
LISTED = 5


@dataclass
class Survey:
    """Pass 1's findings: the packages to pool, and what was left out and why."""

    files: int = 0
    #: the accepted packages, boiled down, in file order
    accepted: list[TrustFigures] = field(default_factory=list)
    #: their disclosure settings (the national thresholds follow the most cautious)
    disclosures: list[dict[str, Any]] = field(default_factory=list)
    #: the framework and questionnaire they share, as the first of them describes them
    layout: Layout | None = None
    problems: list[Problem] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEFT_OUT, 0))
    #: the content hashes packages are pooled on (the most common ones)
    framework: str | None = None
    questionnaire: str | None = None
    #: each accepted package's round, and the same trust's previous round (its latest
    #: earlier package, kept for trends, not pooled), parallel to ``accepted``
    rounds: list[Round] = field(default_factory=list)
    previous: list[Round | None] = field(default_factory=list)
    #: packages of a trust's earlier rounds (not pooled: only its latest round is)
    earlier: int = 0


#: file names read as results packages in a folder
SUFFIXES = (".json", ".json.gz")


def _located(path: Path) -> Path:
    """``path``; or, for a path under ``examples/`` that is not here, the same path among
    owcf's bundled examples (as ``--trust`` finds the bundled example trust)."""
    if path.exists() or not path.parts or path.parts[0] != "examples":
        return path
    bundled = data_dir("examples").joinpath(*path.parts[1:])
    return bundled if bundled.exists() else path


def package_files(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """The package files given, or found (recursively, in name order: ``*.json`` and
    ``*.json.gz``) in folders given."""
    files: list[Path] = []
    problems = []
    for given in paths:
        path = _located(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
            if not found:
                problems.append(Problem("file-not-found", "no results packages (*.json, "
                                        "*.json.gz) in this folder", file=str(given)))
            files += found
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem("file-not-found", "no such file or folder", file=str(given)))
    unique = list(dict.fromkeys(files))
    return unique, problems


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def load(path: Path) -> tuple[Any, Problem | None]:
    """The parsed JSON of ``path`` (gzip-compressed or not), or the problem that stopped it."""
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
    except (OSError, EOFError, zlib.error) as exc:
        return None, Problem("file-unreadable", f"cannot be read: "
                             f"{getattr(exc, 'strerror', None) or exc}", file=str(path))
    except UnicodeDecodeError as exc:
        return None, Problem("file-unreadable", f"is not UTF-8 text (byte {exc.start})",
                             file=str(path))
    try:
        return json.loads(text, parse_constant=_reject_constant), None
    except json.JSONDecodeError as exc:
        return None, Problem("json-syntax", f"{exc.msg} (column {exc.colno})", file=str(path),
                             line=exc.lineno)
    except (ValueError, RecursionError) as exc:
        return None, Problem("json-syntax", str(exc), file=str(path))


@dataclass(frozen=True)
class _Read:
    """One file, read on a worker: the package boiled down, or why it was left out."""

    problems: tuple[Problem, ...]
    figures: TrustFigures | None = None
    layout: Layout | None = None
    disclosure: dict[str, Any] | None = None
    round: Round | None = None


#: from this many files, they are read on worker processes
PARALLEL_FROM = 24


def survey(paths: Sequence[Path], jobs: int = 1) -> Survey:
    """Read and check every package file under ``paths``, on ``jobs`` processes."""
    files, problems = package_files(paths)
    result = Survey(files=len(files), problems=problems)
    if jobs > 1 and len(files) >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            read = list(pool.map(_read, files, chunksize=8))
    else:
        read = [_read(path) for path in files]
    kept: list[_Read] = []
    for outcome in read:
        result.problems += outcome.problems
        if outcome.figures is None:
            unreadable = any(p.code in ("file-unreadable", "json-syntax") for p in outcome.problems)
            result.left_out["unreadable" if unreadable else "invalid"] += 1
        else:
            kept.append(outcome)
    _pick(kept, result)
    return result


def checked(path: Path) -> tuple[dict[str, Any] | None, tuple[Problem, ...]]:
    """A package file parsed and checked (its JSON Schema, then its own consistency): its
    data, or None and the problems (the first :data:`LISTED`, then a count)."""
    from owcf.share.schema import violations

    data, problem = load(path)
    if problem is not None:
        return None, (problem,)
    found = violations(data) or contradictions(data)
    if found:
        listed = [Problem("invalid-package", f"at {where}: {message}", file=str(path))
                  for where, message in found[:LISTED]]
        if len(found) > LISTED:
            listed.append(Problem("too-many-problems", f"{len(found) - LISTED} more problems "
                                  "in this package not listed", file=str(path)))
        return None, tuple(listed)
    return dict(data), ()


def _read(path: Path) -> _Read:
    """Parse, check and boil down one package file."""
    data, problems = checked(path)
    if data is None:
        return _Read(problems)
    period = data["period"] or {}
    header = Header(str(path), data["kind"], data["trust"]["id"], data["trust"]["name"],
                    (period.get("start"), period.get("end")), data["framework"]["sha256"],
                    data["questionnaire"]["sha256"])
    layout = layout_of(data)
    name = period["end"][:4] if period.get("end") else "undated"
    return _Read((), boil(header, data, layout), layout, data["disclosure"],
                 read_round(data, name, str(path)))


def _pick(read: list[_Read], result: Survey) -> None:
    """Leave out duplicates and foreign frameworks or questionnaires; keep the rest."""
    headers = [r.figures.header for r in read if r.figures is not None]
    by_key: dict[tuple[str, str | None, str | None], list[Header]] = {}
    for h in headers:
        by_key.setdefault((h.trust, *h.period), []).append(h)
    kept = []
    for h, outcome in zip(headers, read, strict=True):
        twins = [o.file for o in by_key[(h.trust, *h.period)] if o is not h]
        if twins:
            result.left_out["duplicate"] += 1
            when = f"{h.period[0]} to {h.period[1]}" if h.period[0] else "no assessment period"
            result.problems.append(Problem(
                "duplicate-package", f"at $.trust.id: trust {h.trust!r}, {when}, is also in "
                f"{', '.join(twins)}; neither is pooled", file=h.file))
        else:
            kept.append((h, outcome))
    result.framework = _most_common([h.framework for h in headers])
    result.questionnaire = _most_common([h.questionnaire for h in headers
                                         if h.framework == result.framework])
    like: list[tuple[Header, _Read]] = []
    for h, outcome in kept:
        if h.framework != result.framework:
            result.left_out["foreign-framework"] += 1
            result.problems.append(Problem(
                "foreign-framework", f"at $.framework.sha256: {h.framework[:12]}… differs from "
                f"the framework most packages use ({str(result.framework)[:12]}…); not pooled",
                file=h.file))
        elif h.questionnaire != result.questionnaire:
            result.left_out["foreign-questionnaire"] += 1
            result.problems.append(Problem(
                "foreign-questionnaire", f"at $.questionnaire.sha256: {h.questionnaire[:12]}… "
                f"differs from the questionnaire most packages use "
                f"({str(result.questionnaire)[:12]}…), so its answers are not like the others'; "
                "not pooled", file=h.file))
        else:
            like.append((h, outcome))
    # a trust's latest round is pooled; its earlier ones give the trends
    latest: dict[str, tuple[str, str]] = {}
    for h, _ in like:
        dates = (h.period[1] or "", h.period[0] or "")
        latest[h.trust] = max(latest.get(h.trust, dates), dates)
    for h, outcome in like:
        if (h.period[1] or "", h.period[0] or "") != latest[h.trust]:
            result.earlier += 1
            continue
        assert outcome.figures is not None and outcome.disclosure is not None
        assert outcome.round is not None
        earlier = [(o.round, k) for k, o in like if k.trust == h.trust and k is not h
                   and o.round is not None]
        result.accepted.append(outcome.figures)
        result.disclosures.append(outcome.disclosure)
        result.layout = result.layout or outcome.layout
        result.rounds.append(outcome.round)
        result.previous.append(max(earlier, key=lambda e: (e[1].period[1] or "",
                                                           e[1].period[0] or ""))[0]
                               if earlier else None)


def _most_common(values: list[str]) -> str | None:
    """The value most packages carry; on a tie, the first in sort order (stable)."""
    if not values:
        return None
    counts = Counter(values)
    top = max(counts.values())
    return min(v for v, n in counts.items() if n == top)


# -- checks the schema cannot state ------------------------------------------------------

def contradictions(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(JSON path, message) for each way a schema-valid package contradicts itself: arrays
    not as long as the framework has units, counts not keyed by its categories, ids the
    framework or questionnaire does not have."""
    out: list[tuple[str, str]] = []
    fw, q = data["framework"], data["questionnaire"]
    colours = [c["id"] for c in fw["colours"]]
    dims = [d["id"] for d in fw["dimensions"]]
    audiences = [a["id"] for a in fw["audiences"]]
    groups = [g["id"] for g in fw["workforce_groups"]]
    items = [i["id"] for i in q["items"]]
    sizes = {"colours": len(colours), "dimensions": len(dims), "items": len(items)}
    for what, ids in (("colours", colours), ("dimensions", dims), ("audiences", audiences),
                      ("workforce_groups", groups)):
        if len(set(ids)) != len(ids):
            out.append((f"$.framework.{what}", "an id appears twice"))
    if len(set(items)) != len(items):
        out.append(("$.questionnaire.items", "an id appears twice"))
    for k, d in enumerate(fw["dimensions"]):
        if d["colour"] not in colours:
            out.append((f"$.framework.dimensions[{k}].colour", f"{d['colour']!r} is not a colour"))
    for k, item in enumerate(q["items"]):
        if item["dimension"] not in dims:
            out.append((f"$.questionnaire.items[{k}].dimension",
                        f"{item['dimension']!r} is not a dimension of the framework"))
        for a in item["audiences"] or []:
            if a not in audiences:
                out.append((f"$.questionnaire.items[{k}].audiences", f"{a!r} is not an audience"))
    scale = [float(o["value"]) for o in q["answer_scale"]]
    categories = [str(o["value"]) for o in q["answer_scale"]] + \
        [n["code"] for n in q["non_answers"]] + ["blank"]
    if data["categories"] != categories:
        out.append(("$.categories", f"expected {categories}: the answer scale, the non-answers, "
                    "then blank"))
    for scope, ids in (("dimensions", dims), ("colours", colours)):
        found = [p["id"] for p in data["positions"][scope]]
        if found != ids:
            out.append((f"$.positions.{scope}", "ids differ from the framework's, or their order"))
    for key, ids in (("by_audience", audiences), ("by_workforce_group", groups)):
        for k, entry in enumerate(data["respondents"][key] or []):
            if entry["id"] is not None and entry["id"] not in ids:
                out.append((f"$.respondents.{key}[{k}].id", f"{entry['id']!r} is unknown"))
    if data["kind"] == "full":
        fields = data["cells"]["fields"]
        for r, row in enumerate(data["cells"]["rows"]):
            where = f"$.cells.rows[{r}]"
            if list(row["by"]) != fields:
                out.append((f"{where}.by", f"keys must be {fields}"))
                continue
            if row["by"]["audience"] not in audiences:
                out.append((f"{where}.by.audience", f"{row['by']['audience']!r} is not an audience"))
            if row["by"]["workforce_group"] not in [*groups, None]:
                out.append((f"{where}.by.workforce_group",
                            f"{row['by']['workforce_group']!r} is not a workforce group"))
            for level, size in sizes.items():
                found = _lengths(row[level], f"{where}.{level}", size, categories)
                out += found or _sums(row[level], f"{where}.{level}", scale, level == "items")
    else:
        for a, analysis in enumerate(data["analyses"]):
            for g, group in enumerate(analysis["groups"]):
                where = f"$.analyses[{a}].groups[{g}]"
                if g and list(group["by"]) != analysis["by"]:
                    out.append((f"{where}.by", f"keys must be {analysis['by']}"))
                for level, size in sizes.items():
                    out += _lengths(group[level], f"{where}.{level}", size, categories)
    return out


def _sums(level: dict[str, Any], where: str, scale: list[float], items: bool
          ) -> list[tuple[str, str]]:
    """Each unit's sum and sum of squares as ``n`` answers (respondents' scores, for a
    dimension or colour) on the answer scale can make them, and an item's ``n`` its answer
    counts on the scale: figures no answers give are no package owcf wrote, and the
    national engine's linear programs need not settle on them."""
    out = []
    low, high = min(scale), max(scale)
    top = max(low * low, high * high)
    for k, (n, total, squares) in enumerate(zip(level["n"], level["sum"], level["sumsq"],
                                                strict=True)):
        slack = 1e-6 * max(1.0, abs(total), abs(squares))
        if items and n != sum(level["counts"][_label(v)][k] for v in scale):
            out.append((f"{where}.n[{k}]", f"{n} is not the item's answer counts on the scale "
                        "added up"))
        elif not (low * n - slack <= total <= high * n + slack and squares <= top * n + slack
                  and (total * total / n <= squares + slack if n else abs(squares) <= slack)):
            out.append((f"{where}.sum[{k}]", f"sum {total:g} and sumsq {squares:g} cannot come "
                        f"from {n} answers between {low:g} and {high:g}"))
    return out


def _label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _lengths(level: dict[str, Any], where: str, size: int, categories: list[str]
             ) -> list[tuple[str, str]]:
    out = []
    for name, values in level.items():
        if name in ("counts", "suppressed"):
            continue
        if len(values) != size:
            out.append((f"{where}.{name}", f"{len(values)} values for {size} units"))
    if sorted(level["counts"]) != sorted(categories):
        out.append((f"{where}.counts", "keys must be the categories"))
    else:
        for label, values in level["counts"].items():
            if len(values) != size:
                out.append((f"{where}.counts.{label}", f"{len(values)} values for {size} units"))
    return out
