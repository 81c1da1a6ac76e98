"""The ``owcf`` command line: a thin layer over the library modules.

Exit status: 0 ok; 1 the data or configuration is invalid or a check failed; 2 usage
error; 3 an internal error (a bug: please report it with the ``--debug`` traceback).
Data goes to stdout; diagnostics and progress go to stderr. Heavy modules (pandas,
matplotlib) are imported inside the commands, so ``owcf --help`` stays fast.
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

app = typer.Typer(
    name="owcf",
    help="Run the One Children's Workforce self-assessment on local files: check the "
         "framework, questionnaire and trust YAML, analyse questionnaire responses, and "
         "write the trust's summary report with spider diagrams.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3
F = TypeVar("F", bound=Callable[..., Any])


class State:
    debug = False
    quiet = False


def _say(message: str) -> None:
    """A diagnostic line on stderr."""
    print(message, file=sys.stderr)


def _show(problems: list[Problem]) -> None:
    for problem in problems:
        if problem.severity is Severity.WARNING and State.quiet:
            continue
        _say(str(problem))


def handled(func: F) -> F:
    """Translate user-facing errors into messages and exit codes, in this one place."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OwcfError as exc:
            if State.debug:
                raise
            _show(exc.problems)
            raise typer.Exit(EXIT_INVALID) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if State.debug:
                raise
            _say(f"owcf: internal error: {type(exc).__name__}: {exc} "
                 "(rerun with --debug for the traceback)")
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        print(f"owcf {__version__}")
        raise typer.Exit()


@app.callback()
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


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    html = "html"
    md = "md"
    both = "both"


class Grouping(StrEnum):
    audience = "audience"
    workforce_group = "workforce_group"


TrustOption = Annotated[str | None, typer.Option(
    "--trust", "-t", metavar="NAME",
    help="Trust workspace name, found as NAME/trust.yaml in $OWCF_TRUST_PATH, ./trusts, "
         "./examples, then owcf's bundled examples.")]


def _usage(message: str) -> typer.Exit:
    _say(f"Usage error: {message}")
    return typer.Exit(EXIT_USAGE)


# -- analyse ---------------------------------------------------------------------------

@app.command()
@handled
def analyse(
    responses: Annotated[list[Path] | None, typer.Argument(
        metavar="RESPONSES.csv", help="Responses CSV files in owcf's layout "
        "(default with --trust: the trust's own).", show_default=False)] = None,
    trust: TrustOption = None,
    framework: Annotated[Path | None, typer.Option(
        help="Framework YAML (default: the trust's, else owcf's bundled framework).")] = None,
    questionnaire: Annotated[Path | None, typer.Option(
        help="Questionnaire YAML (default: the trust's, else owcf's bundled questionnaire).")
    ] = None,
    by: Annotated[list[Grouping] | None, typer.Option(
        "--by", help="Break down by this respondent field; repeat to cross fields.")] = None,
    min_cell: Annotated[int, typer.Option(
        min=1, help="Withhold figures from fewer respondents than this.")] = 5,
    output: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")
                      ] = DataFormat.table,
) -> None:
    """Score responses: n, mean position, 95% interval and answer counts per dimension and colour.

    Example: owcf analyse examples/oxfordshire/responses.csv --by audience --format json
    """
    from owcf.analysis import analyse as run_analysis
    from owcf.output import analysis_rows, to_csv, to_json

    if not responses and trust is None:
        raise _usage("give a responses CSV or --trust NAME")
    fw, q, paths, sources = _inputs(responses or [], trust, framework, questionnaire)
    result = run_analysis(_read(paths, q, fw), fw, [g.value for g in by or []], min_cell, sources)
    if output is DataFormat.json:
        sys.stdout.write(to_json(result.to_dict()))
    elif output is DataFormat.csv:
        sys.stdout.write(to_csv(analysis_rows(result)))
    else:
        _print_table(result)


def _inputs(responses: list[Path], trust_name: str | None, framework_path: Path | None,
            questionnaire_path: Path | None) -> tuple[Any, Any, list[Path], list[str]]:
    """Framework, questionnaire and response files for a command, all checked in one pass."""
    from owcf.errors import ProblemLog
    from owcf.framework import read_framework
    from owcf.questionnaire import read_questionnaire
    from owcf.resources import default_framework_path, default_questionnaire_path
    from owcf.trust import load_trust

    log = ProblemLog()
    fw = q = None
    paths, sources = list(responses), [str(p) for p in responses]
    if trust_name is not None:
        trust = load_trust(trust_name)
        fw, q = trust.framework, trust.questionnaire
        if not paths and not trust.responses:
            raise OwcfError([Problem("no-responses", "the trust names no responses files: list "
                                     "them under 'responses:' or give a CSV",
                                     file=str(trust.directory / "trust.yaml"))])
        if not paths:
            paths = list(trust.responses)
            sources = [os.path.relpath(p, trust.directory) for p in paths]
    if framework_path is not None or fw is None:
        fw = read_framework(framework_path or default_framework_path(), log)
    if questionnaire_path is not None or q is None:
        q = read_questionnaire(questionnaire_path or default_questionnaire_path(), log, fw)
    log.raise_if_errors()
    _show(log.warnings)
    return fw, q, paths, sources


