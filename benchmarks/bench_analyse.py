"""Benchmark: analysing 1,000,000 respondents by audience and workforce group.

Target (issue "Analysis a statistician would sign"): reading and analysing the file takes at
most 2x as long as ``pandas.read_csv(path, engine="pyarrow")`` of the same file.

    python benchmarks/bench_analyse.py [--respondents 1000000] [--items 40] [--repeat 3]

pyarrow, the yardstick's engine, is one of owcf's own dependencies. The data file is made once
with a fixed seed and kept in benchmarks/data/ (not committed). Each measurement runs in a
fresh process so peak memory (max RSS) belongs to that step alone; the best of --repeat
runs is reported.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

YARDSTICK = """
import resource, sys, time
import pandas as pd
t = time.perf_counter()
pd.read_csv(sys.argv[1], engine="pyarrow")
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

OWCF = """
import resource, sys, time
t0 = time.perf_counter()
from owcf.workspace.inputs import gather
from owcf.workspace.run import read_responses
from owcf.stats.analysis import analyse
from pathlib import Path
inputs, _ = gather([Path(sys.argv[1])], questionnaire=Path(sys.argv[2]))
t1 = time.perf_counter()
responses = read_responses(inputs).responses
t2 = time.perf_counter()
analyse(responses, inputs.framework, ["audience", "workforce_group"])
t3 = time.perf_counter()
print(t3 - t1, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, t2 - t1, t3 - t2, t1 - t0)
"""


def make_data(respondents: int, items: int) -> tuple[Path, Path]:
    """A responses CSV in owcf's layout and the questionnaire it answers (cached)."""
    import numpy as np
    import pandas as pd
    import yaml

    from owcf.errors import ProblemLog
    from owcf.model.framework import read_framework
    from owcf.model.questionnaire import read_questionnaire
    from owcf.resources import default_framework_path, default_questionnaire_path

    DATA.mkdir(exist_ok=True)
    csv_path = DATA / f"responses-{respondents}x{items}.csv"
    q_path = DATA / f"questionnaire-{items}.yaml"
    log = ProblemLog()
    framework = read_framework(default_framework_path(), log)
    questionnaire = read_questionnaire(default_questionnaire_path(), log, framework)
    kept = questionnaire.items[:items]
    raw = yaml.safe_load(default_questionnaire_path().read_text(encoding="utf-8"))
    raw["items"] = [i for i in raw["items"] if i["id"] in {k.id for k in kept}]
    q_path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    if csv_path.exists():
        return csv_path, q_path
    rng = np.random.default_rng(2009)
    audiences = np.array(["workforce", "leaders_managers", "children_young_people"], dtype=object)
    audience = audiences[rng.choice(3, respondents, p=[0.7, 0.1, 0.2])]
    groups = np.array([g.id for g in framework.workforce_groups], dtype=object)
    group = np.where(audience == "children_young_people", "",
                     groups[rng.integers(0, len(groups), respondents)])
    frame = {"respondent_id": [f"R{i:07d}" for i in range(respondents)], "audience": audience,
             "workforce_group": group}
    answers = np.array(["", "1", "2", "3", "4", "5", "DK", "NA"], dtype=object)
    for item in kept:
        picks = rng.choice(8, respondents, p=[0.03, 0.1, 0.2, 0.3, 0.2, 0.1, 0.04, 0.03])
        if item.audiences is not None:
            picks = np.where(np.isin(audience, list(item.audiences)), picks, 0)
        frame[item.id] = answers[picks]
    pd.DataFrame(frame).to_csv(csv_path, index=False)
    return csv_path, q_path


def run(code: str, *args: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True).stdout.split()
    return [float(v) for v in out]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    csv_path, q_path = make_data(args.respondents, args.items)
    print(f"data: {csv_path} ({csv_path.stat().st_size / 1e6:.0f} MB, "
          f"made or found in {time.perf_counter() - started:.1f} s)", file=sys.stderr)
    yard = min((run(YARDSTICK, str(csv_path)) for _ in range(args.repeat)), key=lambda r: r[0])
    ours = min((run(OWCF, str(csv_path), str(q_path)) for _ in range(args.repeat)),
               key=lambda r: r[0])
    result = {
        "respondents": args.respondents, "items": args.items,
        "pyarrow_read_s": round(yard[0], 3), "pyarrow_peak_mb": round(yard[1] / 1024),
        "owcf_read_and_analyse_s": round(ours[0], 3), "owcf_peak_mb": round(ours[1] / 1024),
        "owcf_read_s": round(ours[2], 3), "owcf_analyse_s": round(ours[3], 3),
        "owcf_import_s": round(ours[4], 3),
        "ratio": round(ours[0] / yard[0], 2), "target_ratio": 2.0,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
