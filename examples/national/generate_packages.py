"""Generate a SYNTHETIC national collection: results packages from many trusts.

Each trust is a synthetic workspace (trust.yaml and responses.csv, made here from a
seeded random model shaped like a real return) turned into a package by owcf's own
``share`` pipeline, exactly as a trust would make it. The collection varies as a real
one would:

* sizes from a few dozen respondents to well over a thousand; some workforce groups
  missing from small trusts; some trusts with no children and young people;
* two trusts that supplied no leaders or managers (as in 2009);
* some trusts that share the *protected* package (their report's figures) instead of
  the full one;
* three trusts that tailored the questionnaire (an item dropped, one reworded): their
  answers are not like the others', so ``owcf national`` refuses them; two more whose
  tailoring block changes nothing, which are pooled;
* unless ``--no-problems``: one trust on a modified framework, one trust that sent its
  package twice, a truncated file and one that breaks the schema, so that every check
  of ``owcf national`` has something to find.

    python examples/national/generate_packages.py [--trusts 150] [--seed 2009]
        [--out national-packages] [--workspaces DIR] [--jobs N] [--no-problems]
        [--scale 1.0] [--gzip]
    owcf national national-packages/ --out national

The same seed always writes the same bytes. Nothing here is real data. The sample
committed beside this script (``sample/``, which ``owcf national --help`` uses) was made
with ``--trusts 10 --scale 0.3 --no-problems --gzip --out examples/national/sample``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from owcf.errors import ProblemLog
from owcf.model.framework import read_framework
from owcf.model.questionnaire import Questionnaire, read_questionnaire
from owcf.model.support import read_catalogue
from owcf.resources import data_dir, default_framework_path, default_questionnaire_path

GROUPS = ["early_years", "education", "health", "lscb", "social_family_community",
          "integrated_youth_support", "sport_culture"]
GROUP_SHARE = np.array([0.18, 0.30, 0.16, 0.05, 0.17, 0.08, 0.06])
GROUP_SHIFT = {"early_years": 0.15, "education": -0.2, "health": -0.1, "lscb": 0.25,
               "social_family_community": 0.1, "integrated_youth_support": 0.2,
               "sport_culture": -0.25, "": 0.0}
AUDIENCE_SHIFT = {"workforce": 0.0, "leaders_managers": 0.5, "children_young_people": -0.3}
NON_ANSWER = {"workforce": (0.05, 0.02, 0.02), "leaders_managers": (0.02, 0.01, 0.01),
              "children_young_people": (0.08, 0.03, 0.04)}
#: the item a tailored questionnaire drops
DROPPED = {"co_location_2"}
OWN_PARTNERS = ["Children's Workforce Development Council", "Regional improvement partnership",
                "Local university", "National College for School Leadership",
                "Voluntary sector infrastructure body"]


@dataclass(frozen=True)
class Plan:
    """One synthetic trust: who it is and what makes it differ."""

    number: int
    scale: float
    leaders: bool = True
    children: bool = True
    protected: bool = False
    tailored: str = ""        # "", "changes" or "same"
    foreign: bool = False     # a modified framework


def plans(count: int, seed: int, problems: bool, scale: float = 1.0) -> list[Plan]:
    """Which trust differs how: fixed by the seed."""
    rng = np.random.default_rng([seed, 0])
    numbers = list(range(1, count + 1))
    special = [int(x) for x in rng.permutation(numbers)]
    without_leaders = set(special[:2])
    tailored = {special[2]: "changes", special[3]: "changes", special[4]: "changes",
                special[5]: "same", special[6]: "same"}
    foreign = {special[7]} if problems else set()
    protected = set(special[8:8 + max(1, count // 10)])
    out = []
    for n in numbers:
        size = float(np.clip(rng.lognormal(np.log(220), 0.7), 30, 1600)) * scale
        out.append(Plan(n, size, leaders=n not in without_leaders,
                        children=bool(rng.random() < 0.7), protected=n in protected,
                        tailored=tailored.get(n, ""), foreign=n in foreign))
    return out


def trust_yaml(plan: Plan, rng: np.random.Generator, dimensions: list[str],
               offers: list[str]) -> str:
    """The workspace's trust.yaml."""
    ident = f"synthetic-{plan.number:03d}"
    lines = [
        "# SYNTHETIC trust made by examples/national/generate_packages.py: not real data.",
        "schema: owcf-trust/1",
        f"id: {ident}",
        f"name: Synthetic Children's Trust {plan.number:03d}",
        f"framework: {'framework.yaml' if plan.foreign else 'owcf'}",
    ]
    if plan.tailored == "changes":
        lines += ["questionnaire:", "  base: owcf-questionnaire", f"  drop: [{', '.join(sorted(DROPPED))}]",
                  "  reword:", "    - id: shared_vision_2",
                  "      text: I know our local vision for children and could explain it."]
    elif plan.tailored == "same":
        lines += ["questionnaire:", "  base: owcf-questionnaire"]
    else:
        lines += ["questionnaire: owcf-questionnaire"]
    lines += ["responses: [responses.csv]",
              "disclosure:", "  min_cell: 5", "  min_cell_by_audience:",
              "    children_young_people: 10",
              "plan:", "  tests:",
              "    - id: questionnaire", "      kind: questionnaire", "      colours: all",
              "      start: 2009-02-02", f"      end: 2009-0{3 + plan.number % 3}-27",
              "      participants:", "        audiences: [workforce, leaders_managers]",
              "    - id: workshop", "      kind: analysis_workshop", "      colours: all",
              f"      end: 2009-06-{10 + plan.number % 15:02d}",
              "      participants:", "        others: [Workforce development group]",
              "targets:"]
    for d in dimensions:
        lines.append(f"  {d}: {float(rng.choice([3.5, 4.0, 4.0, 4.5]))}")
    rated = [d for d in dimensions if rng.random() < 0.4]
    if rated:
        lines += ["evidence:", "  - id: workshop-ratings", "    test: workshop",
                  "    date: 2009-06-01", "    ratings:"]
        lines += [f"      {d}: {float(rng.choice([1.5, 2.0, 2.5, 3.0, 3.5]))}" for d in rated]
    accepted = sorted(rng.choice(offers, size=int(rng.integers(0, 4)), replace=False).tolist())
    lines += ["support:", "  catalogue: owcf-support", f"  accepted: [{', '.join(accepted)}]"]
    if rng.random() < 0.5:
        partner = OWN_PARTNERS[int(rng.integers(len(OWN_PARTNERS)))]
        asked = sorted(rng.choice(dimensions, size=2, replace=False).tolist())
        lines += ["  own:", "    - title: Help to plan joint training", f"      partner: {partner}",
                  f"      dimensions: [{', '.join(asked)}]"]
    lines += ["planned_actions:", "  focus_areas:",
              "    - text: Work better together across agencies to share information.",
              "    - text: Equip all staff with the common core skills and knowledge.",
              "actions:"]
    for k in range(1, 4):
        lines += [f"  - id: {k}", f"    text: Synthetic action {k}.",
                  f"    due: 2009-{8 + k:02d}-30", "    owner: Synthetic owner",
                  f"    dimensions: [{dimensions[int(rng.integers(len(dimensions)))]}]"]
    return "\n".join(lines) + "\n"


