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
from dataclasses import replace
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


class Weighting(StrEnum):
    respondents = "respondents"
    audiences = "audiences"
    population = "population"


TrustOption = Annotated[str | None, typer.Option(
    "--trust", "-t", metavar="NAME",
    help="Trust workspace name, found as NAME/trust.yaml in $OWCF_TRUST_PATH, ./trusts, "
         "./examples, then owcf's bundled examples.")]


MinCellOption = Annotated[int | None, typer.Option(
    min=1, help="Withhold figures resting on fewer respondents than this (default: the "
    "trust's disclosure.min_cell, else 5).")]


SourceOption = Annotated[Source, typer.Option(
    "--source", "-s", help="Layout of the responses files given here (default: detect it).")]
MappingOption = Annotated[Path | None, typer.Option(
    "--mapping", "-m", help="Mapping YAML for the files given here: which column is which "
    "item, and how answers map (see owcf ingest --suggest-mapping).")]
StrictOption = Annotated[bool, typer.Option(
    "--strict", help="Exit 1 if any response is rejected (for CI).")]
DataFormatOption = Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")]


def _usage(message: str) -> typer.Exit:
    _say(f"Usage error: {message}")
    return typer.Exit(EXIT_USAGE)


# -- analyse ---------------------------------------------------------------------------

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
    by: Annotated[list[str] | None, typer.Option(
        "--by", metavar="FIELD", help="Break down by audience, workforce_group or a breakdown "
        "the trust declares; repeat to cross fields.")] = None,
    weights: Annotated[Weighting, typer.Option(
        help="respondents: each counts once; audiences: each audience counts equally; "
             "population: post-stratified to the trust's population sizes.")
    ] = Weighting.respondents,
    min_cell: MinCellOption = None,
    items: Annotated[bool, typer.Option("--items", help="Show items in the table too.")] = False,
    output: DataFormatOption = DataFormat.table,
    source: SourceOption = Source.auto,
    mapping: MappingOption = None,
    strict: StrictOption = False,
) -> None:
    """Score responses: n, mean, 95% interval and answer counts per colour, dimension, item.

    Also reliability (Cronbach's alpha) and perception gaps between audiences.

    Survey exports are ingested on the fly: rejected rows are listed on stderr
    with the reconciliation, and the analysis runs on the accepted ones.

    Example: owcf analyse --trust oxfordshire --by audience --by workforce_group --format json
    """
    from owcf.output import analysis_rows, to_csv, to_json

    if not responses and trust is None:
        raise _usage("give a responses file or --trust NAME")
    inputs = _gather(responses or [], trust, framework, questionnaire, source=source,
                     mapping=mapping)
    result = _analyse(inputs, by or [], weights, min_cell, strict)
    if output is DataFormat.json:
        sys.stdout.write(to_json(result.to_dict()))
    elif output is DataFormat.csv:
        sys.stdout.write(to_csv(analysis_rows(result)))
    else:
        from owcf.tables import print_analysis

        print_analysis(result, sys.stdout, items=items)


def _gather(responses: list[Path], trust: str | None, framework: Path | None = None,
            questionnaire: Path | None = None, require_responses: bool = True,
            source: Source = Source.auto, mapping: Path | None = None) -> Any:
    from owcf.inputs import gather

    if trust is not None and not responses and (source is not Source.auto or mapping):
        raise _usage("--source and --mapping apply to files given on the command line; for "
                     "the trust's own files, set them per file under 'responses:' in trust.yaml")
    inputs, warnings = gather(responses, trust, framework, questionnaire, require_responses,
                              source.value, mapping)
    _show(warnings)
    return inputs


def _ingest(inputs: Any, strict: bool, list_rejected: bool = True) -> tuple[list[Any], list[Problem]]:
    """Ingest every responses file; the reconciliation and the rejected rows go to stderr.
    With ``strict`` a rejected row is an error: exit 1, listed by ``handled``. Returns the
    results and the rejected rows as listed."""
    from owcf.errors import ProblemLog
    from owcf.inputs import reconciliation

    log = ProblemLog()
    results = inputs.ingest(log)
    log.raise_if_errors()
    _show(log.warnings)
    lines, rejected = reconciliation(results, strict)
    if not State.quiet or (strict and rejected):
        for line in lines:
            _say(line)
    if strict and rejected:
        raise OwcfError(rejected)
    if list_rejected:
        _show(rejected)
    return results, rejected


