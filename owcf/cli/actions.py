"""``owcf actions``: the trust's action plan, and a CI check for overdue actions."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from owcf.cli.common import (
    EXIT_INVALID,
    DataFormat,
    DataFormatOption,
    TrustOption,
    handled,
    say,
    usage,
)


@handled
def actions(
    trust: TrustOption = None,
    overdue: Annotated[bool, typer.Option(
        "--overdue", help="List only open actions past their due date; exit 1 if there are any "
        "(for CI).")] = False,
    today: Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="The date to judge due dates against (default: today).")
    ] = None,
    output: DataFormatOption = DataFormat.table,
) -> None:
    """List the trust's actions with owner, due date, status and the dimensions they address.

    Example: owcf actions --trust oxfordshire --overdue --today 2009-10-01
    """
    import datetime as dt

    from owcf.files import to_csv, to_json
    from owcf.model.workspaces import load_trust
    from owcf.publish.rows import action_rows

    if trust is None:
        raise usage("--trust NAME is required")
    try:
        when = dt.date.fromisoformat(today) if today else dt.date.today()
    except ValueError:
        raise usage(f"--today {today!r} is not a date (YYYY-MM-DD)") from None
    workspace = load_trust(trust)
    rows = action_rows(workspace, when, only_overdue=overdue)
    late = sum(bool(r["overdue"]) for r in rows)
    if output is DataFormat.json:
        sys.stdout.write(to_json({"trust": workspace.id, "today": when.isoformat(),
                                  "overdue": late, "actions": rows}))
    elif output is DataFormat.csv:
        sys.stdout.write(to_csv(rows))
    else:
        from owcf.publish.tables import print_actions

        print_actions(rows, sys.stdout, when.isoformat())
    if overdue and late:
        say(f"{late} open action{'s' if late != 1 else ''} past due on {when.isoformat()}")
        raise typer.Exit(EXIT_INVALID)
