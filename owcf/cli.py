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
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from owcf import __version__
from owcf.errors import OwcfError, Problem, Severity
from owcf.ingest import Source

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

SourceOption = Annotated[Source, typer.Option(
    "--source", "-s", help="Layout of the responses files given here (default: detect it).")]
MappingOption = Annotated[Path | None, typer.Option(
    "--mapping", "-m", help="Mapping YAML for the files given here: which column is which "
    "item, and how answers map (see owcf ingest --suggest-mapping).")]
StrictOption = Annotated[bool, typer.Option(
    "--strict", help="Exit 1 if any response is rejected (for CI).")]
#: rejected responses listed on stderr per file; the rest are counted
LISTED = 20


@app.command()
@handled
def analyse(
    responses: Annotated[list[Path] | None, typer.Argument(
        metavar="RESPONSES", help="Responses files: owcf's layout or a survey platform's "
        "CSV or XLSX export (default with --trust: the trust's own).", show_default=False)
    ] = None,
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
    source: SourceOption = Source.auto,
    mapping: MappingOption = None,
    strict: StrictOption = False,
) -> None:
    """Score responses: n, mean position, 95% interval and answer counts per dimension and colour.

    Survey exports are ingested on the fly: rejected rows are listed on stderr
    with the reconciliation, and the analysis runs on the accepted ones.

    Example: owcf analyse examples/oxfordshire/responses.csv --by audience --format json
    """
    from owcf.analysis import analyse as run_analysis
    from owcf.output import analysis_rows, to_csv, to_json

    if not responses and trust is None:
        raise _usage("give a responses file or --trust NAME")
    setup = _inputs(responses or [], trust, framework, questionnaire, source, mapping)
    data = _read(setup, strict)
    result = run_analysis(data, setup.framework, [g.value for g in by or []], min_cell,
                          setup.sources)
    if output is DataFormat.json:
        sys.stdout.write(to_json(result.to_dict()))
    elif output is DataFormat.csv:
        sys.stdout.write(to_csv(analysis_rows(result)))
    else:
        _print_table(result)


@dataclass
class _Setup:
    """What a command reads: framework, questionnaire, and the responses files."""

    framework: Any
    questionnaire: Any
    inputs: list[Any]           # owcf.ingest.InputFile each
    sources: list[str]          # how output names them
    salt: str | None            # the trust's pseudonym_salt
    trust: Any = None
    fields: tuple[str, ...] = ()  # extra respondent columns to keep, for breakdowns


def _inputs(responses: list[Path], trust_name: str | None, framework_path: Path | None,
            questionnaire_path: Path | None, source: Source = Source.auto,
            mapping: Path | None = None, need_responses: bool = True) -> _Setup:
    """Framework, questionnaire and response files for a command, all checked in one pass."""
    from owcf.errors import ProblemLog
    from owcf.framework import read_framework
    from owcf.ingest import InputFile
    from owcf.questionnaire import read_questionnaire
    from owcf.resources import default_framework_path, default_questionnaire_path
    from owcf.trust import load_trust

    log = ProblemLog()
    fw = q = workspace = None
    inputs = [InputFile(p, source.value, mapping) for p in responses]
    sources = [str(p) for p in responses]
    if trust_name is not None:
        workspace = load_trust(trust_name)
        fw, q = workspace.framework, workspace.questionnaire
        if not inputs and (source is not Source.auto or mapping is not None):
            raise _usage("--source and --mapping apply to files given on the command line; "
                         "for the trust's own files, set them per file under 'responses:' in "
                         "trust.yaml")
        if not inputs and not workspace.response_files and need_responses:
            raise OwcfError([Problem("no-responses", "the trust names no responses files: list "
                                     "them under 'responses:' or give one",
                                     file=str(workspace.directory / "trust.yaml"))])
        if not inputs:
            inputs = list(workspace.response_files)
            sources = [os.path.relpath(f.path, workspace.directory) for f in inputs]
    if framework_path is not None or fw is None:
        fw = read_framework(framework_path or default_framework_path(), log)
    if questionnaire_path is not None or q is None:
        q = read_questionnaire(questionnaire_path or default_questionnaire_path(), log, fw)
    log.raise_if_errors()
    _show(log.warnings)
    return _Setup(fw, q, inputs, sources, workspace.pseudonym_salt if workspace else None,
                  workspace)


def _ingest(setup: _Setup, strict: bool, list_rejected: bool = True) -> list[Any]:
    """Ingest every file; show the reconciliation and rejected rows on stderr. With
    ``strict`` a rejected row is an error (exit 1, listed by the handler instead)."""
    from owcf.errors import ProblemLog
    from owcf.ingest.pipeline import ingest_files, summary

    log = ProblemLog()
    results = ingest_files(setup.inputs, setup.questionnaire, setup.framework, log,
                           fields=setup.fields, salt=setup.salt)
    log.raise_if_errors()
    _show(log.warnings)
    failed: list[Problem] = []
    severity = Severity.ERROR if strict else Severity.WARNING
    for result in results or []:
        shown = result.row_problems(severity, limit=LISTED)
        more = len(result.rejected) - len(shown)
        if more > 0:
            shown.append(Problem("too-many-problems", f"{more} more rejected rows not listed; "
                                 "owcf ingest writes every one, with all its reasons, to a "
                                 "rejects file", file=result.file, severity=severity))
        if not State.quiet or (strict and shown):
            for line in summary(result):
                _say(line)
        if strict:
            failed += shown
        elif list_rejected:
            _show(shown)
    if failed:
        raise OwcfError(failed)
    return results or []