def responses(plan: Plan, rng: np.random.Generator, questionnaire: Questionnaire,
              dimensions: list[str]) -> list[list[str]]:
    """The trust's synthetic respondents as CSV rows, heading first."""
    items = [i for i in questionnaire.items if i.id not in DROPPED or plan.tailored != "changes"]
    truth = rng.uniform(2.0, 3.8, len(dimensions)) + rng.normal(0, 0.25)
    dim_index = {d: k for k, d in enumerate(dimensions)}
    people: list[tuple[str, str]] = []
    staff = rng.poisson(plan.scale * GROUP_SHARE)
    for group, count in zip(GROUPS, staff.tolist(), strict=True):
        people += [("workforce", group)] * count
        if plan.leaders:
            people += [("leaders_managers", group)] * int(rng.poisson(0.18 * count))
    if plan.children:
        people += [("children_young_people", "")] * int(rng.poisson(0.35 * plan.scale))
    n = len(people)
    base = truth[[dim_index[i.dimension] for i in items]]
    shift = np.array([AUDIENCE_SHIFT[a] + GROUP_SHIFT[g] for a, g in people])
    person = rng.normal(0, 0.45, n)
    view = rng.normal(0, 0.55, (n, len(dimensions)))[:, [dim_index[i.dimension] for i in items]]
    latent = base[None, :] + shift[:, None] + person[:, None] + view + rng.normal(0, 0.5, (n, len(items)))
    answer = np.clip(np.rint(latent), 1, 5).astype(int)
    draw = rng.random((n, len(items)))
    rows = [["respondent_id", "audience", "workforce_group", *(i.id for i in items)]]
    for r, (audience, group) in enumerate(people):
        dk, na, blank = NON_ANSWER[audience]
        row = [f"S{plan.number:03d}-{r + 1:05d}", audience, group]
        for j, item in enumerate(items):
            x = draw[r, j]
            if not item.asked_of(audience) or x < blank:
                row.append("")
            elif x < blank + dk:
                row.append("DK")
            elif x < blank + dk + na:
                row.append("NA")
            else:
                value = int(answer[r, j])
                row.append(str(6 - value if item.reverse else value))
        rows.append(row)
    return rows


