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
        # the day-month format here, the Excel serial day numbers below
        days: str | pd.Series[float] = "%d/%m" if order == "dmy" else "%m/%d"
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


#: ISO 8601 shapes pyarrow parses over the whole column at once (the common case)
_FAST = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def _parse_iso(texts: pa.ChunkedArray | pa.Array, out: np.ndarray, todo: np.ndarray) -> None:
    """Fill ``out`` where ``texts`` are plain ISO timestamps, in C; clear ``todo`` there."""
    for fmt in _FAST:
        where = np.flatnonzero(todo)
        if not len(where):
            return
        sub = texts if len(where) == len(texts) else texts.take(pa.array(where))
        parsed = pc.strptime(sub, format=fmt, unit="s", error_is_null=True)
        # strptime rolls 30 February over into March: a date is real only if its day stays
        # (and zero-padded: other shapes fall through to the careful path)
        day = pc.utf8_lpad(pc.cast(pc.day(parsed), pa.string()), 2, "0")
        real = pc.fill_null(pc.equal(pc.utf8_slice_codeunits(sub, 8, 10), day), False) \
            .to_numpy(zero_copy_only=False)
        if not real.any():
            continue
        seconds = pc.fill_null(pc.cast(parsed, pa.int64()), 0).to_numpy(zero_copy_only=False)
        out[where[real]] = seconds[real].astype("datetime64[s]")
        todo[where[real]] = False


def parse_dates(values: pa.ChunkedArray | pa.Array, hint: str | None = None
                ) -> tuple[pd.Series, np.ndarray, str]:
    """(datetimes with NaT for blank or bad, mask of bad non-blank cells, order used)."""
    n = len(values)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    todo = pc.binary_length(values).to_numpy(zero_copy_only=False) > 0
    where = np.flatnonzero(todo)
    try:  # the usual case: every cell ISO 8601, which Arrow's strict cast reads in one go
        cells = values if len(where) == n else values.take(pa.array(where))
        seconds = pc.cast(pc.cast(cells, pa.timestamp("s")), pa.int64())
        out[where] = seconds.to_numpy(zero_copy_only=False).astype("datetime64[s]")
        todo[:] = False
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        _parse_iso(values, out, todo)
    order = hint if hint in ("dmy", "mdy") else "dmy"
    rest = np.flatnonzero(todo)
    if len(rest):  # everything else, once per distinct text
        texts = pc.utf8_trim_whitespace(values.take(pa.array(rest)))
        encoded = pc.dictionary_encode(texts)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        distinct = pd.Series([_clean(t) for t in encoded.dictionary.to_pylist()], dtype=object)
        order = date_order(distinct.astype(str), hint)
        parsed = _parse_distinct(distinct.astype(str), order).to_numpy().astype("datetime64[s]")
        out[rest] = parsed[encoded.indices.to_numpy(zero_copy_only=False)]
        blank = (distinct == "").to_numpy()[encoded.indices.to_numpy(zero_copy_only=False)]
        todo[rest[blank]] = False  # only spaces: blank, not bad
    bad = np.isnat(out) & todo
    return pd.Series(out), bad, order