def _analyse(inputs: Any, by: list[str], weights: Weighting, min_cell: int | None,
             strict: bool = False) -> Any:
    """Read the responses and run the analysis with the trust's disclosure settings."""
    from owcf.analysis import analyse as run_analysis
    from owcf.ingest.pipeline import combine

    unknown = [b for b in by if b not in inputs.breakdowns]
    if unknown:
        raise _usage(f"cannot break down by {', '.join(unknown)}: choose from "
                     f"{', '.join(inputs.breakdowns)} (a trust declares more under 'breakdowns:')")
    responses = combine(_ingest(inputs, strict)[0], inputs.questionnaire)
    disclosure = inputs.disclosure
    return run_analysis(responses, inputs.framework, by,
                        min_cell if min_cell is not None else disclosure.min_cell,
                        inputs.sources, weights=weights.value,
                        population=inputs.trust.population if inputs.trust else None,
                        min_cell_by_audience=disclosure.by_audience)


# -- gaps ------------------------------------------------------------------------------

@app.command()
@handled
def gaps(
    trust: TrustOption = None,
    weights: Annotated[Weighting, typer.Option(
        help="How respondents are weighted in the questionnaire's part of the position.")
    ] = Weighting.respondents,
    min_cell: MinCellOption = None,
    output: DataFormatOption = DataFormat.table,
) -> None:
    """Current position against target for every dimension and colour, ranked by priority.

    The current position combines the questionnaire with evidence from the other tests.

    Example: owcf gaps --trust oxfordshire --format json
    """
    from owcf.gaps import positions
    from owcf.output import gap_rows, to_csv, to_json

    if trust is None:
        raise _usage("--trust NAME is required")
    inputs = _gather([], trust, require_responses=False)
    result = positions(_analyse(inputs, [], weights, min_cell), inputs.trust)
    if output is DataFormat.json:
        sys.stdout.write(to_json(result.to_dict()))
    elif output is DataFormat.csv:
        sys.stdout.write(to_csv(gap_rows(result)))
    else:
        from owcf.tables import print_gaps

        print_gaps(result, sys.stdout)


# -- actions ---------------------------------------------------------------------------

@app.command()
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

    from owcf.output import action_rows, to_csv, to_json
    from owcf.trust import load_trust

    if trust is None:
        raise _usage("--trust NAME is required")
    try:
        when = dt.date.fromisoformat(today) if today else dt.date.today()
    except ValueError:
        raise _usage(f"--today {today!r} is not a date (YYYY-MM-DD)") from None
    workspace = load_trust(trust)
    rows = action_rows(workspace, when, only_overdue=overdue)
    late = sum(bool(r["overdue"]) for r in rows)
    if output is DataFormat.json:
        sys.stdout.write(to_json({"trust": workspace.id, "today": when.isoformat(),
                                  "overdue": late, "actions": rows}))
    elif output is DataFormat.csv:
        sys.stdout.write(to_csv(rows))
    else:
        from owcf.tables import print_actions

        print_actions(rows, sys.stdout, when.isoformat())
    if overdue and late:
        _say(f"{late} open action{'s' if late != 1 else ''} past due on {when.isoformat()}")
        raise typer.Exit(EXIT_INVALID)


# -- report ----------------------------------------------------------------------------

@app.command()
@handled
def report(
    trust: TrustOption = None,
    every: Annotated[bool, typer.Option(
        "--all", help="Every trust workspace on the search path, in parallel; reports go to "
        "OUT/TRUST.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder for the report (default: ./reports/TRUST; with --all, "
        "the parent folder, default ./reports).")] = None,
    output: Annotated[ReportFormat, typer.Option(
        "--format", "-f", help="Which report files to write.")] = ReportFormat.both,
    min_cell: MinCellOption = None,
    include_comments: Annotated[bool, typer.Option(
        "--include-comments", help="Quote free-text comments (emails and phone numbers "
        "removed; none from audiences too small to publish).")] = False,
    overlays: Annotated[bool, typer.Option(
        "--audience-overlays", help="Draw each audience's view on the spider diagrams.")
    ] = False,
    jobs: Annotated[int | None, typer.Option(
        min=1, help="Worker processes (default: every core): trusts in parallel with --all, "
        "else the charts of one report.")] = None,
    strict: StrictOption = False,
) -> None:
    """Write the trust's summary report (report.md, report.html, charts/) and print the paths.

    The trust's responses files may be survey exports: they are ingested on the
    fly, with the reconciliation on stderr.

    Example: owcf report --trust oxfordshire --out reports/oxfordshire
    """
    from owcf.report import generate

    formats = ("html", "md") if output is ReportFormat.both else (output.value,)
    if every:
        if trust is not None:
            raise _usage("give --trust NAME or --all, not both")
        _report_all(out or Path("reports"), formats, min_cell, include_comments, overlays, jobs,
                    strict)
        return
    if trust is None:
        raise _usage("--trust NAME (or --all) is required")
    written, warnings, notes = generate(trust, out, formats, min_cell, include_comments,
                                        overlays, jobs or os.cpu_count() or 1, strict)
    if not State.quiet:
        for line in notes:  # the reconciliation of each responses file
            _say(line)
    _show(warnings)
    for path in written:
        print(path)


