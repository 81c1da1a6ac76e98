"""Benchmark: one trust's report, and reports for 150 trusts with ``owcf report --all``.

Targets (issue "The summary report a Children's Trust board reads"): one report in at most
2 seconds; ``--all`` uses every core.

    python benchmarks/bench_report.py [--trusts 150] [--repeat 3]

The 150 synthetic workspaces are copies of the Oxfordshire example, each with its own
responses from the example's generator (a different seed per trust). They are made once
in benchmarks/data/trusts/ (not committed). Every run is a fresh ``owcf`` process, timed
from outside, so start-up and imports count. A report's first run on a data set works
out its suppression pattern; later runs read it back: both are timed (``one_report_s``
is a later run's), each with a cache folder of its own, and ``--all`` with none filled.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EXAMPLE = REPO / "examples" / "oxfordshire"
TRUSTS = HERE / "data" / "trusts"


def make_trusts(count: int) -> Path:
    """``count`` workspaces trust-001... (made once, then reused)."""
    sys.path.insert(0, str(EXAMPLE))
    from generate_responses import generate, write  # the example's own generator

    TRUSTS.mkdir(parents=True, exist_ok=True)
    # Oxfordshire's 2009 round is no baseline of theirs: the copies have none
    text = re.sub(r"\nbaselines:\n(?:  .*\n)+", "\n",
                  (EXAMPLE / "trust.yaml").read_text(encoding="utf-8"))
    for number in range(1, count + 1):
        name = f"trust-{number:03d}"
        folder = TRUSTS / name
        if (folder / "responses.csv").exists():
            continue
        folder.mkdir(exist_ok=True)
        (folder / "trust.yaml").write_text(
            text.replace("id: oxfordshire", f"id: {name}").replace(
                "name: Oxfordshire Children and Young People's Trust",
                f"name: Synthetic Trust {number}"), encoding="utf-8")
        write(generate(seed=number), folder / "responses.csv")
    return TRUSTS


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trusts", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    owcf = str(Path(sys.executable).with_name("owcf"))
    started = time.perf_counter()
    trusts = make_trusts(args.trusts)
    print(f"{args.trusts} workspaces in {trusts} (made or found in "
          f"{time.perf_counter() - started:.0f} s)", file=sys.stderr)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        one_report = [owcf, "report", "-t", "oxfordshire", "-o", str(work / "one")]
        # the first run on a data set works its suppression pattern out; later runs read
        # it back (owcf.stats.cache): each timed with a cache folder of its own
        first = min(timed(one_report, REPO, dict(os.environ, OWCF_CACHE_DIR=str(
            work / f"first-{k}"))) for k in range(args.repeat))
        warm = dict(os.environ, OWCF_CACHE_DIR=str(work / "warm"))
        timed(one_report, REPO, warm)
        one = min(timed(one_report, REPO, warm) for _ in range(args.repeat))
        batch = {}
        for jobs in sorted({1, cores}):
            out = work / f"all-{jobs}"
            env = dict(os.environ, OWCF_TRUST_PATH=str(trusts),
                       OWCF_CACHE_DIR=str(work / f"all-{jobs}-cache"))
            batch[jobs] = timed([owcf, "--quiet", "report", "--all", "-o", str(out),
                                 "--jobs", str(jobs)], work, env)
            written = len(list(out.glob("*/report.html")))
            shutil.rmtree(out)
    result = {
        "one_report_first_run_s": round(first, 2), "one_report_s": round(one, 2),
        "one_report_target_s": 2.0,
        "all_reports": written, "cores": cores,
        **{f"all_jobs_{jobs}_s": round(seconds, 1) for jobs, seconds in batch.items()},
        "speed_up": round(batch[1] / batch[cores], 2) if cores > 1 else 1.0,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
