"""Suppression patterns kept on disk between runs, so a data set's pattern is worked out once.

Working a trust's whole pattern out takes seconds (reading every sum at once, linear
programs); every later command on the same responses (``analyse``, ``report``, ``share``
while a trust edits its plan) reads it back instead. A pattern is kept under a key made
of everything it depends on: the digest of the figures and sums it was worked out from,
the source of :mod:`owcf.stats.disclosure` and the numpy and scipy versions that ran it.
So another data set, another threshold or another owcf never reads it; and what is
published is the same, byte for byte, whether the pattern was read or worked out.

Where: ``OWCF_CACHE_DIR`` if set (set but empty: nothing is kept), else the user's cache
folder (``$XDG_CACHE_HOME/owcf``, ``~/.cache/owcf``; ``~/Library/Caches/owcf`` on macOS,
``%LOCALAPPDATA%\\owcf\\Cache`` on Windows). A pattern file holds one state per figure
(which figures are withheld, and why), never a figure. Keeping is best effort: a folder
that cannot be written, or a file that is damaged, only means the pattern is worked out
again; no run ever fails for it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

#: patterns kept at most; beyond, the ones read least recently go
KEEP = 64
_SUFFIX = ".pattern"


def folder() -> Path | None:
    """Where patterns are kept, or None when ``OWCF_CACHE_DIR`` is set empty."""
    given = os.environ.get("OWCF_CACHE_DIR")
    if given is not None:
        return Path(given).expanduser() if given.strip() else None
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "owcf" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "owcf"
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "owcf"


def key(digest: str) -> str:
    """The key of the pattern of a table whose digest is ``digest``, worked out by this
    owcf with these numpy and scipy."""
    import scipy

    engine = hashlib.sha256(Path(__file__).with_name("disclosure.py").read_bytes())
    engine.update(f"numpy {np.__version__} scipy {scipy.__version__}".encode())
    return hashlib.sha256(f"{digest} {engine.hexdigest()}".encode()).hexdigest()


def read(name: str, size: int) -> np.ndarray | None:
    """The pattern kept as ``name`` (a :func:`key`), if there is one of ``size`` figures,
    whole and undamaged; else None."""
    where = folder()
    if where is None:
        return None
    path = where / f"{name}{_SUFFIX}"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    check, body = data[:32], data[32:]
    if len(body) != size or hashlib.sha256(body).digest() != check:
        return None
    state = np.frombuffer(body, dtype=np.int8).copy()
    with contextlib.suppress(OSError):
        os.utime(path)  # read: the last to go
    return state


def write(name: str, state: np.ndarray) -> None:
    """Keep ``state`` as ``name``, whole or not at all (written beside, then renamed)."""
    where = folder()
    if where is None:
        return
    body = np.ascontiguousarray(state, dtype=np.int8).tobytes()
    try:
        where.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=where, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(hashlib.sha256(body).digest() + body)
            os.replace(temporary, where / f"{name}{_SUFFIX}")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _prune(where)
    except OSError:
        pass  # (a folder that cannot be written: the pattern is worked out again next run)


def _prune(where: Path) -> None:
    """Leave the :data:`KEEP` patterns read or written most recently."""
    kept = sorted(where.glob(f"*{_SUFFIX}"), key=lambda p: (p.stat().st_mtime, p.name),
                  reverse=True)
    for path in kept[KEEP:]:
        path.unlink(missing_ok=True)
