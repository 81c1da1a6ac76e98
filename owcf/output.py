"""Analysis results as flat rows, CSV text safe for spreadsheets, and JSON text; files
written all or none."""

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
from typing import TYPE_CHECKING, Any

from owcf.errors import OwcfError, Problem

if TYPE_CHECKING:  # for annotations only: `owcf actions` need not load pandas
    from owcf.analysis import Analysis
    from owcf.gaps import GapReport
    from owcf.trust import Trust

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


def analysis_rows(analysis: Analysis) -> list[dict[str, Any]]:
    """One row per group and colour, dimension or item: each colour, then its dimensions,
    each followed by its items. Withheld figures are empty, their reasons in ``suppressed``."""
    rows = []
    labels = [*analysis.categories, "blank"]
    for group in analysis.groups:
        key = {column: group.by.get(column) for column in analysis.by}
        for colour in group.colours:
            entries = [("colour", colour)]
            for dim in (d for d in group.dimensions if d.colour == colour.id):
                entries.append(("dimension", dim))
                entries += [("item", i) for i in group.items if i.dimension == dim.id]
            for scope, est in entries:
                row: dict[str, Any] = dict(key)
                row |= {"scope": scope, "id": est.id, "name": est.name,
                        "colour": est.colour or est.id, "dimension": est.dimension or "",
                        "n": est.n, "n_eff": est.n_eff, "mean": est.mean, "sd": est.sd,
                        "se": est.se, "ci_low": est.ci_low, "ci_high": est.ci_high}
                row |= {f"count_{lab}": est.counts.get(lab) for lab in labels}
                row["suppressed"] = ";".join(f"{k}={v}" for k, v in est.suppressed.items())
                rows.append(row)
    return rows


def gap_rows(report: GapReport) -> list[dict[str, Any]]:
    """One row per dimension, then per colour, in framework order."""
    rows = []
    for p in (*report.dimensions, *report.colours):
        d = p.to_dict()
        q = d.pop("questionnaire") or {}
        sources = d.pop("sources")
        d["questionnaire_mean"] = q.get("mean")
        d["questionnaire_n"] = q.get("n")
        d["evidence"] = ";".join(f"{s['id']}={s['value']:g}" for s in sources)
        rows.append(d)
    return rows


def action_rows(trust: Trust, today: dt.date, only_overdue: bool = False) -> list[dict[str, Any]]:
    """The trust's actions as rows, each marked overdue or not as of ``today``."""
    rows = []
    for action in trust.actions:
        late = action.overdue(today)
        if only_overdue and not late:
            continue
        rows.append({"id": action.number, "text": action.text, "owner": action.owner,
                     "due": action.due.isoformat() if action.due else None,
                     "status": action.status, "overdue": late,
                     "dimensions": list(action.dimensions), "progress": action.progress})
    return rows


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
