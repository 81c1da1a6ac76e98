"""The command line: one module per command (or small group), typer only here.

Each command module holds plain functions with typer annotations; this module builds the
app from them. Commands import the library inside their bodies, so ``owcf --help`` loads
no pandas, numpy, pyarrow or matplotlib. Errors become messages and exit codes in one
place, :func:`owcf.cli.common.handled`. Data goes to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import os

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


#: numpy's BLAS libraries and the variable each reads for how many threads to start
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def main() -> None:
    """Console-script entry point."""
    # One BLAS thread per process, unless the user says otherwise. By default BLAS starts
    # a thread per core for every vector product, and owcf's are many and small (the
    # disclosure engine's least squares): the threads only wait on each other, and beside
    # `report --jobs` workers or any other busy process they fight over the cores (a data
    # set's first analysis 19 s alone, 37 s beside one busy core; see docs/methods.md).
    # Set before any command imports numpy, which reads it once.
    for name in BLAS_THREADS:
        os.environ.setdefault(name, "1")
    app()