def _read(paths: list[Path], questionnaire: Any, framework: Any) -> Any:
    from owcf.errors import ProblemLog
    from owcf.responses import read_response_files

    log = ProblemLog()
    responses = read_response_files(paths, questionnaire, framework, log)
    log.raise_if_errors()
    _show(log.warnings)
    return responses


def _print_table(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=sys.stdout, width=None if sys.stdout.isatty() else 120,
                      highlight=False)
    for group in result.groups:
        title = ", ".join(f"{k}: {v or 'not stated'}" for k, v in group.by.items()) or "Everyone"
        size = group.respondents if group.respondents is not None else f"<{result.min_cell}"
        table = Table(title=f"{title} ({size} respondents)", title_justify="left")
        headings = ["Colour / dimension", "n", "Mean", "95% CI", "SD", *result.non_answers, "Blank"]
        for heading in headings:
            table.add_column(heading, justify="left" if heading.startswith("Colour") else "right")
        for colour in group.colours:
            dims = [d for d in group.dimensions if d.colour == colour.id]
            for est, label in [(colour, f"[bold]{colour.name}[/bold]")] + [
                    (d, f"  {d.name}") for d in dims]:
                table.add_row(label, *_cells(est, result))
        console.print(table)


def _cells(est: Any, result: Any) -> list[str]:
    def num(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    def cnt(label: str) -> str:
        value = est.counts.get(label)
        return f"<{result.min_cell}" if value is None else str(value)

    n = f"<{result.min_cell}" if est.n is None and est.suppressed else str(est.n or 0)
    ci = "–" if est.ci_low is None else f"{est.ci_low:.2f}–{est.ci_high:.2f}"
    return [n, num(est.mean), ci, num(est.sd), *(cnt(c) for c in result.non_answers),
            cnt("blank")]


# -- report ----------------------------------------------------------------------------

@app.command()
@handled
def report(
    trust: TrustOption = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder for the report (default: ./reports/TRUST).")] = None,
    output: Annotated[ReportFormat, typer.Option(
        "--format", "-f", help="Which report files to write.")] = ReportFormat.both,
    min_cell: Annotated[int, typer.Option(
        min=1, help="Withhold figures from fewer respondents than this.")] = 5,
) -> None:
    """Write the trust's summary report (report.md, report.html, charts/) and print the paths.

    Example: owcf report --trust oxfordshire --out reports/oxfordshire
    """
    from owcf.analysis import analyse as run_analysis
    from owcf.report import render_report, write_files
    from owcf.responses import ResponseSet
    from owcf.trust import load_trust

    if trust is None:
        raise _usage("--trust NAME is required")
    workspace = load_trust(trust)
    if workspace.responses:
        responses = _read(list(workspace.responses), workspace.questionnaire, workspace.framework)
    else:
        _show([Problem("no-responses", "the trust names no responses files yet; the report "
                       "shows no current position", file=str(workspace.directory / "trust.yaml"),
                       severity=Severity.WARNING)])
        responses = ResponseSet.empty(workspace.questionnaire)
    result = run_analysis(responses, workspace.framework, ["audience"], min_cell)
    formats = ("html", "md") if output is ReportFormat.both else (output.value,)
    files = render_report(workspace, result, formats)
    for path in write_files(files, out or Path("reports") / workspace.id):
        print(path)


# -- validate --------------------------------------------------------------------------

@app.command()
@handled
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="PATH", help="Framework, questionnaire or trust YAML, responses CSV, or "
        "workspace folder (default: --trust NAME, else the current folder).",
        show_default=False)] = None,
    trust: TrustOption = None,
    output: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")
                      ] = CheckFormat.text,
) -> None:
    """Check files against each other and list every problem (exit 1 if any error).

    Example: owcf validate examples/oxfordshire
    """
    from owcf.output import to_json
    from owcf.trust import TRUST_FILE, find_workspace
    from owcf.validate import validate_paths

    targets = list(paths or [])
    if trust is not None:
        targets.append(find_workspace(trust))
    if not targets:
        if not Path(TRUST_FILE).is_file():
            raise _usage(f"no {TRUST_FILE} here: give PATHs or --trust NAME")
        targets = [Path(".")]
    result = validate_paths(targets)
    if output is CheckFormat.json:
        sys.stdout.write(to_json(result.to_dict()))
    else:
        for problem in result.problems:
            if not (State.quiet and problem.severity is Severity.WARNING):
                print(problem)
        errors = sum(p.severity is Severity.ERROR for p in result.problems)
        warnings = len(result.problems) - errors
        verdict = "valid" if result.ok else "INVALID"
        _say(f"{verdict}: {len(result.files)} files checked, {errors} errors, {warnings} warnings")
    if not result.ok:
        raise typer.Exit(EXIT_INVALID)


def main() -> None:
    """Console-script entry point."""
    app()
