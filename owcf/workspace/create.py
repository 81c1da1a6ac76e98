"""``owcf init``: a new trust workspace from the bundled, commented ``trust.yaml``.

The template (``templates/trust.yaml``) is itself a valid trust file whose sections are
empty or owcf's defaults, each under a one-line comment; ``owcf validate`` warns about
every section still empty. The new file takes the workspace's name as its id, a title
made from it, and a fresh random ``pseudonym_salt`` (a secret: the one line that differs
between two runs).

With ``--from`` the settings of an existing workspace replace the template's defaults,
each top-level block copied as written there, comments and all: ``framework``,
``questionnaire`` (its tailoring), ``breakdowns``, ``crossings``, ``disclosure``,
``triangulation`` and ``support`` (the catalogue it draws on); a framework or
questionnaire file it names inside its folder is copied too. Its responses, plan,
targets, evidence, actions and texts are its own and are not copied. The new workspace
is read before it is written: settings that do not fit together stop it, and nothing is
written.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from dataclasses import replace
from pathlib import Path

from owcf.errors import OwcfError, Problem, ProblemLog
from owcf.files import refuse_overwrite, write_files
from owcf.model.trust import TRUST_FILE, read_trust
from owcf.model.workspaces import TRUST_NAME, find_workspace, load_trust
from owcf.model.yamlio import Node, load_yaml
from owcf.resources import data_dir

#: the blocks ``--from`` copies from an existing workspace
SETTINGS = ("framework", "questionnaire", "breakdowns", "crossings", "disclosure",
            "triangulation", "support")
_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:")


def template() -> str:
    """The bundled, commented trust.yaml."""
    return (data_dir("templates") / TRUST_FILE).read_text(encoding="utf-8")


def blocks(text: str) -> dict[str, tuple[int, int]]:
    """Each top-level key of a YAML text and the lines its block spans, ``(start, end)``
    with ``end`` exclusive: the key's line and every indented line after it (blank lines
    inside the block too). The comment lines before a key are not part of its block."""
    lines = text.splitlines()
    found: dict[str, tuple[int, int]] = {}
    for start, line in enumerate(lines):
        match = _KEY.match(line)
        if not match:
            continue
        end = start + 1
        for k in range(start + 1, len(lines)):
            if lines[k][:1] in (" ", "\t"):
                end = k + 1
            elif lines[k].strip():
                break
        found[match[1]] = (start, end)
    return found


def replace_block(text: str, key: str, block: str) -> str:
    """``text`` with the top-level block of ``key`` replaced by ``block``."""
    start, end = blocks(text)[key]
    lines = text.splitlines()
    return "\n".join([*lines[:start], *block.splitlines(), *lines[end:]]) + "\n"


def title(name: str) -> str:
    """A first title for a workspace named ``name`` ("north-yorks" -> "North Yorks")."""
    return " ".join(w.capitalize() for w in re.split(r"[-_]+", name) if w)


def create(name: str, folder: Path | None = None, source: str | None = None) -> list[Path]:
    """Write the new workspace ``folder/name`` (default ``./trusts/name``), all or
    nothing, refusing to overwrite any file; return the paths written."""
    if not TRUST_NAME.match(name):
        raise OwcfError([Problem("invalid-id", f"workspace name {name!r} must be a slug: "
                                 "lower-case letters, digits, '-' or '_' (no paths)")])
    target = (folder or Path("trusts")) / name
    text = template()
    text = replace_block(text, "id", f"id: {name}")
    text = replace_block(text, "name", f"name: {json.dumps(title(name))}")
    text = replace_block(text, "pseudonym_salt",
                         f"pseudonym_salt: {json.dumps(secrets.token_urlsafe(32))}")
    files: dict[str, bytes] = {}
    if source is not None:
        text, files = _settings_from(source, text)
    files[TRUST_FILE] = text.encode("utf-8")
    refuse_overwrite(files, target, "owcf init writes a new workspace and never overwrites "
                     "a file; choose another name or --dir")
    _check(files)
    return write_files(files, target)


def _check(files: dict[str, bytes]) -> None:
    """Read the new workspace before writing it: settings copied from another may not
    fit together (its problems are raised, and nothing is written)."""
    with tempfile.TemporaryDirectory(prefix="owcf-init-") as folder:
        for name, data in files.items():
            (Path(folder) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / name).write_bytes(data)
        log = ProblemLog()
        read_trust(Path(folder) / TRUST_FILE, log)
        if log.errors:
            raise OwcfError([replace(p, file=p.file and p.file.replace(folder, "(new workspace)"))
                             for p in log.errors])


def _settings_from(source: str, text: str) -> tuple[str, dict[str, bytes]]:
    """``text`` with the :data:`SETTINGS` blocks of workspace ``source``, and the files
    (framework, questionnaire) those blocks name inside its folder."""
    folder = find_workspace(source)
    load_trust(folder)  # a workspace with errors is no place to copy settings from
    path = folder / TRUST_FILE
    theirs = path.read_text(encoding="utf-8-sig")
    data = load_yaml(path, ProblemLog())
    assert isinstance(data, Node)  # load_trust has read it without errors
    spans = blocks(theirs)
    lines = theirs.splitlines()
    files: dict[str, bytes] = {}
    for key in SETTINGS:
        if key in spans:
            start, end = spans[key]
            text = replace_block(text, key, "\n".join(lines[start:end]))
        elif key == "disclosure":  # the template's thresholds name the bundled audiences
            text = replace_block(text, key, "disclosure:\n  min_cell: 5")
        elif key == "support" and data.get("framework", "owcf") != "owcf":
            # the bundled catalogue serves the bundled framework only: left as a comment
            start, end = blocks(text)[key]
            kept = text.splitlines()[start:end]
            text = replace_block(text, key, "\n".join("# " + line for line in kept))
    references = [data.get("framework")]
    spec = data.get("questionnaire")
    references.append(spec.get("base") if isinstance(spec, Node) else spec)
    for ref in references:
        if not isinstance(ref, str) or not (ref.endswith((".yaml", ".yml")) or "/" in ref) \
                or Path(ref).is_absolute():
            continue  # a bundled framework or questionnaire named by id, or a fixed path
        file = (folder / ref).resolve()
        if not file.is_relative_to(folder.resolve()):
            raise OwcfError([Problem("invalid-value", f"{ref!r} lies outside the workspace "
                                     f"{source!r}: copy that file into it, or name it by an "
                                     "absolute path, before copying its settings",
                                     file=str(path))])
        files[file.relative_to(folder.resolve()).as_posix()] = file.read_bytes()
    return text, files
