"""Benchmark: ``owcf national`` over 150 and 1,500 packages, and ``owcf share``.

Targets (issue "Share results with the national body"): ``owcf national`` over 150
packages in at most 10 s on a 2-core machine, memory growing no faster than the number of
packages (1,500 is ten rounds' worth); ``owcf share --trust oxfordshire`` in at most the
time of ``owcf analyse --trust oxfordshire --format json`` plus 20%.

    python benchmarks/bench_national.py [--repeat 3] [--skip-1500] [--audit]

The 150 packages are the synthetic national collection
(examples/national/generate_packages.py, seed 2009, with its problem files), made once in
benchmarks/data/national-150/ (not committed). The 1,500 are those 150 as ten rounds:
copies with each year of the assessment period moved on by the round, so no two are
duplicates. Every run is a fresh ``owcf`` process, timed from outside, so start-up and
imports count; the CPU time (user + system, the process and its workers) is reported
beside the wall-clock time, because a shared machine's wall clock says more about the
neighbours than about owcf. Peak memory is the largest resident set of the process or
any of its workers (``wait4``). ``--audit`` also runs the test suite's independent
linear-programming disclosure audit (tests/audit_lp.py) on the 150-trust national.json,
and checks that national.html and national.md print the same tables cell for cell.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"


def collection() -> Path:
    """The 150-trust synthetic collection (made once)."""
    folder = DATA / "national-150"
    if not (folder / "synthetic-150.json").exists():
        sys.path.insert(0, str(REPO / "examples" / "national"))
        from generate_packages import generate

        started = time.perf_counter()
        generate(folder, trusts=150, seed=2009, jobs=os.cpu_count() or 1)
        print(f"made the 150-trust collection in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
    return folder


def rounds(source: Path, count: int = 10) -> Path:
    """``count`` rounds of the collection (made once): each package's period moved on by
    the round's number of years. Problem files are copied as they are."""
    folder = DATA / f"national-{count * 150}"
    if (folder / f"round-{count - 1:02d}").exists():
        return folder
    from owcf.share.package import package_text

    for k in range(count):
        target = folder / f"round-{k:02d}"
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                period = data["period"]
                for end in ("start", "end"):
                    period[end] = f"{int(period[end][:4]) + k}{period[end][4:]}"
                (target / path.name).write_text(package_text(data), encoding="utf-8")
            except (ValueError, KeyError, TypeError):
                shutil.copyfile(path, target / path.name)
    return folder


def measure(args: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak resident MB) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def best(args: list[str], cwd: Path, repeat: int) -> dict[str, float]:
    runs = [measure(args, cwd) for _ in range(repeat)]
    return {"wall_s": round(min(r[0] for r in runs), 2),
            "wall_median_s": round(sorted(r[0] for r in runs)[len(runs) // 2], 2),
            "cpu_s": round(min(r[1] for r in runs), 2),
            "peak_mb": round(max(r[2] for r in runs), 1)}


def audit(out: Path, packages: Path) -> dict[str, object]:
    """The LP audit of a national report, and HTML against Markdown."""
    sys.path.insert(0, str(REPO))
    from tests.audit_lp import disclosed
    from tests.test_national import _audit_inputs, _html_tables, _md_tables

    package = json.loads(next(iter(sorted(packages.glob("synthetic-*.json")))).read_text())
    reverse = {i["id"]: i["reverse"] for i in package["questionnaire"]["items"]}
    doc = json.loads((out / "national.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    published, withheld, relations = _audit_inputs(doc, reverse)
    found = disclosed(published, withheld, relations)
    html = _html_tables((out / "national.html").read_text(encoding="utf-8"))
    md = _md_tables((out / "national.md").read_text(encoding="utf-8"))
    return {"published": len(published), "withheld": len(withheld),
            "relations": len(relations), "disclosed": found,
            "html_equals_markdown": list(html.values()) == md,
            "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-1500", action="store_true")
    parser.add_argument("--audit", action="store_true")
    args = parser.parse_args()
    owcf = str(Path(sys.executable).with_name("owcf"))
    result: dict[str, object] = {"cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        small = collection()
        result["national_150"] = best([owcf, "-q", "national", str(small), "-o",
                                       str(work / "n150")], work, args.repeat)
        result["national_150_target_s"] = 10.0
        if args.audit:
            result["audit_150"] = audit(work / "n150", small)
        if not args.skip_1500:
            large = rounds(small)
            result["national_1500"] = best([owcf, "-q", "national", str(large), "-o",
                                            str(work / "n1500")], work, 1)
        analyse = best([owcf, "-q", "analyse", "--trust", "oxfordshire", "--format", "json"],
                       work, args.repeat * 3)
        share = best([owcf, "-q", "share", "--trust", "oxfordshire", "--out",
                      str(work / "ox.json")], work, args.repeat * 3)
        result["analyse_json"] = analyse
        result["share"] = share
        result["share_over_analyse"] = round(share["wall_s"] / analyse["wall_s"], 2)
        result["share_over_analyse_cpu"] = round(share["cpu_s"] / analyse["cpu_s"], 2)
        result["share_target"] = 1.2
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
