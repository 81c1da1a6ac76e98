"""The command line: one module per command (or small group), typer only here.

Each command module holds plain functions with typer annotations; this module builds the
app from them. Commands import the library inside their bodies, so ``owcf --help`` loads
no pandas, numpy, pyarrow or matplotlib. Errors become messages and exit codes in one
place, :func:`owcf.cli.common.handled`. Data goes to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import typer

from owcf.cli.actions import actions
from owcf.cli.analyse import analyse, gaps
from owcf.cli.common import main_options
from owcf.cli.ingest import ingest
from owcf.cli.national import national
from owcf.cli.progress import progress
from owcf.cli.report import report
from owcf.cli.share import share
from owcf.cli.start import framework, init, questionnaire
from owcf.cli.validate import validate

app = typer.Typer(
    name="owcf",
    help="Run the One Children's Workforce self-assessment on local files: start a trust "
         "workspace, write the framework and the questionnaire for the trust's survey "
         "platform, check the YAML, analyse the responses, and write the trust's summary "
         "report with spider diagrams.\n\n"
         "Example: owcf report --trust oxfordshire",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.callback()(main_options)
for command in (init, framework, questionnaire, analyse, gaps, actions, progress, report,
                share, national, ingest, validate):
    app.command()(command)


def main() -> None:
    """Console-script entry point."""
    app()
