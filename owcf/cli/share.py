"""``owcf share``: the trust's results package for the national body."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from owcf.cli.common import State, StrictOption, TrustOption, handled, say, show, usage


@handled
def share(
    trust: TrustOption = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="FILE", help="Write the package to FILE (default: print it on "
        "stdout); a name ending .gz is gzip-compressed.")] = None,
    protected: Annotated[bool, typer.Option(
        "--protected", help="The figures the trust's report publishes, with its disclosure "
        "control applied, instead of aggregate sums (for a recipient without a "
        "data-sharing agreement).")] = False,
    by: Annotated[list[str] | None, typer.Option(
        "--by", metavar="FIELD", help="Also split the cells by a breakdown the trust declares "
        "(they are always split by audience and workforce group); repeat for more.")] = None,
    strict: StrictOption = False,
) -> None:
    """Write the trust's results package for the national body (JSON, see docs/formats.md).

    The full package holds aggregate sums per audience and workforce group, not
    published figures, and is not for publication; no respondent-level rows, free
    text, respondent ids or personal data. The same inputs give the same bytes.

    Example: owcf share --trust oxfordshire --out oxfordshire.json
    """
    from owcf.files import write_files
    from owcf.share.package import package_bytes
    from owcf.workspace.share import share as make

    if trust is None:
        raise usage("--trust NAME is required")
    shared = make(trust, protected, by or [], strict)
    if not State.quiet:
        for line in shared.notes:
            say(line)
    show(list(shared.warnings))
    if out is None:
        sys.stdout.write(shared.text)
        return
    if out.is_dir():
        raise usage(f"--out {out} is a folder: give a file name, such as {out / (trust + '.json')}")
    data = package_bytes(shared.text, compress=out.name.endswith(".gz"))
    for path in write_files({out.name: data}, out.parent):
        print(path)
