"""Ground for every file owcf writes: deterministic JSON and CSV text (CSV cells safe for
spreadsheets), the one clock a run may read (``SOURCE_DATE_EPOCH``), and writing a set of
files all or none. Imports nothing of owcf but :mod:`owcf.errors`."""

from __future__ import annotations

import csv
import datetime as dt
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
        return spreadsheet_safe(";".join(str(v) for v in value))
    return spreadsheet_safe(value)


def to_json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def refuse_overwrite(files: Mapping[str, bytes], out_dir: Path, hint: str) -> None:
    """Raise ``output-exists`` naming every one of ``files`` already in ``out_dir`` (a file
    someone may have edited); ``hint`` says what to do instead."""
    there = [out_dir / name for name in files if (out_dir / name).exists()]
    if there:
        raise OwcfError([Problem("output-exists", f"already there: {hint}", file=str(path))
                         for path in there])


def write_files(files: Mapping[str, bytes], out_dir: Path) -> list[Path]:
    """Write every file or none: stage them beside ``out_dir``, then move each into place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".owcf-", dir=out_dir))
    written = []
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for name in files:
            final = out_dir / name
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, final)
            written.append(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
