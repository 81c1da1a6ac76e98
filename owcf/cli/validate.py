"""``owcf validate``: every problem in every file, checked against each other."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from owcf.cli.common import (
    EXIT_INVALID,
    MaxCellsOption,
    State,
    TextFormat,
    TrustOption,
    handled,
    say,
    usage,
)
from owcf.errors import Severity
from owcf.model.sources import MAX_CELLS


@handled
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="PATH", help="Framework, questionnaire, trust or mapping YAML, responses "
        "file, or workspace folder (default: --trust NAME, else the current folder).",
        show_default=False)] = None,
    trust: TrustOption = None,
    output: Annotated[TextFormat, typer.Option("--format", "-f", help="Output format.")
                      ] = TextFormat.text,
    max_cells: MaxCellsOption = MAX_CELLS,
) -> None:
    """Check files against each other and list every problem (exit 1 if any error).

    Example: owcf validate --trust oxfordshire
    """
    from owcf.files import to_json
    from owcf.model.workspaces import TRUST_FILE, find_workspace
    from owcf.workspace.validate import validate_paths

    targets = list(paths or [])
    if trust is not None:
        targets.append(find_workspace(trust))
    if not targets:
        if not Path(TRUST_FILE).is_file():
            raise usage(f"no {TRUST_FILE} here: give PATHs or --trust NAME")
        targets = [Path(".")]
    result = validate_paths(targets, max_cells)
    if output is TextFormat.json:
        sys.stdout.write(to_json(result.to_dict()))
    else:
        for problem in result.problems:
            if not (State.quiet and problem.severity is Severity.WARNING):
                print(problem)
        errors = sum(p.severity is Severity.ERROR for p in result.problems)
        warnings = len(result.problems) - errors
        verdict = "valid" if result.ok else "INVALID"
        say(f"{verdict}: {len(result.files)} files checked, {errors} errors, {warnings} warnings")
    if not result.ok:
        raise typer.Exit(EXIT_INVALID)
