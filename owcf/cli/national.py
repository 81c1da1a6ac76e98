"""``owcf national``: the national picture from every trust's results package."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from owcf.cli.common import State, handled, say, show, usage


class NationalFormat(StrEnum):
    html = "html"
    md = "md"
    json = "json"
    csv = "csv"
    parquet = "parquet"


@handled
def national(
    packages: Annotated[list[Path] | None, typer.Argument(
        metavar="PACKAGES", help="Results packages (owcf share), or folders holding them "
        "(every *.json and *.json.gz inside, in name order). A path under examples/ that is "
        "not here is found among owcf's bundled examples.", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", help="Folder for the report (default: ./national).")] = None,
    formats: Annotated[list[NationalFormat] | None, typer.Option(
        "--format", "-f", help="What to write; repeat for several (default: all). html: "
        "national.html and trusts/TRUST.html; md: national.md and charts/; json: "
        "national.json; csv and parquet: the tidy tables, not for publication.")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 1, writing nothing, if any package is unreadable, breaks the "
        "schema, is a duplicate or uses another framework or questionnaire.")] = False,
    jobs: Annotated[int | None, typer.Option(
        min=1, metavar="N", help="Processes reading packages (default: every core).")] = None,
) -> None:
    """Pool trusts' results packages into the national picture, as CWDC did in 2009.

    Per question: trusts' average scores in six bands, the average by audience and
    workforce group, and the responses per answer; per dimension: trusts' positions,
    targets and priorities; and the support trusts asked for. Given packages of
    several rounds, each trust's latest is pooled and, per dimension, how many trusts
    improved, stayed or fell back since their previous round. Figures resting on
    fewer than 5 trusts or too few respondents are withheld. The report names no
    trust; trusts/TRUST.html shows one trust its own place. Problem packages are
    listed on stderr and left out.

    Example: owcf national examples/national/sample --out national
    """
    from owcf.workspace.national import FORMATS
    from owcf.workspace.national import national as run

    if not packages:
        raise usage("give the results packages, or a folder of them")
    chosen = [f.value for f in formats] if formats else list(FORMATS)
    result = run(packages, out or Path("national"), chosen, strict, jobs or os.cpu_count() or 1)
    show(list(result.problems))
    if not State.quiet:
        left = ", ".join(f"{n} {k}" for k, n in result.left_out.items() if n)
        say(f"{result.files} package files read: {result.pooled} pooled"
            + (f", {result.earlier} of trusts' earlier rounds (for trends)"
               if result.earlier else "")
            + (f", {sum(result.left_out.values())} left out ({left})" if left else ""))
    for path in result.paths:
        print(path)
