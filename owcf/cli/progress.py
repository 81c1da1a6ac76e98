"""``owcf progress``: how far the trust has moved since an earlier round."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from owcf.cli.common import (
    DataFormat,
    DataFormatOption,
    State,
    TrustOption,
    handled,
    say,
    show,
    usage,
)


@handled
def progress(
    trust: TrustOption = None,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="ROUND", help="The baseline round to compare with, as trust.yaml's "
        "'baselines:' names it (default: the last one listed).")] = None,
    output: DataFormatOption = DataFormat.table,
) -> None:
    """Change since an earlier round per dimension and colour, with 95% intervals.

    A change is flagged real only when it holds after Holm's adjustment over the
    dimensions compared. Also: targets reached, nearer or further; the change in each
    source of evidence; the actions due since the baseline. Only what both rounds
    measured alike is compared; the rest is listed with its reason.

    Example: owcf progress --trust oxfordshire
    """
    from owcf.files import to_csv, to_json
    from owcf.publish.rows import progress_rows
    from owcf.workspace.progress import progress as run

    if trust is None:
        raise usage("--trust NAME is required")
    found = run(trust, since)
    if not State.quiet:
        for line in found.notes:
            say(line)
    show(list(found.warnings))
    if output is DataFormat.json:
        sys.stdout.write(to_json(found.progress.to_dict()))
    elif output is DataFormat.csv:
        sys.stdout.write(to_csv(progress_rows(found.progress)))
    else:
        from owcf.publish.tables import print_progress

        print_progress(found.progress, sys.stdout)
