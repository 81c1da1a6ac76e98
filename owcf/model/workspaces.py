"""Finding a trust workspace: ``--trust NAME`` looks for ``NAME/trust.yaml`` in each
folder of the search path, in order: the folders in ``$OWCF_TRUST_PATH`` (separated like
``$PATH``), ``./trusts``, ``./examples``, and finally the examples bundled with owcf.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from owcf.errors import OwcfError, Problem, ProblemLog, closest
from owcf.model.trust import TRUST_FILE, Trust, read_trust
from owcf.resources import data_dir

TRUST_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def search_path() -> list[Path]:
    """The folders searched for trust workspaces, in order."""
    folders = [Path(p) for p in os.environ.get("OWCF_TRUST_PATH", "").split(os.pathsep) if p]
    folders += [Path("trusts"), Path("examples"), data_dir("examples")]
    unique: list[Path] = []
    for folder in folders:
        if folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


def find_workspace(name: str) -> Path:
    """The workspace folder of trust ``name``; raises OwcfError if unsafe or not found."""
    if not TRUST_NAME.match(name):
        raise OwcfError([Problem("invalid-id", f"trust name {name!r} must be a slug: lower-case "
                                 "letters, digits, '-' or '_' (no paths)")])
    for base in search_path():
        candidate = (base / name).resolve()
        # a symlinked workspace may live elsewhere; the name itself can't climb out
        if candidate.parent != base.resolve():
            continue
        if (candidate / TRUST_FILE).is_file():
            return candidate
    known = sorted({p.parent.name for b in search_path() if b.is_dir()
                    for p in b.glob(f"*/{TRUST_FILE}")})
    where = ", ".join(str(b) for b in search_path())
    raise OwcfError([Problem("file-not-found", f"no trust workspace {name!r} (looked for "
                             f"{name}/{TRUST_FILE} in {where}){closest(name, known)}")])


def list_workspaces() -> list[str]:
    """Every trust name found on the search path (the first folder holding a name wins)."""
    names: list[str] = []
    for base in search_path():
        if base.is_dir():
            for path in sorted(base.glob(f"*/{TRUST_FILE}")):
                name = path.parent.name
                if TRUST_NAME.match(name) and name not in names:
                    names.append(name)
    return names


def load_trust(name_or_dir: str | Path) -> Trust:
    """Find (by name) or open (by folder) a trust workspace; raise OwcfError on any problem."""
    path = name_or_dir if isinstance(name_or_dir, Path) else find_workspace(name_or_dir)
    log = ProblemLog()
    trust = read_trust(path, log)
    log.raise_if_errors()
    assert trust is not None
    return trust
