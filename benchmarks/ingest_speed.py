"""How long ingesting a million respondents takes, against reading the file with pandas.

The target (issue 3): ingesting a 1,000,000-respondent file of 40 items in owcf's own
layout takes at most 1.5 times as long as ``pandas.read_csv(path, engine="pyarrow")``
of the same file. Both are timed in this one run, alternately, and the medians compared.

"Ingesting" is what ``owcf analyse FILE`` does before it analyses: read and decode the
file, detect its layout, map every column and answer, check every row (repeated ids
included), and build the accepted responses and the reconciliation. Pseudonyms and the
file's SHA-256 are made only for written files, so they are timed with the writing of
the three output files (``owcf ingest``), separately.

    python benchmarks/ingest_speed.py [--rows 1000000] [--repeat 5] [--regenerate]
                                      [--data DIR] [--check]

The data (synthetic, seeded) is written once to benchmarks/data/ (git-ignored). The
decode-and-parse step is timed on its own too, to show what the rest of ingest costs.
``--check`` exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from owcf.errors import ProblemLog
from owcf.ingest.pipeline import ingest
from owcf.ingest.sheet import read_sheet
from owcf.ingest.write import render
from owcf.model.framework import Framework, read_framework
from owcf.model.questionnaire import Questionnaire, read_questionnaire
from owcf.resources import default_framework_path, default_questionnaire_path

HERE = Path(__file__).resolve().parent
ITEMS = 40
TARGET = 1.5


def questionnaire_and_framework() -> tuple[Questionnaire, Framework]:
    """The bundled questionnaire cut to its first 40 items, and the bundled framework."""
    log = ProblemLog()
    framework = read_framework(default_framework_path(), log)
    questionnaire = read_questionnaire(default_questionnaire_path(), log, framework)
    assert framework and questionnaire, log.problems
    return dataclasses.replace(questionnaire, items=questionnaire.items[:ITEMS]), framework


def generate(path: Path, rows: int, questionnaire: Questionnaire, framework: Framework) -> None:
    """owcf's wide layout: ids, audience, group, time, 40 answers, a few comments."""
    rng = np.random.default_rng(2009)
    audiences = np.array([a.id for a in framework.audiences])
    groups = np.array([g.id for g in framework.workforce_groups] + [""])
    audience = audiences[rng.choice(len(audiences), rows, p=[0.6, 0.15, 0.25])]
    columns = {
        "respondent_id": pa.array(np.char.add("R", np.char.zfill(np.arange(rows).astype(str), 7))),
        "audience": pa.array(audience),
        "workforce_group": pa.array(np.where(audience == "children_young_people", "",
                                             groups[rng.integers(0, len(groups) - 1, rows)])),
        "submitted": pa.array(np.datetime_as_string(
            np.datetime64("2009-01-23T08:00") + rng.integers(0, 86400 * 120, rows)
            .astype("timedelta64[s]"), unit="s")),
    }
    answers = np.array(["1", "2", "3", "4", "5", "DK", "NA", ""])
    weights = [0.08, 0.17, 0.3, 0.25, 0.1, 0.05, 0.02, 0.03]
    for item in questionnaire.items:
        cells = answers[rng.choice(len(answers), rows, p=weights)]
        if item.audiences is not None:
            cells = np.where(np.isin(audience, item.audiences), cells, "")
        columns[item.id] = pa.array(cells)
    comments = np.array(["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
                         "", "More joint training, please.", "Information sharing has improved"])
    columns["comment"] = pa.array(comments[rng.integers(0, len(comments), rows)])
    quoted = pc.if_else(pc.match_substring(columns["comment"], ","),
                        pc.binary_join_element_wise('"', columns["comment"], '"', ""),
                        columns["comment"])
    lines = pc.binary_join_element_wise(*list(columns.values())[:-1], quoted, ",")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(columns) + "\n")
        for chunk in range(0, rows, 100_000):
            handle.write("\n".join(lines[chunk:chunk + 100_000].to_pylist()) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)
    questionnaire, framework = questionnaire_and_framework()
    path = args.data / f"owcf-{args.rows}x{ITEMS}.csv"
    if args.regenerate or not path.exists():
        print(f"writing {path} ...", file=sys.stderr)
        generate(path, args.rows, questionnaire, framework)
    size = path.stat().st_size

    def baseline() -> int:
        return len(pd.read_csv(path, engine="pyarrow"))

    def parse_only() -> int:
        sheet = read_sheet(path, ProblemLog())
        assert sheet is not None
        return sheet.n_records

    def owcf_ingest() -> int:
        log = ProblemLog()
        result = ingest(path, questionnaire, framework, log)
        assert result is not None, log.problems
        counts = result.counts()
        assert counts["rows_read"] == args.rows, counts
        return len(result.responses)

    def owcf_ingest_and_write() -> int:
        log = ProblemLog()
        result = ingest(path, questionnaire, framework, log)
        assert result is not None
        return sum(len(data) for data in render(result, "bench").values())

    runs = {"pandas": baseline, "ingest": owcf_ingest, "parse": parse_only,
            "ingest+write": owcf_ingest_and_write}
    labels = {"pandas": 'pandas.read_csv(path, engine="pyarrow")',
              "ingest": "owcf ingest (read, map, check)",
              "parse": "  of which: owcf decode and parse only",
              "ingest+write": "owcf ingest, pseudonymise, render 3 files"}
    timings: dict[str, list[float]] = {name: [] for name in runs}
    baseline()  # warm the page cache, so no side pays for the first read of the disk
    for _ in range(args.repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            timings[name].append(time.perf_counter() - start)

    median = {name: statistics.median(values) for name, values in timings.items()}
    print(f"file: {path.name}, {size / 1e6:.0f} MB, {args.rows:,} respondents x {ITEMS} items, "
          f"{os.cpu_count()} cores")
    print(f"{'':46} {'median':>7} {'min':>7}  (seconds, {args.repeat} runs each, alternating)")
    for name, values in timings.items():
        print(f"{labels[name]:46} {median[name]:7.2f} {min(values):7.2f}")
    ratio = median["ingest"] / median["pandas"]
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"ingest / pandas = {ratio:.2f} ({verdict} the target of at most {TARGET})")
    return 1 if args.check and ratio > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
