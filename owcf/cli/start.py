"""Starting an assessment: ``owcf init`` (a new trust workspace), ``owcf framework`` (the
framework to walk through) and ``owcf questionnaire`` (the questionnaire out to the
survey platform the trust uses, on paper, or as a CSV template)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from owcf.cli.common import TrustOption, handled, usage


class PageFormat(StrEnum):
    html = "html"
    md = "md"
    both = "both"


class Target(StrEnum):
    xlsform = "xlsform"
    limesurvey = "limesurvey"
    qualtrics = "qualtrics"
    print = "print"
    csv = "csv"


ForceOption = Annotated[bool, typer.Option(
    "--force", help="Replace files already in the output folder.")]


@handled
def init(
    name: Annotated[str, typer.Argument(
        metavar="NAME", help="The new workspace's name: lower-case letters, digits, - and _.",
        show_default=False)],
    folder: Annotated[Path | None, typer.Option(
        "--dir", metavar="DIR", help="Folder to create the workspace in (default: ./trusts, "
        "where --trust finds it).")] = None,
    source: Annotated[str | None, typer.Option(
        "--from", metavar="TRUST", help="Copy this workspace's settings (framework, "
        "questionnaire tailoring, breakdowns, disclosure, triangulation, support), not its "
        "responses, plan or findings.")] = None,
) -> None:
    """Create a trust workspace: DIR/NAME/trust.yaml, every section to fill in.

    The commented trust.yaml validates as it is; owcf validate warns about
    each section still empty. Nothing is overwritten. Prints the paths
    written.

    Example: owcf init my-trust
    """
    from owcf.workspace.create import create

    for path in create(name, folder, source):
        print(path)


@handled
def framework(
    trust: TrustOption = None,
    framework_file: Annotated[Path | None, typer.Option(
        "--framework", metavar="FILE", help="A framework YAML to render instead of owcf's "
        "bundled one (without --trust).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", help="Folder for the pages (default: "
        "./framework/TRUST, or ./framework/FRAMEWORK).")] = None,
    output: Annotated[PageFormat, typer.Option(
        "--format", "-f", help="Which pages to write.")] = PageFormat.both,
    force: ForceOption = False,
) -> None:
    """Write the framework to walk through with partners (framework.html, .md).

    The rainbow, each colour's dimensions with their level descriptors from
    the lowest level to the highest, the perspectives, and the questionnaire
    items that measure each dimension (with the trust's tailoring). The HTML
    is one self-contained page. Prints the paths written.

    Example: owcf framework --trust oxfordshire
    """
    from owcf.workspace.questionnaire import write_framework

    formats = ("html", "md") if output is PageFormat.both else (output.value,)
    for path in write_framework(trust, framework_file, out, formats, force):
        print(path)


@handled
def questionnaire(
    trust: TrustOption = None,
    to: Annotated[Target | None, typer.Option(
        "--to", help="xlsform (KoboToolbox, ODK, Enketo, SurveyCTO), limesurvey, qualtrics, "
        "print (A4 pages per audience) or csv (a blank template in owcf's layout).",
        show_default=False)] = None,
    audience: Annotated[str | None, typer.Option(
        "--audience", "-a", metavar="AUDIENCE", help="Only this audience's questions (an "
        "audience id); default: every audience.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", help="Folder for the files (default: "
        "./questionnaires/TRUST).")] = None,
    force: ForceOption = False,
) -> None:
    """Write the trust's questionnaire for its survey platform, paper or typing.

    The tailored questionnaire, with its routing, the children's wording and
    the answer scale. Every item keeps its id as the question's name
    (LimeSurvey: a code made from it), so the platform's export comes back
    through owcf analyse with no mapping file. Prints the paths written;
    docs/formats.md says how to upload each file.

    Example: owcf questionnaire --trust oxfordshire --to xlsform
    """
    from owcf.workspace.questionnaire import write_questionnaire

    if trust is None:
        raise usage("--trust NAME is required: the questionnaire is the trust's, tailored "
                    "in its trust.yaml (owcf init NAME makes a workspace)")
    if to is None:
        raise usage("--to is required: " + ", ".join(t.value for t in Target))
    for path in write_questionnaire(trust, to.value, audience, out, force):
        print(path)
