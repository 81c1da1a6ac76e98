"""How many withheld figures of a trust's analyses a reader could work out (run by hand).

Reads the ``owcf analyse --format json`` outputs given (all of one data set: everyone,
by audience, by workforce group...), writes down every sum a reader can build from them
and the questionnaire, independently of how owcf chose what to withhold, and runs the
interval audit of tests/audit_lp.py (linear programming) on every withheld figure:

    python benchmarks/audit_disclosure.py --trust oxfordshire a.json b.json ...

prints one JSON line: figures published and withheld, true zeros withheld (from a run
with nothing withheld, ``--min-cell 1``, given as ``--truth``), and the withheld figures
whose smallest and largest consistent values lie less than 1 apart, by kind.

The sums: groups of one field add up to everyone (figure by figure: respondents, ``n``,
answer counts and sums of scores, a mean times its ``n``); an item's answers on the scale
add up to its ``n`` and, weighted by their positions, to its sum of scores; a row's
answers add up to the group's respondents when every audience is asked the item; items
add up to dimensions and dimensions to colours, answer by answer. Bounds: a figure
withheld as small lies between 1 and the threshold - 1 (a dimension's or colour's answer
count, counted per respondent, up to that many times its items); any other is at least 0.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.audit_lp import disclosed  # noqa: E402  (the tests' independent audit)

LEVELS = ("colours", "dimensions", "items")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outputs", nargs="+", type=Path)
    parser.add_argument("--trust", default="oxfordshire")
    parser.add_argument("--sample", type=int, default=0,
                        help="check this many withheld small figures (a fixed random sample) "
                             "instead of every withheld figure")
    parser.add_argument("--truth", type=Path, nargs="*", default=[],
                        help="the same runs with --min-cell 1 (nothing withheld)")
    args = parser.parse_args()
    from owcf.stats.tally import slot_positions
    from owcf.workspace.inputs import gather

    inputs, _ = gather(trust=args.trust)
    q, framework = inputs.questionnaire, inputs.framework
    everyone_asked = {i.id for i in q.items if i.audiences is None}
    positions = {i.id: slot_positions(q, framework, i) for i in q.items}
    items_of = {d.id: [i.id for i in q.items_for(d.id)] for d in framework.dimensions}
    dims_of = {c.id: [d.id for d in c.dimensions] for c in framework.colours}

    published: dict[str, float] = {}
    withheld: dict[str, tuple[float, float]] = {}
    relations: list[dict[str, float]] = []
    labels: list[str] = []
    groups_by_field: dict[str, list[str]] = {}

    def name(key: dict[str, Any], *rest: str) -> str:
        return "|".join([",".join(f"{k}={v}" for k, v in sorted(key.items())), *rest])

    def put(cell: str, value: Any, reason: str | None, upper: float) -> None:
        if value is not None:
            published[cell] = float(value)
        elif reason == "fewer-than-min-cell":
            withheld[cell] = (1.0, upper)
        else:
            withheld[cell] = (0.0, math.inf)

    for path in args.outputs:
        data = json.loads(path.read_text(encoding="utf-8"))
        labels = data["categories"]
        for g in data["groups"]:
            key, thr = g["by"], g["threshold"]
            if len(key) == 1:
                field = next(iter(key))
                groups_by_field.setdefault(field, [])
                if name(key) not in groups_by_field[field]:
                    groups_by_field[field].append(name(key))
            put(name(key, "respondents"), g["respondents"],
                (g["suppressed"] or {}).get("respondents"), thr - 1)
            for level in LEVELS:
                for e in g[level]:
                    sup = e["suppressed"] or {}
                    k = (len(items_of[e["id"]]) if level == "dimensions" else
                         sum(len(items_of[d]) for d in dims_of[e["id"]]) if level == "colours"
                         else 1)
                    put(name(key, e["id"], "n"), e["n"], sup.get("n"), thr - 1)
                    mean = e["mean"]
                    put(name(key, e["id"], "S"), None if mean is None or e["n"] is None
                        else mean * e["n"], "secondary", math.inf)
                    for lab in labels:
                        put(name(key, e["id"], lab), e["counts"][lab],
                            sup.get(f"counts.{lab}"), (thr - 1) * k)
    # every cell lives once; a figure published in one output is published
    for cell in list(withheld):
        if cell in published:
            del withheld[cell]
    scale = [lab for lab in labels if lab not in ("blank", *[n.code for n in q.non_answers])]
    units = ([c.id for c in framework.colours] + [d.id for d in framework.dimensions]
             + [i.id for i in q.items])
    keys = sorted({c.split("|")[0] for c in (*published, *withheld)})
    everyone = ""
    for members in groups_by_field.values():
        for unit_field in ["respondents"] + [f"{u}|{f}" for u in units
                                             for f in ("n", "S", *labels)]:
            relations.append({f"{everyone}|{unit_field}": -1.0,
                              **{f"{m}|{unit_field}": 1.0 for m in members}})
    for key in keys:
        for i in q.items:
            row = {f"{key}|{i.id}|{lab}": 1.0 for lab in scale}
            relations.append({**row, f"{key}|{i.id}|n": -1.0})
            pos = positions[i.id]
            relations.append({**{f"{key}|{i.id}|{lab}": float(pos[c])
                                 for c, lab in enumerate(labels) if lab in scale},
                              f"{key}|{i.id}|S": -1.0})
            if i.id in everyone_asked:
                relations.append({**{f"{key}|{i.id}|{lab}": 1.0 for lab in labels},
                                  f"{key}|respondents": -1.0})
        for lab in labels:
            for d, its in items_of.items():
                if its:
                    relations.append({f"{key}|{d}|{lab}": -1.0,
                                      **{f"{key}|{i}|{lab}": 1.0 for i in its}})
            for c, ds in dims_of.items():
                relations.append({f"{key}|{c}|{lab}": -1.0,
                                  **{f"{key}|{d}|{lab}": 1.0 for d in ds}})
    known = set(published) | set(withheld)
    relations = [r for r in relations if set(r) <= known]
    only = None
    if args.sample:
        import random
        small_cells = sorted(c for c, (lo, _) in withheld.items() if lo == 1.0)
        only = set(random.Random(0).sample(small_cells, min(args.sample, len(small_cells))))
    found = disclosed(published, withheld, relations, only=only)
    truth: dict[str, float] = {}
    for path in args.truth:
        data = json.loads(path.read_text(encoding="utf-8"))
        for g in data["groups"]:
            for level in LEVELS:
                for e in g[level]:
                    for lab in labels:
                        truth[name(g["by"], e["id"], lab)] = e["counts"][lab]
    zeros = sum(1 for c in withheld if truth.get(c) == 0)
    kinds = Counter(c.rsplit("|", 1)[-1] if c.count("|") > 1 else "respondents" for c in found)
    small = sum(1 for c in found if withheld[c][0] == 1.0)
    print(json.dumps({"published": len(published), "withheld": len(withheld),
                      "withheld_small": sum(1 for lo, _ in withheld.values() if lo == 1.0),
                      "true_zeros_withheld": zeros, "checked": len(only) if only else len(withheld),
                      "determined": len(found),
                      "determined_small": small, "determined_by_kind": dict(sorted(kinds.items())),
                      "relations": len(relations)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
