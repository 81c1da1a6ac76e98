"""Helpers the platform readers and questionnaire writers share."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence

from owcf.files import source_date_epoch
from owcf.ingest.export import Role
from owcf.ingest.text import normalise

_BRACKETED = re.compile(r"^(?P<stem>.*?)\s*\[(?P<inner>[^\[\]]+)\]\s*$", re.S)


def text_variants(text: str) -> list[str]:
    """The ways a heading may name an item: whole, and for a grid or matrix question
    ("Question [Row]", "Question - Row") the row on its own and the question stem."""
    text = text.strip()
    out = [text]
    match = _BRACKETED.match(text)
    if match:
        out += [match["inner"], match["stem"]]
    for dash in (" - ", " – ", " — "):
        if dash in text:
            first, last = text.split(dash, 1)[1], text.rsplit(dash, 1)[1]
            out += [first, last]
    return list(dict.fromkeys(v.strip() for v in out if v.strip()))


def role_of(heading: str, table: Mapping[str, Role]) -> Role | None:
    """The role a platform gives a column by its (normalised) heading, if any."""
    return table.get(normalise(heading))


def headings_in(record: Iterable[str]) -> set[str]:
    """Normalised headings of one record, for detection."""
    return {normalise(c) for c in record if c.strip()}


def table(roles: Mapping[Role, Iterable[str]]) -> dict[str, Role]:
    """Normalised heading -> role, from role -> headings."""
    return {normalise(h): role for role, headings in roles.items() for h in headings}


def xlsx(sheets: Sequence[tuple[str, Sequence[Sequence[str]]]]) -> bytes:
    """An XLSX workbook of text cells, the same bytes for the same sheets: the document
    properties carry a fixed time (``SOURCE_DATE_EPOCH`` when set) and every part of the
    zip the same stamp, where openpyxl would write the time of writing."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for cells in sheet.iter_rows():
            for cell in cells:  # text that looks like a formula stays text
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    stamp = (source_date_epoch() or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).replace(tzinfo=None)
    book.properties.created = book.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def tsv(rows: Sequence[Sequence[str]], bom: bool = True) -> bytes:
    """Tab-separated UTF-8 text (with a byte-order mark, as spreadsheets expect), each
    cell quoted only where it holds a tab, a line break or a double quote."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\n").writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")


def stable_code(text: str, length: int) -> str:
    """``length`` letters and digits (base 36) that depend on ``text`` alone: the same
    code for the same id in every run and on every machine."""
    number = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
    digits = []
    for _ in range(length):
        number, rest = divmod(number, 36)
        digits.append("0123456789abcdefghijklmnopqrstuvwxyz"[rest])
    return "".join(digits)
