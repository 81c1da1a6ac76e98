"""How often a reader could work out a withheld figure, on random small data sets (run by
hand): the interval audit of tests/audit_lp.py over every run of each data set read
together (everyone, by audience, by workforce group, the two crossed).

    python benchmarks/audit_random.py --sets 40 --seed 1
    python benchmarks/audit_random.py --sets 20 --team undeclared

``--team`` gives each respondent a random team too (red, blue or none) and adds the runs
by team and by audience crossed with team: a field the trust declares (one of its
breakdowns, in the data set's pattern), that and its crossing with audience (declared
under ``crossings:``, in the pattern too), or a field it does not declare (a pattern
extended by the run). ``--team crossed-three`` declares audience × workforce group ×
team as well, and adds its run.

The data sets use the tests' tiny framework (six items, three audiences, two workforce
groups and none), 1 to 40 respondents answering at random, thresholds 3 to 8 and the
children's 0 to 12. Prints one JSON line: data sets, how many let a reader work out at
least one withheld figure, and the figures published, withheld and worked out.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.audit_lp import disclosed, is_figure, reader, withheld_as_small  # noqa: E402  (the tests' independent audit)

RUNS = ((), ("audience",), ("workforce_group",), ("audience", "workforce_group"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--team", default="none",
                        choices=("none", "declared", "crossed", "crossed-three", "undeclared"))
    args = parser.parse_args()
    import pandas as pd

    from owcf.errors import ProblemLog
    from owcf.model.framework import read_framework
    from owcf.model.questionnaire import read_questionnaire
    from owcf.stats.analysis import analyse
    from tests.conftest import TINY_FRAMEWORK, TINY_QUESTIONNAIRE, write
    from tests.test_statistics import ANSWERS, AUDIENCES, WORKFORCE_GROUPS, _routed, build

    root = Path(tempfile.mkdtemp())
    log = ProblemLog()
    framework = read_framework(write(root / "f.yaml", TINY_FRAMEWORK), log)
    q = read_questionnaire(write(root / "q.yaml", TINY_QUESTIONNAIRE), log, framework)
    rng = random.Random(args.seed)
    leaking = published = withheld = found = found_small = 0
    start = time.perf_counter()
    for _ in range(args.sets):
        size, min_cell, children = rng.randint(1, 40), rng.randint(3, 8), rng.randint(0, 12)
        rows = [(rng.choice(AUDIENCES), rng.choice(WORKFORCE_GROUPS),
                 {i.id: rng.choice(ANSWERS) for i in q.items}) for _ in range(size)]
        responses = build(q, _routed(q, rows))
        runs = RUNS
        if args.team != "none":
            teams = [rng.choice(["red team", "blue team", None]) for _ in rows]
            responses.respondents["team"] = pd.Series(teams, dtype=object)
            runs = (*RUNS, ("team",), ("audience", "team"))
        three = ("audience", "workforce_group", "team")
        if args.team == "crossed-three":
            runs = (*runs, three)
        breakdowns = None if args.team in ("none", "undeclared") else ["team"]
        crossings = {"crossed": [("audience", "team")],
                     "crossed-three": [("audience", "team"), three]}.get(args.team, [])
        outputs = [analyse(responses, framework, by, min_cell, breakdowns=breakdowns,
                           crossings=crossings,
                           min_cell_by_audience={"young_people": children}).to_dict()
                   for by in runs]
        shown, hidden, relations = reader(outputs, framework, q)
        cells = disclosed(shown, hidden, relations)
        leaking += bool(cells)
        published += len(shown)
        withheld += sum(map(is_figure, hidden))
        found += len(cells)
        found_small += sum(1 for c in cells if withheld_as_small(hidden[c]))
    print(json.dumps({"sets": args.sets, "seed": args.seed, "team": args.team,
                      "sets_with_a_figure_worked_out": leaking,
                      "published": published, "withheld": withheld, "worked_out": found,
                      "worked_out_small": found_small,
                      "seconds": round(time.perf_counter() - start, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
