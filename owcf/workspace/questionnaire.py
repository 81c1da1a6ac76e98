"""``owcf questionnaire`` and ``owcf framework``: what a trust hands out to start an
assessment, from its workspace, written all or nothing and never over an existing file
unless asked (``force``).

* the tailored questionnaire as a file for a survey platform (XLSForm for KoboToolbox
  and ODK, LimeSurvey's tab-separated structure, Qualtrics's Advanced Format TXT), on
  paper (one HTML page per audience) or as a blank CSV template in owcf's layout;
* the framework as a page to walk through, with the items that measure each dimension.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from owcf.errors import OwcfError, Problem, ProblemLog, closest
from owcf.files import refuse_overwrite, write_files
from owcf.ingest.platforms import WRITERS
from owcf.model.form import Form, build_form
from owcf.model.framework import Framework, read_framework
from owcf.model.questionnaire import Questionnaire, read_questionnaire
from owcf.model.trust import Trust
from owcf.model.workspaces import load_trust
from owcf.publish.framework import render_framework
from owcf.publish.paper import render_paper
from owcf.resources import default_framework_path, default_questionnaire_path

OVERWRITE = "give --force to replace it, or --out to write elsewhere"


def forms(trust: Trust, per_audience: bool, audience: str | None = None) -> list[Form]:
    """The trust's questionnaire laid out as one form for every audience, or one form
    per audience (``per_audience``); only ``audience``'s with one given."""
    framework = trust.framework
    known = [a.id for a in framework.audiences]
    if audience is not None and audience not in known:
        raise OwcfError([Problem("unknown-audience", f"--audience {audience!r} is not an "
                                 f"audience of framework {framework.id!r}: choose from "
                                 f"{', '.join(known)}{closest(audience, known)}")])
    chosen = [audience] if audience else known if per_audience else [None]
    out = []
    for ident in chosen:
        name = framework.audience(ident).name if ident else None
        out.append(build_form(trust.questionnaire, framework,
                              f"{trust.id}-{ident}" if ident else trust.id,
                              f"{trust.name}: {trust.questionnaire.name}"
                              + (f" ({name})" if name else ""), ident, trust.breakdowns))
    return out


def questionnaire_files(trust: Trust, to: str, audience: str | None = None
                        ) -> dict[str, bytes]:
    """The files of ``owcf questionnaire --to TO``, keyed by file name."""
    if to == "print":
        return {f"{form.id}-print.html": render_paper(form).encode("utf-8")
                for form in forms(trust, True, audience)}
    writer = WRITERS[to]
    label = "responses-template" if to == "csv" else to
    return {f"{form.id}-{label}{writer.SUFFIX}": writer.write(form)
            for form in forms(trust, writer.PER_AUDIENCE, audience)}


def write_questionnaire(trust: str | Path, to: str, audience: str | None = None,
                        out: Path | None = None, force: bool = False) -> list[Path]:
    """Write the files of ``owcf questionnaire`` (into ``./questionnaires/TRUST`` unless
    ``out``); return their paths."""
    workspace = load_trust(trust)
    files = questionnaire_files(workspace, to, audience)
    folder = out or Path("questionnaires") / workspace.id
    if not force:
        refuse_overwrite(files, folder, OVERWRITE)
    return write_files(files, folder)


def framework_files(trust: str | Path | None = None, framework: Path | None = None,
                    formats: Iterable[str] = ("html", "md")) -> tuple[str, dict[str, bytes]]:
    """The pages of ``owcf framework`` and the name of their folder: the trust's
    framework and tailored questionnaire; else ``framework`` (or the bundled one) with the
    bundled questionnaire when it is written for that framework."""
    if trust is not None:
        workspace = load_trust(trust)
        fw: Framework = workspace.framework
        q: Questionnaire | None = workspace.questionnaire
        if framework is not None:
            raise OwcfError([Problem("invalid-value", "give --trust or --framework, not both: "
                                     "a trust's framework is the one its trust.yaml names")])
        return workspace.id, render_framework(fw, q, workspace.name, formats)
    log = ProblemLog()
    loaded = read_framework(framework or default_framework_path(), log)
    log.raise_if_errors()
    assert loaded is not None  # no errors, so it was read
    q = None
    checked = ProblemLog()  # the bundled items fit this framework, or none are shown
    bundled = read_questionnaire(default_questionnaire_path(), checked, loaded)
    if bundled is not None and not checked.errors and bundled.framework == loaded.id:
        q = bundled
    return loaded.id, render_framework(loaded, q, None, formats)


def write_framework(trust: str | Path | None = None, framework: Path | None = None,
                    out: Path | None = None, formats: Iterable[str] = ("html", "md"),
                    force: bool = False) -> list[Path]:
    """Write the pages of ``owcf framework`` (into ``./framework/NAME`` unless ``out``)."""
    name, files = framework_files(trust, framework, formats)
    folder = out or Path("framework") / name
    if not force:
        refuse_overwrite(files, folder, OVERWRITE)
    return write_files(files, folder)
