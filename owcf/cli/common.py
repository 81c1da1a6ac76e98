"""What every command shares: global state (--debug, --quiet), the one place user-facing
errors become messages and exit codes, and the option types commands reuse.

Exit status: 0 ok; 1 the data or configuration is invalid or a check failed; 2 usage
error; 3 an internal error (a bug: please report it with the ``--debug`` traceback).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from owcf import __version__
from owcf.errors import OwcfError, Problem, Severity
from owcf.model.sources import BYTES_BESIDES, BYTES_PER_CELL, Platform

EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3
F = TypeVar("F", bound=Callable[..., Any])


class State:
    debug = False
    quiet = False


def say(message: str) -> None:
    """A diagnostic line on stderr."""
    print(message, file=sys.stderr)


def show(problems: list[Problem] | tuple[Problem, ...]) -> None:
    """Problems on stderr, one per line; warnings not under --quiet."""
    for problem in problems:
        if problem.severity is Severity.WARNING and State.quiet:
            continue
        say(str(problem))


def handled(func: F) -> F:
    """Translate user-facing errors into messages and exit codes, in this one place."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OwcfError as exc:
            if State.debug:
                raise
            show(exc.problems)
            raise typer.Exit(EXIT_INVALID) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if State.debug:
                raise
            say(f"owcf: internal error: {type(exc).__name__}: {exc} "
                "(rerun with --debug for the traceback)")
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]  # wraps keeps the signature typer reads


def usage(message: str) -> typer.Exit:
    """A usage error (exit 2), to raise: ``raise usage("...")``."""
    say(f"Usage error: {message}")
    return typer.Exit(EXIT_USAGE)


def _version(value: bool) -> None:
    if value:
        print(f"owcf {__version__}")
        raise typer.Exit()


def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q",
                                        help="Print no warnings, only errors and data.")] = False,
) -> None:
    """Run the One Children's Workforce self-assessment on local files."""
    State.debug = debug or bool(os.environ.get("OWCF_DEBUG"))
    State.quiet = quiet


class DataFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class TextFormat(StrEnum):
    """For commands whose output is a message for people, or JSON for scripts."""

    text = "text"
    json = "json"


class Weighting(StrEnum):
    respondents = "respondents"
    audiences = "audiences"
    population = "population"


TrustOption = Annotated[str | None, typer.Option(
    "--trust", "-t", metavar="NAME",
    help="Trust workspace name, found as NAME/trust.yaml in $OWCF_TRUST_PATH, ./trusts, "
         "./examples, then owcf's bundled examples.")]


def _protecting_threshold(value: int | None) -> int | None:
    """--min-cell as given, unless it is a threshold that protects nothing (a usage error)."""
    from owcf.model.trust import threshold_problem  # (only when given: --help stays light)

    problem = None if value is None else threshold_problem(value)
    if problem is not None:
        raise typer.BadParameter(problem)
    return value


MinCellOption = Annotated[int | None, typer.Option(
    min=1, metavar="N", callback=_protecting_threshold,
    help="Withhold figures resting on fewer respondents than this (default: the trust's "
    "disclosure.min_cell, else 5; not 2, which would protect nothing).")]
FrameworkOption = Annotated[Path | None, typer.Option(
    metavar="FILE", help="Framework YAML (default: the trust's, else owcf's bundled framework).")]
QuestionnaireOption = Annotated[Path | None, typer.Option(
    metavar="FILE", help="Questionnaire YAML (default: the trust's, else owcf's bundled questionnaire).")]
SourceOption = Annotated[Platform, typer.Option(
    "--source", "-s", help="Layout of the responses files given here (default: detect it).")]
MappingOption = Annotated[Path | None, typer.Option(
    "--mapping", "-m", metavar="FILE", help="Mapping YAML for the files given here: which column is which "
    "item, and how answers map (see owcf ingest --suggest-mapping).")]
MaxCellsOption = Annotated[int, typer.Option(
    "--max-cells", min=1, metavar="N", help=f"Refuse an XLSX responses file of more than N "
    f"cells, or whose parts expand to more than {BYTES_PER_CELL} bytes a cell and "
    f"{BYTES_BESIDES // 1_000_000} MB (a zip bomb), before reading it; raise N for a "
    "genuine large file.")]
StrictOption = Annotated[bool, typer.Option(
    "--strict", help="Exit 1 if any response is rejected (for CI).")]
DataFormatOption = Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")]