def make_workspace(plan: Plan, seed: int, folder: Path) -> None:
    """Write the plan's workspace (trust.yaml, responses.csv, its framework if foreign)."""
    log = ProblemLog()
    framework = read_framework(default_framework_path(), log)
    questionnaire = read_questionnaire(default_questionnaire_path(), log, framework)
    catalogue = read_catalogue(data_dir("frameworks") / "owcf-support.yaml", log, framework)
    assert framework is not None and questionnaire is not None and catalogue is not None
    rng = np.random.default_rng([seed, plan.number])
    dimensions = [d.id for d in framework.dimensions]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "trust.yaml").write_text(
        trust_yaml(plan, rng, dimensions, [o.id for o in catalogue.offers]), encoding="utf-8")
    with (folder / "responses.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            responses(plan, rng, questionnaire, dimensions))
    if plan.foreign:  # the same framework with one dimension's description changed
        text = default_framework_path().read_text(encoding="utf-8")
        (folder / "framework.yaml").write_text(
            text.replace("description: >-", "description: >-\n      (Locally amended.)", 1),
            encoding="utf-8")


def make_package(job: tuple[Plan, int, Path, Path, bool]) -> str:
    """One trust's workspace and package; returns the package's file name."""
    from owcf.share.package import package_bytes
    from owcf.workspace.share import share

    plan, seed, workspaces, out, compress = job
    folder = workspaces / f"synthetic-{plan.number:03d}"
    make_workspace(plan, seed, folder)
    shared = share(folder, protected=plan.protected)
    name = f"synthetic-{plan.number:03d}.json" + (".gz" if compress else "")
    (out / name).write_bytes(package_bytes(shared.text, compress))
    return name


def add_problems(out: Path, plans_made: list[Plan]) -> None:
    """A package sent twice, a truncated file and one that breaks the schema."""
    ordinary = [p for p in plans_made if not (p.foreign or p.tailored or p.protected)]
    twice, cut, broken = ordinary[0], ordinary[1], ordinary[2]
    source = out / f"synthetic-{twice.number:03d}.json"
    shutil.copyfile(source, out / f"synthetic-{twice.number:03d}-resent.json")
    text = (out / f"synthetic-{cut.number:03d}.json").read_text(encoding="utf-8")
    (out / "truncated-upload.json").write_text(text[: len(text) // 2], encoding="utf-8")
    data = json.loads((out / f"synthetic-{broken.number:03d}.json").read_text(encoding="utf-8"))
    data["trust"]["id"] = "synthetic-broken"
    data["cells"]["rows"][0]["items"]["n"][0] = -1
    (out / "synthetic-broken.json").write_text(json.dumps(data), encoding="utf-8")


def generate(out: Path, trusts: int = 150, seed: int = 2009, problems: bool = True,
             workspaces: Path | None = None, jobs: int = 1, scale: float = 1.0,
             compress: bool = False) -> list[Path]:
    """Write the collection into ``out``; returns the package files written."""
    out.mkdir(parents=True, exist_ok=True)
    made = plans(trusts, seed, problems, scale)
    with tempfile.TemporaryDirectory() as scratch:
        base = workspaces or Path(scratch)
        work = [(plan, seed, base, out, compress) for plan in made]
        if jobs > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                names = list(pool.map(make_package, work, chunksize=4))
        else:
            names = [make_package(job) for job in work]
    if problems:
        add_problems(out, made)
    return sorted(out / n for n in set(names) | set(os.listdir(out))
                  if n.endswith((".json", ".json.gz")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("national-packages"))
    parser.add_argument("--trusts", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2009)
    parser.add_argument("--workspaces", type=Path, default=None,
                        help="keep the synthetic workspaces in this folder")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-problems", action="store_true",
                        help="leave out the foreign, duplicate, truncated and broken packages")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every trust's number of respondents")
    parser.add_argument("--gzip", action="store_true", help="write NAME.json.gz")
    args = parser.parse_args()
    if args.trusts < 10:
        parser.error("--trusts must be at least 10 (the collection has special trusts)")
    started = time.perf_counter()
    if args.gzip and not args.no_problems:
        parser.error("--gzip goes with --no-problems (the problem files are plain JSON)")
    files = generate(args.out, args.trusts, args.seed, not args.no_problems, args.workspaces,
                     args.jobs, args.scale, args.gzip)
    print(f"wrote {len(files)} package files to {args.out} in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