def _report_all(out: Path, formats: tuple[str, ...], min_cell: int | None,
                include_comments: bool, overlays: bool, jobs: int | None, strict: bool) -> None:
    """Every workspace's report across worker processes, with a progress bar on stderr."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from owcf.report import generate_one
    from owcf.trust import list_workspaces

    names = list_workspaces()
    if not names:
        raise OwcfError([Problem("file-not-found", "no trust workspaces on the search path")])
    work = [(name, out / name, formats, min_cell, include_comments, overlays, strict)
            for name in names]
    outcomes = {}
    progress = Progress("[progress.description]{task.description}", BarColumn(),
                        MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(file=sys.stderr), disable=State.quiet)
    with progress, ProcessPoolExecutor(max_workers=jobs or os.cpu_count()) as pool:
        task = progress.add_task("reports", total=len(work))
        futures = [pool.submit(generate_one, job) for job in work]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[outcome.trust] = outcome
            progress.advance(task)
    failed = 0
    for name in names:  # report in a stable order, whatever order the workers finished in
        outcome = outcomes[name]
        if not State.quiet:
            for line in outcome.notes:
                _say(line)
        _show(list(outcome.problems))
        failed += not outcome.ok
        for path in outcome.written:
            print(path)
    _say(f"{len(names) - failed} of {len(names)} reports written")
    if failed:
        raise typer.Exit(EXIT_INVALID)


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
    from owcf.output import to_json, write_files

    if not exports and trust is None:
        raise _usage("give an export file or --trust NAME")
    inputs = _gather(exports or [], trust, framework, questionnaire, source=source,
                     mapping=mapping)
    stems = [slug(f.path.stem) for f in inputs.files]
    clash = [s for s in dict.fromkeys(stems) if stems.count(s) > 1]
    if clash:
        raise _usage(f"two inputs would both be written as {clash[0]!r}: ingest them separately "
                     "with different --out folders")
    folder = out or Path("ingested") / (inputs.trust.id if inputs.trust else stems[0])
    if suggest_mapping:
        for path in write_files(_suggestions(inputs, stems, folder), folder):
            print(path)
        return
    # --strict still writes every file (the rejects file says what to fix), then fails
    results, rejected = _ingest(inputs, strict=False, list_rejected=not strict)
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
    if strict and rejected:
        raise OwcfError([replace(p, severity=Severity.ERROR) for p in rejected])


def _suggestions(inputs: Any, stems: list[str], folder: Path) -> dict[str, bytes]:
    """Starter mapping files; never over one that exists (someone may have edited it)."""
    from owcf.errors import ProblemLog
    from owcf.ingest.mapping import read_mapping
    from owcf.ingest.suggest import suggest_mapping

    log = ProblemLog()
    fields = inputs.trust.breakdowns if inputs.trust else ()
    files: dict[str, bytes] = {}
    for entry, stem in zip(inputs.files, stems, strict=True):
        name = f"{stem}.mapping.yaml"
        if (folder / name).exists():
            log.add("output-exists", "a mapping file is already there; move it away or give "
                    "--out to write the suggestion elsewhere", file=str(folder / name))
            continue
        existing = read_mapping(entry.mapping, inputs.questionnaire, inputs.framework, fields,
                                log) if entry.mapping else None
        text = suggest_mapping(entry.path, inputs.questionnaire, inputs.framework, log,
                               source=entry.source, mapping=existing, fields=fields)
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
        metavar="PATH", help="Framework, questionnaire, trust or mapping YAML, responses "
        "file, or workspace folder (default: --trust NAME, else the current folder).",
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