def _read(setup: _Setup, strict: bool) -> Any:
    """The accepted responses of every file, as one set."""
    from owcf.ingest.pipeline import combine

    return combine(_ingest(setup, strict), setup.questionnaire)


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
    strict: StrictOption = False,
) -> None:
    """Write the trust's summary report (report.md, report.html, charts/) and print the paths.

    The trust's responses files may be survey exports: they are ingested on the
    fly, with the reconciliation on stderr.

    Example: owcf report --trust oxfordshire --out reports/oxfordshire
    """
    from owcf.analysis import analyse as run_analysis
    from owcf.report import render_report, write_files
    from owcf.responses import ResponseSet

    if trust is None:
        raise _usage("--trust NAME is required")
    setup = _inputs([], trust, None, None, need_responses=False)
    workspace = setup.trust
    if workspace.response_files:
        responses = _read(setup, strict)
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


# -- ingest ----------------------------------------------------------------------------

class IngestFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
@handled
def ingest(
    exports: Annotated[list[Path] | None, typer.Argument(
        metavar="EXPORT", help="Survey exports (CSV or XLSX) or owcf responses files "
        "(default with --trust: the trust's own).", show_default=False)] = None,
    trust: TrustOption = None,
    framework: Annotated[Path | None, typer.Option(
        help="Framework YAML (default: the trust's, else owcf's bundled framework).")] = None,
    questionnaire: Annotated[Path | None, typer.Option(
        help="Questionnaire YAML (default: the trust's, else owcf's bundled questionnaire).")
    ] = None,
    source: SourceOption = Source.auto,
    mapping: MappingOption = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder for the files written (default: ./ingested/TRUST, or "
        "./ingested/NAME after the first export without --trust). Never the input's folder "
        "unless you say so.")] = None,
    strict: StrictOption = False,
    suggest_mapping: Annotated[bool, typer.Option(
        "--suggest-mapping", help="Write a starter mapping YAML (NAME.mapping.yaml) for "
        "each export instead of ingesting it; TODO marks what needs a decision.")] = False,
    output: Annotated[IngestFormat, typer.Option(
        "--format", "-f", help="text: the paths written; json: those and the provenance.")
    ] = IngestFormat.text,
) -> None:
    """Normalise survey exports into owcf's layout, accounting for every row.

    Writes NAME.responses.csv (what analyse and report read), NAME.rejects.csv
    (every rejected row with its reasons) and NAME.provenance.json (the export's
    SHA-256, layout, encoding and counts), and prints their paths. The
    reconciliation, rows read = accepted + rejected by reason, goes to stderr.
    Names, emails, IP addresses and platform ids reach none of them.

    Example: owcf ingest export.csv --trust oxfordshire --source qualtrics
    """
    import json

    from owcf.ingest.text import slug
    from owcf.ingest.write import render
    from owcf.output import to_json
    from owcf.report import write_files

    if not exports and trust is None:
        raise _usage("give an export file or --trust NAME")
    setup = _inputs(exports or [], trust, framework, questionnaire, source, mapping)
    stems = [slug(f.path.stem) for f in setup.inputs]
    clash = [s for s in dict.fromkeys(stems) if stems.count(s) > 1]
    if clash:
        raise _usage(f"two inputs would both be written as {clash[0]!r}: ingest them separately "
                     "with different --out folders")
    folder = out or Path("ingested") / (setup.trust.id if setup.trust else stems[0])
    if suggest_mapping:
        files = _suggestions(setup, stems, folder)
        written = write_files(files, folder)
        for path in written:
            print(path)
        return
    # --strict still writes every file (the rejects file says what to fix), then fails
    results = _ingest(setup, strict=False, list_rejected=not strict)
    files: dict[str, bytes] = {}
    for result, stem in zip(results, stems, strict=True):
        files |= render(result, stem)
    written = write_files(files, folder)
    if output is IngestFormat.json:
        records = [json.loads(files[f"{stem}.provenance.json"]) for stem in stems]
        sys.stdout.write(to_json({"written": [str(p) for p in written], "ingested": records}))
    else:
        for path in written:
            print(path)
    if strict and any(len(r.rejected) for r in results):
        failed = []
        for result in results:
            shown = result.row_problems(Severity.ERROR, limit=LISTED)
            failed += shown
            if len(result.rejected) > len(shown):
                failed.append(Problem("too-many-problems", f"{len(result.rejected) - len(shown)}"
                                      " more rejected rows not listed; see the rejects file",
                                      file=result.file))
        raise OwcfError(failed)


def _suggestions(setup: _Setup, stems: list[str], folder: Path) -> dict[str, bytes]:
    """Starter mapping files; never over one that exists (someone may have edited it)."""
    from owcf.errors import ProblemLog
    from owcf.ingest.mapping import read_mapping
    from owcf.ingest.suggest import suggest_mapping

    log = ProblemLog()
    files: dict[str, bytes] = {}
    for entry, stem in zip(setup.inputs, stems, strict=True):
        name = f"{stem}.mapping.yaml"
        if (folder / name).exists():
            log.add("output-exists", "a mapping file is already there; move it away or give "
                    "--out to write the suggestion elsewhere", file=str(folder / name))
            continue
        existing = read_mapping(entry.mapping, setup.questionnaire, setup.framework, (), log) \
            if entry.mapping else None
        text = suggest_mapping(entry.path, setup.questionnaire, setup.framework, log,
                               source=entry.source, mapping=existing)
        if text is not None:
            files[name] = text.encode("utf-8")
    log.raise_if_errors()
    _show(log.warnings)
    return files


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
