"""``owcf analyse`` and ``owcf gaps``: the figures, as a table, JSON or CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from owcf.cli.common import (
    DataFormat,
    DataFormatOption,
    FrameworkOption,
    MappingOption,
    MaxCellsOption,
    MinCellOption,
    QuestionnaireOption,
    SourceOption,
    StrictOption,
    TrustOption,
    Weighting,
    handled,
    usage,
)
from owcf.cli.inputs import analyse_inputs, gather_inputs
from owcf.model.sources import MAX_CELLS, Platform


@handled
def analyse(
    responses: Annotated[list[Path] | None, typer.Argument(
        metavar="RESPONSES", help="Responses files: owcf's layout or a survey platform's "
        "CSV or XLSX export (default with --trust: the trust's own).", show_default=False)
    ] = None,
    trust: TrustOption = None,
    framework: FrameworkOption = None,
    questionnaire: QuestionnaireOption = None,
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
    source: SourceOption = Platform.auto,
    mapping: MappingOption = None,
    strict: StrictOption = False,
    max_cells: MaxCellsOption = MAX_CELLS,
) -> None:
    """Score responses: n, mean, 95% interval and answer counts per colour, dimension, item.

    Also reliability (Cronbach's alpha) and perception gaps between audiences.

    Survey exports are ingested on the fly: rejected rows are listed on stderr
    with the reconciliation, and the analysis runs on the accepted ones.

    Example: owcf analyse --trust oxfordshire --by audience --by workforce_group --format json
    """
    from owcf.files import to_csv, to_json
    from owcf.publish.rows import analysis_rows

    if not responses and trust is None:
        raise usage("give a responses file or --trust NAME")
    inputs = gather_inputs(responses or [], trust, framework, questionnaire, source=source,
                           mapping=mapping, max_cells=max_cells)
    result = analyse_inputs(inputs, by or [], weights.value, min_cell, strict)
    if output is DataFormat.json:
        sys.stdout.write(to_json(result.to_dict()))
    elif output is DataFormat.csv:
        sys.stdout.write(to_csv(analysis_rows(result)))
    else:
        from owcf.publish.tables import print_analysis

        print_analysis(result, sys.stdout, items=items)


@handled
def gaps(
    trust: TrustOption = None,
    weights: Annotated[Weighting, typer.Option(
        help="How respondents are weighted in the questionnaire's part of the position.")
    ] = Weighting.respondents,
    min_cell: MinCellOption = None,
    output: DataFormatOption = DataFormat.table,
    max_cells: MaxCellsOption = MAX_CELLS,
) -> None:
    """Current position against target for every dimension and colour, ranked by priority.

    The current position combines the questionnaire with evidence from the other tests.

    Example: owcf gaps --trust oxfordshire --format json
    """
    from owcf.files import to_csv, to_json
    from owcf.publish.rows import gap_rows
    from owcf.stats.positions import current_positions

    if trust is None:
        raise usage("--trust NAME is required")
    inputs = gather_inputs([], trust, require_responses=False, max_cells=max_cells)
    assert inputs.trust is not None
    result = current_positions(analyse_inputs(inputs, [], weights.value, min_cell), inputs.trust)
    if output is DataFormat.json:
        sys.stdout.write(to_json(result.to_dict()))
    elif output is DataFormat.csv:
        sys.stdout.write(to_csv(gap_rows(result)))
    else:
        from owcf.publish.tables import print_gaps

        print_gaps(result, sys.stdout)
