"""Ground for every file owcf writes: deterministic JSON and CSV text (CSV cells safe for
spreadsheets), the one clock a run may read (``SOURCE_DATE_EPOCH``), and writing a set of
files all or none. Imports nothing of owcf but :mod:`owcf.errors`."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import io
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from owcf.errors import OwcfError, Problem


def source_date_epoch() -> dt.datetime | None:
    """The time from ``SOURCE_DATE_EPOCH`` (reproducible-builds.org), if set: outputs carry
    no clock time otherwise. A value that is not a whole number of seconds is an error,
    as that specification asks, rather than silently giving an undated output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch:
        return None
    if epoch.isascii() and epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            pass
    raise OwcfError([Problem("invalid-value", "SOURCE_DATE_EPOCH must be a whole number of "
                             f"seconds since 1970-01-01 UTC, got {epoch!r}")])


#: first characters that make a spreadsheet run a cell as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (a leading ', as Excel expects)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    value = spreadsheet_safe(value)
    if isinstance(value, str) and "\r" in value:
        # the csv module quotes a line break only if it is the line terminator's (\n): a
        # bare carriage return would end the row in a spreadsheet
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def to_json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def refuse_overwrite(files: Mapping[str, bytes], out_dir: Path, hint: str) -> None:
    """Raise ``output-exists`` naming every one of ``files`` already in ``out_dir`` (a file
    someone may have edited); ``hint`` says what to do instead."""
    there = [out_dir / name for name in files if (out_dir / name).exists()]
    if there:
        raise OwcfError([Problem("output-exists", f"already there: {hint}", file=str(path))
                         for path in there])
#: what an errno means for a path owcf writes
_WHY = {
    errno.EACCES: "is not writable (permission denied)",
    errno.EPERM: "is not writable (operation not permitted)",
    errno.EROFS: "is on a read-only file system",
    errno.ENOSPC: "cannot be written: no space left on the device",
    errno.EDQUOT: "cannot be written: disk quota exceeded",
    errno.EEXIST: "exists and is a file, where owcf needs a folder",
    errno.ENOTDIR: "is inside something that is a file, not a folder",
    errno.EISDIR: "is a folder, where owcf writes a file",
    errno.ENAMETOOLONG: "has a name too long for the file system",
}


def _problem(path: Path | str, why: str) -> Problem:
    return Problem("output-not-writable", f"cannot write the output: {path} {why}; nothing "
                   "was written", file=str(path))


def _in_the_way(files: Mapping[str, bytes], out_dir: Path) -> list[Problem]:
    """What stops the files being written before anything is touched: a file where a
    folder must be (the output folder, one above it, or one such as ``charts`` in it), or
    a folder where a file goes."""
    problems: list[Problem] = []
    above = out_dir
    while not above.exists() and above != above.parent:
        above = above.parent
    if above.exists() and not above.is_dir():
        where = "exists and is a file, where owcf needs a folder" if above == out_dir else \
            "is a file, so the output folder cannot be made inside it"
        return [_problem(above, where)]
    seen: set[Path] = set()
    for name in files:
        final = out_dir / name
        for folder in list(reversed(final.relative_to(out_dir).parents))[1:]:
            folder = out_dir / folder
            if folder not in seen and folder.exists() and not folder.is_dir():
                problems.append(_problem(folder, "exists and is a file, where owcf needs a "
                                                 "folder"))
            seen.add(folder)
        if final.is_dir():
            problems.append(_problem(final, _WHY[errno.EISDIR]))
    return problems


def write_files(files: Mapping[str, bytes], out_dir: Path) -> list[Path]:
    """Write every file or none, into ``out_dir`` (made if need be), by name relative to it.

    The files are staged in a hidden folder inside ``out_dir`` (the same file system, so
    each moves into place by renaming), then moved in; a file they replace is kept aside
    until all are in. Any failure, a file where a folder must be, no permission, no
    space, puts back everything as it was (replaced files, new folders and all) and is
    an ``output-not-writable`` problem naming the path, never a traceback.
    """
    for name in files:
        parts = Path(name).parts
        if Path(name).is_absolute() or ".." in parts or not parts:  # owcf builds the names
            raise ValueError(f"output name {name!r} would leave the output folder")
    try:
        problems = _in_the_way(files, out_dir)
    except OSError as exc:  # a folder above that cannot even be looked into
        problems = [_problem(exc.filename or out_dir, _WHY.get(
            exc.errno or 0, f"cannot be written ({exc.strerror or exc})"))]
    if problems:
        raise OwcfError(problems)
    made: list[Path] = []            # folders made, deepest last
    placed: list[Path] = []          # files moved into place
    kept: list[tuple[Path, Path]] = []  # (replaced file, where it is kept meanwhile)
    staging: Path | None = None
    try:
        _make_folders(out_dir, made)
        staging = Path(tempfile.mkdtemp(prefix=".owcf-", dir=out_dir))
        for name, data in files.items():
            target = staging / "new" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for name in files:
            final = out_dir / name
            _make_folders(final.parent, made)
            if final.exists():
                aside = staging / "old" / name
                aside.parent.mkdir(parents=True, exist_ok=True)
                os.replace(final, aside)
                kept.append((final, aside))
            os.replace(staging / "new" / name, final)
            placed.append(final)
    except BaseException as exc:
        _put_back(placed, kept, staging, made)
        if isinstance(exc, OSError):
            raise OwcfError([_problem(_final_path(exc, staging, out_dir), _WHY.get(
                exc.errno or 0, f"cannot be written ({exc.strerror or exc})"))]) from exc
        raise
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in files]


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Make ``folder`` and any missing folders above it, noting each one made."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            if not path.is_dir():
                raise
            continue  # made meanwhile by another writer (report --all's workers): not ours
        made.append(path)


def _put_back(placed: list[Path], kept: list[tuple[Path, Path]], staging: Path | None,
              made: list[Path]) -> None:
    """Undo a write that failed part way: as if it had never started."""
    for path in placed:
        with contextlib.suppress(OSError):
            path.unlink()
    for final, aside in kept:
        with contextlib.suppress(OSError):
            os.replace(aside, final)
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _final_path(exc: OSError, staging: Path | None, out_dir: Path) -> Path:
    """The path a person knows for a failed operation: the output file, not the staged
    copy."""
    if not exc.filename:
        return out_dir
    path = Path(os.fsdecode(exc.filename))
    if path.name.startswith(".owcf-"):  # the staging folder could not be made
        return path.parent
    if staging is not None:
        for part in ("new", "old"):
            with contextlib.suppress(ValueError):
                return out_dir / path.relative_to(staging / part)
        if path == staging:
            return out_dir
    return path
