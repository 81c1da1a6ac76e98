"""How many withheld figures of a trust's analyses a reader could work out (run by hand).

Reads the ``owcf analyse --format json`` outputs given (all of one data set: everyone,
by audience, by workforce group...), writes down every sum a reader can build from them
and the questionnaire, independently of how owcf chose what to withhold, and runs the
interval audit of tests/audit_lp.py (linear programming) on every withheld figure:

    python benchmarks/audit_disclosure.py --trust oxfordshire a.json b.json ...

prints one JSON line: figures published and withheld, true zeros withheld (against the
same runs with nothing withheld, worked out here from the trust's responses), and the
withheld figures whose smallest and largest consistent values lie less than 1 apart, by
kind. The sums a reader can build are :func:`tests.audit_lp.reader`'s.
``--unpublish dimension-counts`` (``colour-counts``, ``non-answers``) asks what a reader
could work out if the outputs did not state those answer counts at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.audit_lp import LEVELS, disclosed, is_figure, name, reader, withheld_as_small  # noqa: E402  (the tests' independent audit)

# figures a what-if reads as unpublished: (the levels they are at, the answers; None: all)
FAMILIES = {"dimension-counts": (("dimensions",), None), "colour-counts": (("colours",), None),
            "non-answers": (LEVELS, ("DK", "NA", "blank"))}


def _unpublish(outputs: list[dict], levels: tuple[str, ...], labels: tuple[str, ...] | None
               ) -> None:
    """Blank these answer counts, with no reason given: a reader knows only that each is
    at least 0, as if no output stated them."""
    for data in outputs:
        for g in data["groups"]:
            for level in levels:
                for e in g[level]:
                    for lab in e["counts"]:
                        if labels is None or lab in labels:
                            e["counts"][lab] = None
                            (e["suppressed"] or {}).pop(f"counts.{lab}", None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outputs", nargs="+", type=Path)
    parser.add_argument("--trust", default="oxfordshire")
    parser.add_argument("--sample", type=int, default=0,
                        help="check this many withheld small figures (a fixed random sample) "
                             "instead of every withheld figure")
    parser.add_argument("--show", type=int, default=0,
                        help="print this many of the withheld figures a reader can work out")
    parser.add_argument("--unpublish", action="append", default=[], choices=sorted(FAMILIES),
                        help="read the outputs as if they did not publish these figures (a "
                             "what-if: the pattern was chosen with them published); only "
                             "figures the outputs withhold are counted as worked out")
    args = parser.parse_args()
    from owcf.stats.analysis import analyse
    from owcf.workspace.inputs import gather
    from owcf.workspace.run import read_responses

    inputs, _ = gather(trust=args.trust)
    outputs = [json.loads(path.read_text(encoding="utf-8")) for path in args.outputs]
    published, withheld, relations = reader(outputs, inputs.framework, inputs.questionnaire)
    withheld_by_owcf = {c: b for c, b in withheld.items() if is_figure(c)}
    if args.unpublish:  # (read again, as if those figures were never stated)
        for family in args.unpublish:
            _unpublish(outputs, *FAMILIES[family])
        published, withheld, relations = reader(outputs, inputs.framework, inputs.questionnaire)
    labels = outputs[0]["categories"]

    only = None
    if args.sample:
        import random
        small_cells = sorted(c for c, b in withheld_by_owcf.items() if withheld_as_small(b))
        only = set(random.Random(0).sample(small_cells, min(args.sample, len(small_cells))))
    found = [c for c in disclosed(published, withheld, relations, only=only)
             if c in withheld_by_owcf]
    truth: dict[str, float] = {}
    # (not ``--min-cell 1`` on the command line: a trust's thresholds by audience still
    # raise that, and would withhold figures from the truth too)
    responses = read_responses(inputs).responses
    for by in {tuple(data["by"]) for data in outputs}:
        data = analyse(responses, inputs.framework, by, 1, breakdowns=inputs.breakdowns).to_dict()
        for g in data["groups"]:
            for level in LEVELS:
                for e in g[level]:
                    for lab in labels:
                        truth[name(g["by"], e["id"], lab)] = e["counts"][lab]
    zeros = sum(1 for c in withheld_by_owcf if truth.get(c) == 0)
    kinds = Counter(c.rsplit("|", 1)[-1] if c.count("|") > 1 else "respondents" for c in found)
    small = sum(1 for c in found if withheld_as_small(withheld_by_owcf[c]))
    if args.show:
        for c in sorted(found)[:args.show]:
            print(c, withheld[c], file=sys.stderr)
    print(json.dumps({"published": len(published), "withheld": len(withheld_by_owcf),
                      "withheld_small": sum(map(withheld_as_small, withheld_by_owcf.values())),
                      "true_zeros_withheld": zeros, "checked": len(only) if only else len(withheld_by_owcf),
                      "determined": len(found),
                      "determined_small": small, "determined_by_kind": dict(sorted(kinds.items())),
                      "relations": len(relations)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
