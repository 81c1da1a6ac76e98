"""Submission times as platforms and spreadsheets write them.

Accepted: ISO 8601 (``2009-01-23T13:06:57``, with or without a time or zone), Google's
``2009/01/23 1:06:57 PM GMT``, day or month first (``23/01/2009 13:06``,
``1/23/2009 1:06:57 PM``, with ``/``, ``-`` or ``.``), month names (``23 Jan 2009``) and
Excel serial numbers (``39836.5458``). Time zones are dropped: the wall-clock time is
kept, as the platform showed it.

Whether ``03/04/2009`` is 3 April or 4 March is decided per column, from the evidence:
a first number above 12 means day first, a second number above 12 means month first.
With no evidence, the platform's habit decides (SurveyMonkey writes month first), else
day first, the UK convention. Only distinct texts are parsed, so a million timestamps
cost what their distinct values cost.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_ZONE = re.compile(r"(?<=[\dMm])(?:\s*(?:Z|(?:GMT|UTC)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?)|[+-]\d{2}:?\d{2})$",
                   re.I)
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\b")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_TIMES = (" %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p", "")
_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "s")


def _clean(text: str) -> str:
    text = " ".join(text.split())
    return _ZONE.sub("", text).strip() if ":" in text else text


def date_order(texts: pd.Series, hint: str | None) -> str:
    """'dmy' or 'mdy' for the numeric dates among ``texts`` (see the module docstring)."""
    parts = texts.str.extract(_NUMERIC_DATE).dropna()
    if parts.empty:
        return hint if hint in ("dmy", "mdy") else "dmy"
    first, second = parts[0].astype(int), parts[1].astype(int)
    if (first > 12).any():
        return "dmy"
    if (second > 12).any():
        return "mdy"
    return hint if hint in ("dmy", "mdy") else "dmy"


def _parse_distinct(texts: pd.Series, order: str) -> pd.Series:
    """datetime64 per text (NaT where nothing fits)."""
    out = pd.to_datetime(texts, format="ISO8601", errors="coerce")
    todo = out.isna() & (texts != "")
    if todo.any():
        numeric = texts.str.replace(r"^(\d{1,2})[./\- ]([A-Za-z]+|\d{1,2})[./\- ](\d{2,4})",
                                    r"\1/\2/\3", regex=True)
        days = "%d/%m" if order == "dmy" else "%m/%d"
        formats = [f"%Y/%m/%d{t}" for t in _TIMES]
        formats += [f"{days}/{y}{t}" for y in ("%Y", "%y") for t in _TIMES]
        formats += [f"%d {m} %Y{t}" for m in ("%b", "%B") for t in _TIMES]
        formats += [f"%d/{m}/{y}{t}" for m in ("%b", "%B") for y in ("%Y", "%y") for t in _TIMES]
        for fmt in formats:
            if not todo.any():
                break
            source = numeric if fmt.startswith(("%d/", "%m/")) else texts
            parsed = pd.to_datetime(source[todo], format=fmt, errors="coerce")
            out[todo] = parsed
            todo = out.isna() & (texts != "")
    if todo.any():
        serial = todo & texts.str.match(_SERIAL)
        if serial.any():
            days = texts[serial].astype(float)
            ok = days.between(20000, 80000)  # 1954 to 2119: a plausible submission date
            stamps = _EXCEL_EPOCH + (days[ok] * 86400).round().astype("int64").to_numpy() \
                .astype("timedelta64[s]")
            out[serial[serial].index[ok.to_numpy()]] = stamps
    return out


def parse_dates(values: pa.ChunkedArray | pa.Array, hint: str | None = None
                ) -> tuple[pd.Series, np.ndarray, str]:
    """(datetimes with NaT for blank or bad, mask of bad non-blank cells, order used)."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    distinct = pd.Series([_clean(t) for t in encoded.dictionary.to_pylist()], dtype=object)
    order = date_order(distinct.astype(str), hint)
    parsed = _parse_distinct(distinct.astype(str), order) if len(distinct) else \
        pd.Series([], dtype="datetime64[s]")
    bad = (parsed.isna() & (distinct != "")).to_numpy()
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    stamps = pd.Series(parsed.to_numpy()[indices]) if len(indices) else \
        pd.Series([], dtype="datetime64[s]")
    return stamps, bad[indices] if len(indices) else np.zeros(0, bool), order
