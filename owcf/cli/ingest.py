"""``owcf ingest``: survey exports normalised into owcf's layout, every row accounted for;
or a starter mapping YAML for an export that does not map by itself."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from owcf.cli.common import (
    FrameworkOption,
    MappingOption,
    MaxCellsOption,
    QuestionnaireOption,
    SourceOption,
    StrictOption,
    TextFormat,
    TrustOption,
    handled,
    show,
    usage,
)
from owcf.cli.inputs import gather_inputs, ingest_inputs
from owcf.errors import OwcfError, Severity
from owcf.model.sources import MAX_CELLS, Platform

if TYPE_CHECKING:
    from owcf.workspace.inputs import Inputs


@handled
def ingest(
    exports: Annotated[list[Path] | None, typer.Argument(
        metavar="EXPORT", help="Survey exports (CSV or XLSX) or owcf responses files "
        "(default with --trust: the trust's own).", show_default=False)] = None,
    trust: TrustOption = None,
    framework: FrameworkOption = None,
    questionnaire: QuestionnaireOption = None,
    source: SourceOption = Platform.auto,
    mapping: MappingOption = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", help="Folder for the files written (default: ./ingested/TRUST, or "
        "./ingested/NAME after the first export without --trust). Never the input's folder "
        "unless you say so.")] = None,
    strict: StrictOption = False,
    suggest_mapping: Annotated[bool, typer.Option(
        "--suggest-mapping", help="Write a starter mapping YAML (NAME.mapping.yaml) for "
        "each export instead of ingesting it; TODO marks what needs a decision.")] = False,
    max_cells: MaxCellsOption = MAX_CELLS,
    output: Annotated[TextFormat, typer.Option(
        "--format", "-f", help="text: the paths written; json: those and the provenance.")
    ] = TextFormat.text,
) -> None:
    """Normalise survey exports into owcf's layout, accounting for every row.

    Writes NAME.responses.csv (what analyse and report read), NAME.rejects.csv
    (every rejected row with its reasons) and NAME.provenance.json (the export's
    SHA-256, layout, encoding and counts), and prints their paths. The
    reconciliation, rows read = accepted + rejected by reason, goes to stderr.
    Names, emails, IP addresses and platform ids reach none of them.

    Example: owcf ingest --trust oxfordshire --out ingested/oxfordshire
    """
    import json

    from owcf.files import to_json, write_files
    from owcf.ingest.text import slug
    from owcf.ingest.write import render

    if not exports and trust is None:
        raise usage("give an export file or --trust NAME")
    inputs = gather_inputs(exports or [], trust, framework, questionnaire, source=source,
                           mapping=mapping, max_cells=max_cells)
    stems = [slug(f.path.stem) for f in inputs.files]
    clash = [s for s in dict.fromkeys(stems) if stems.count(s) > 1]
    if clash:
        raise usage(f"two inputs would both be written as {clash[0]!r}: ingest them separately "
                    "with different --out folders")
    folder = out or Path("ingested") / (inputs.trust.id if inputs.trust else stems[0])
    if suggest_mapping:
        for path in write_files(_suggestions(inputs, stems, folder), folder):
            print(path)
        return
    # --strict still writes every file (the rejects file says what to fix), then fails
    ingestion = ingest_inputs(inputs, strict=False, list_rejected=not strict)
    files: dict[str, bytes] = {}
    for result, stem in zip(ingestion.results, stems, strict=True):
        files |= render(result, stem)
    written = write_files(files, folder)
    if output is TextFormat.json:
        records = [json.loads(files[f"{stem}.provenance.json"]) for stem in stems]
        sys.stdout.write(to_json({"written": [str(p) for p in written], "ingested": records}))
    else:
        for path in written:
            print(path)
    if strict and ingestion.rejected:
        raise OwcfError([replace(p, severity=Severity.ERROR) for p in ingestion.rejected])


def _suggestions(inputs: Inputs, stems: list[str], folder: Path) -> dict[str, bytes]:
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
                               source=entry.source, mapping=existing, fields=fields,
                               max_cells=entry.max_cells)
        if text is not None:
            files[name] = text.encode("utf-8")
    log.raise_if_errors()
    show(log.warnings)
    return files
