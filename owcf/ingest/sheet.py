"""A responses file as text cells, however it arrived: CSV or XLSX, any common encoding.

CSV files are decoded by their byte-order mark (UTF-8, UTF-16), else as UTF-8 if they
are valid UTF-8, else as Windows-1252 (what Excel on Windows writes) if they read cleanly
that way and hold no UTF-8 at all. A file that is UTF-8 but for a few bytes is refused,
naming the row and column of the first bad byte: read as Windows-1252 it would turn every
accented letter into nonsense without a word. The delimiter
(comma, semicolon, tab or bar) is the one that splits the first records into the same
number of cells. Large UTF-8 files are parsed by pyarrow's multi-threaded CSV reader
straight from the file's bytes; files pyarrow cannot take as they are (rows of uneven
length) go through Python's csv module instead, which is slower but forgiving.

Every record is kept, blank ones too, so record ``i`` is always spreadsheet row ``i + 1``
and problems can name the row a person sees when they open the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import mmap
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from owcf.errors import ProblemLog
from owcf.model.sources import BYTES_BESIDES, BYTES_PER_CELL, MAX_CELLS, expansion_limit

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
_PREFIX = 1 << 16  # bytes looked at to sniff the encoding and the delimiter
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_MAP_FROM = 1 << 20  # files this large are mapped, not copied


@dataclass
class Sheet:
    """Every cell of one file (or its first worksheet) as text, and how it was read."""

    file: str
    kind: str                    # "csv" or "xlsx"
    encoding: str | None         # human-readable, e.g. "UTF-8 with BOM"; None for XLSX
    delimiter: str | None        # None for XLSX
    sheet_name: str | None       # the worksheet read, for XLSX
    columns: list[pa.ChunkedArray | pa.Array]  # one per column, every record, all text
    extra_cells: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    raw: bytes | mmap.mmap = field(default=b"", repr=False)  # the file as read

    @property
    def size(self) -> int:
        return len(self.raw)

    @cached_property
    def sha256(self) -> str:
        """The SHA-256 of the bytes read, for the provenance record (made when asked
        for: analysing a file does not need it)."""
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def n_records(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def record(self, index: int) -> list[str]:
        """The cells of record ``index`` (0-based; spreadsheet row ``index + 1``)."""
        return [str(col[index].as_py()) for col in self.columns]

    def describe(self) -> str:
        """'UTF-8 with BOM, semicolon-separated' or 'XLSX, worksheet Sheet1'."""
        if self.kind == "xlsx":
            return f"XLSX, worksheet {self.sheet_name!r}"
        return f"{self.encoding}, {DELIMITER_NAMES.get(self.delimiter or ',', 'comma')}-separated"


def read_sheet(path: Path, log: ProblemLog, max_cells: int = MAX_CELLS) -> Sheet | None:
    """Read ``path`` as text cells; problems (missing, unreadable, empty, an XLSX beyond
    ``max_cells``) go to ``log``."""
    file = str(path)
    try:
        data = _contents(path)
    except FileNotFoundError:
        log.add("file-not-found", "no such file", file=file)
        return None
    except IsADirectoryError:
        log.add("file-unreadable", "is a folder, not a file", file=file)
        return None
    except OSError as exc:
        log.add("file-unreadable", exc.strerror or str(exc), file=file)
        return None
    head = data[:_PREFIX]
    if not head.strip() and not bytes(data).strip():
        log.add("no-responses", "the file is empty", file=file)
        return None
    if head.startswith(_XLS_MAGIC):
        log.add("file-unreadable", "this is an old Excel .xls workbook: save it as .xlsx or CSV "
                "and ingest that", file=file)
        return None
    if head.startswith(_XLSX_MAGIC):
        sheet = _read_xlsx(data, file, log, max_cells)
    else:
        sheet = _read_csv(data, file, log)
    if sheet is not None:
        sheet.raw = data
    return sheet


def _contents(path: Path) -> bytes | mmap.mmap:
    """The file's bytes. A large regular file is mapped into memory rather than copied:
    the parser reads the operating system's cached pages where they are."""
    with path.open("rb") as handle:
        status = os.fstat(handle.fileno())
        if stat.S_ISREG(status.st_mode) and status.st_size >= _MAP_FROM:
            try:
                return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # a file system that cannot map files
                pass
        return handle.read()


def cell_bytes(cells: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A text column's bytes read in place, no copy: cell ``i`` is
    ``raw[ends[i]:ends[i + 1]]`` (string or large_string arrays)."""
    width = np.dtype(np.int64 if pa.types.is_large_string(cells.type) else np.int32)
    _, offsets, data = cells.buffers()
    n = len(cells)
    ends = np.frombuffer(offsets, dtype=width, count=n + 1, offset=cells.offset * width.itemsize) \
        if offsets is not None else np.zeros(n + 1, dtype=width)
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return ends, raw


def _ascii(data: memoryview) -> bool:
    """True if every byte is ASCII (and so valid UTF-8 that need not be checked again)."""
    return bool(np.frombuffer(data, dtype=np.uint8).max(initial=0) < 0x80)


# -- CSV -------------------------------------------------------------------------------

def _decode_start(head: bytes) -> tuple[str, str, int]:
    """(codec, human name, bytes of byte-order mark) from the first bytes of a text file;
    "utf-8" for a file with no mark that is not UTF-16 (checked later)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", "UTF-8 with BOM", 3
    if head.startswith(codecs.BOM_UTF32_LE):  # before UTF-16: its BOM begins the same
        return "utf-32-le", "UTF-32 with BOM", 4
    if head.startswith(codecs.BOM_UTF32_BE):
        return "utf-32-be", "UTF-32 (big-endian) with BOM", 4
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", "UTF-16 with BOM", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", "UTF-16 (big-endian) with BOM", 2
    # UTF-16 without a BOM still shows as a zero byte beside every ASCII character
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return "utf-16-le", "UTF-16 (no BOM)", 0
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return "utf-16-be", "UTF-16 (big-endian, no BOM)", 0
    return "utf-8", "UTF-8", 0


# a character that UTF-8 decoding with surrogateescape made from a valid multi-byte
# sequence, not from a stray byte
_DECODED_UTF8 = re.compile("[^\x00-\x7f\udc80-\udcff]")
_STRAY_BYTE = re.compile("[\udc80-\udcff]")


def _not_utf8(body: bytes, bom: bool, encoding: str, file: str, log: ProblemLog
              ) -> tuple[str | None, str]:
    """Text and encoding of a file that is not valid UTF-8: Windows-1252 if it holds no
    UTF-8 sequence at all and reads cleanly that way; else None, with the first bad byte
    located in ``log``."""
    mixed = body.decode("utf-8", "surrogateescape")
    if not bom and not _DECODED_UTF8.search(mixed):
        try:
            return body.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as exc:
            why = (f"neither UTF-8 nor Windows-1252 (byte 0x{body[exc.start]:02X} at offset "
                   f"{exc.start} is in neither)")
    else:
        why = f"{encoding} but for a few bytes, so not Windows-1252 either"
    bad = _STRAY_BYTE.search(mixed)
    assert bad is not None  # the file is not valid UTF-8
    offset = len(mixed[:bad.start()].encode("utf-8", "surrogateescape"))
    row, column = _locate(mixed)
    log.add("file-unreadable", f"the file is {why}: the first byte that is not UTF-8 is "
            f"0x{body[offset]:02X} (offset {offset + (3 if bom else 0)}); save it again as UTF-8 "
            "(in Excel: CSV UTF-8)", file=file, row=row, column=column)
    return None, encoding


def _locate(text: str) -> tuple[int | None, str | None]:
    """The spreadsheet row and column heading of the first stray byte in a CSV ``text``
    (decoded with surrogateescape)."""
    delimiter = sniff_delimiter(text[:_PREFIX])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        heading = next(reader, [])
        for index, record in enumerate(itertools.chain([heading], reader)):
            for position, cell in enumerate(record):
                if _STRAY_BYTE.search(cell):
                    name = heading[position] if position < len(heading) else ""
                    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                    return index + 1, name.strip() or _letter(position)
    except csv.Error:
        pass
    return None, None


def _letter(position: int) -> str:
    n, out = position + 1, ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the same, largest number of cells."""
    lines = text.splitlines(keepends=True)
    # the last line of a prefix may be cut short, so leave it out unless it is all we have
    sample = "".join(lines[:-1] if len(lines) > 1 else lines)
    best, best_score = ",", (False, 1)
    for delimiter in DELIMITERS:
        try:
            records = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter)][:8]
        except csv.Error:
            continue
        records = [r for r in records if any(c.strip() for c in r)]
        if not records:
            continue
        widths = {len(r) for r in records}
        score = (len(widths) == 1 and len(records[0]) > 1, len(records[0]))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes | mmap.mmap, file: str, log: ProblemLog) -> Sheet | None:
    codec, encoding, bom = _decode_start(data[:_PREFIX])
    body = memoryview(data)[bom:]
    text: str | None = None
    if codec != "utf-8":
        try:
            text = bytes(body).decode(codec)
        except UnicodeDecodeError as exc:
            log.add("file-unreadable", f"not valid {encoding} text (byte {exc.start + bom})",
                    file=file)
            return None
    elif not _utf8_start(body):  # not UTF-8 from the start: look at the whole file
        text, encoding = _not_utf8(bytes(body), bool(bom), encoding, file, log)
        if text is None:
            return None
    prefix = text[:_PREFIX] if text is not None else \
        codecs.getincrementaldecoder("utf-8")().decode(bytes(body[:_PREFIX]), final=False)
    delimiter = sniff_delimiter(prefix)
    width = _first_record_width(prefix, delimiter)

    columns = None
    # without a quote no value can hold a line break
    quoted = data.find(b'"', bom) >= 0 if text is None else '"' in text
    if text is None:  # UTF-8 as it stands: hand pyarrow the file's bytes, no copy
        columns = _parse_fast(pa.py_buffer(body), delimiter, width, quoted,
                              check_utf8=bool(bom) or not _ascii(body))
        if columns == "not-utf-8":
            text, encoding = _not_utf8(bytes(body), bool(bom), encoding, file, log)
            if text is None:
                return None
            columns = None
    if columns is None and text is not None:
        encoded = text.encode("utf-8")
        columns = _parse_fast(pa.py_buffer(encoded), delimiter, width, quoted)
    if isinstance(columns, list):
        if quoted and any(_holds_line_breaks(column) for column in columns):
            text = bytes(body).decode("utf-8") if text is None else text
            if not _quotes_close(text, delimiter, file, log):
                return None
        return Sheet(file, "csv", encoding, delimiter, None, columns)
    if text is None:  # rows of uneven length, which pyarrow refuses before checking UTF-8
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            text, encoding = _not_utf8(bytes(body), bool(bom), encoding, file, log)
            if text is None:
                return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        log.add("file-unreadable", f"not readable as CSV: {exc}", file=file)
        return None
    if any("\n" in cell or "\r" in cell for row in rows for cell in row) \
            and not _quotes_close(text, delimiter, file, log):
        return None
    return _from_rows(rows, file, "csv", encoding, delimiter, None)


def _holds_line_breaks(column: pa.ChunkedArray) -> bool:
    import pyarrow.compute as pc

    return any(pc.any(pc.match_substring(column, end)).as_py() for end in ("\n", "\r"))


def _quotes_close(text: str, delimiter: str, file: str, log: ProblemLog) -> bool:
    """Whether every quoted value of a CSV ``text`` ends where CSV says it must (at a
    delimiter or the end of a line). A value that holds line breaks is read past them, so
    a '"' that opens a value and is never closed there turns every later row into that
    value: the rows would be lost without a word, their cells (names, emails) carried
    into the one answer. Checked only where some value holds a line break."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    row, line = 0, 1
    try:
        for _ in reader:
            row, line = row + 1, reader.line_num + 1
    except csv.Error as exc:
        where = ("runs on to the end of the file" if "end of data" in str(exc) else
                 f"has more text after its closing '\"' on line {reader.line_num}")
        log.add("file-unreadable", f"a quoted value opens on line {line} and {where}: a '\"' "
                "is not closed where it should be, so the rows after it would be read into "
                "that value; correct the quotes and ingest the file again",
                file=file, row=row + 1)
        return False
    return True


def _utf8_start(body: memoryview) -> bool:
    """True if the first block of ``body`` is UTF-8 (a character cut at its end aside)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(bytes(body[:_PREFIX]),
                                                         final=len(body) <= _PREFIX)
    except UnicodeDecodeError:
        return False
    return True


def _first_record_width(prefix: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader(io.StringIO(prefix, newline=""), delimiter=delimiter), []))
    except csv.Error:
        return 0


def _parse_fast(buffer: pa.Buffer, delimiter: str, width: int, quoted: bool,
                check_utf8: bool = True) -> list[pa.ChunkedArray] | str | None:
    """All records as string columns via pyarrow; None if the rows are uneven (the slow
    path handles those), "not-utf-8" if the bytes are not UTF-8."""
    if width < 1:
        return None
    read = pacsv.ReadOptions(autogenerate_column_names=True, use_threads=True)
    # without a quote character no value can hold a line break, and pyarrow can then
    # split the file into blocks for its threads without scanning for quotes
    parse = pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                               escape_char=False, ignore_empty_lines=False,
                               newlines_in_values=quoted)
    # plain ASCII is valid UTF-8: pyarrow need not check every string again
    convert = pacsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(width)},
                                   strings_can_be_null=False, quoted_strings_can_be_null=False,
                                   check_utf8=check_utf8)
    try:
        table = pacsv.read_csv(pa.BufferReader(buffer), read_options=read, parse_options=parse,
                               convert_options=convert)
    except pa.ArrowInvalid as exc:
        return "not-utf-8" if "UTF8" in str(exc) else None
    if table.num_columns != width:
        return None
    return [table.column(i) for i in range(width)]


def _from_rows(rows: list[list[str]], file: str, kind: str, encoding: str | None,
               delimiter: str | None, sheet_name: str | None) -> Sheet:
    """Columns from a list of records; cells beyond the heading row's width are flagged."""
    width = max((len(r) for r in rows[:1]), default=0)
    if kind == "xlsx":  # a worksheet's used range: trailing empty columns and rows go
        width = max((len(r) for r in rows), default=0)
    padded, extra = [], []
    for index, row in enumerate(rows):
        if len(row) > width:
            if any(c.strip() for c in row[width:]):
                extra.append(index)
            row = row[:width]
        padded.append(row + [""] * (width - len(row)))
    columns = [pa.array([r[j] for r in padded], type=pa.string()) for j in range(width)]
    return Sheet(file, kind, encoding, delimiter, sheet_name, columns,
                 np.array(extra, dtype=np.int64))


# -- XLSX ------------------------------------------------------------------------------

def _cell_text(value: object) -> str:
    """A worksheet value as the text a person sees (dates in ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep="T", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _too_large(file: str, what: str, log: ProblemLog) -> None:
    log.add("input-too-large", f"{what}; owcf refuses it before reading, as a workbook this "
            "size (or one built to expand, a zip bomb) could take minutes and gigabytes. If "
            "the file is genuine, raise the limit with --max-cells", file=file)


def _expansion(data: bytes | mmap.mmap, file: str, log: ProblemLog, max_cells: int) -> bool:
    """True if the workbook's parts, by the sizes its zip declares (which reading holds
    them to), expand to no more than :func:`expansion_limit` bytes."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        log.add("file-unreadable", f"not a readable XLSX workbook ({exc})", file=file)
        return False
    limit = expansion_limit(max_cells)
    if expanded > limit:
        _too_large(file, f"the workbook expands to {expanded:,} bytes, over the limit of "
                   f"{limit:,} ({BYTES_PER_CELL} bytes for each of --max-cells {max_cells:,} "
                   f"cells and {BYTES_BESIDES:,} besides)", log)
        return False
    return True


def _read_xlsx(data: bytes | mmap.mmap, file: str, log: ProblemLog,
               max_cells: int = MAX_CELLS) -> Sheet | None:
    import zipfile
    import zlib

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not _expansion(data, file, log, max_cells):
        return None
    # what openpyxl raises on a broken or hostile workbook: a bad zip, missing parts, broken
    # XML (the XML parsers raise SyntaxError subclasses), corrupt compressed data, values
    # of the wrong kind
    broken = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError,
              SyntaxError, EOFError, TypeError, AttributeError, IndexError, zlib.error)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except broken as exc:
        log.add("file-unreadable", f"not a readable XLSX workbook ({type(exc).__name__}: "
                f"{exc})", file=file)
        return None
    try:
        sheet = _worksheet(book, file, log, max_cells)
        if sheet is not None and not _formulas_hold_values(data, book, file, log):
            return None
        return sheet
    except broken as exc:
        log.add("file-unreadable", f"its first worksheet cannot be read ({type(exc).__name__}: "
                f"{exc})", file=file)
        return None
    finally:
        book.close()


def _formulas_hold_values(data: bytes | mmap.mmap, book: Any, file: str, log: ProblemLog) -> bool:
    """Whether every formula of the first worksheet has its result saved with it. A
    workbook written by a script (or an exporter that never calculates) keeps a formula
    with no value; read for values, it is an empty cell, so an answer would be lost
    without a word. Read again for formulas only where the worksheet holds one."""
    import zipfile

    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if not any(b"<f" in archive.read(n) for n in archive.namelist()
                   if n.startswith("xl/worksheets/") and n.endswith(".xml")):
            return True
    written_book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        pairs = zip(written_book.worksheets[0].iter_rows(values_only=True),
                    book.worksheets[0].iter_rows(values_only=True), strict=False)
        heading: tuple[Any, ...] = ()
        for index, (written, saved) in enumerate(pairs, start=1):
            heading = heading or written
            for position, (formula, value) in enumerate(zip(written, saved, strict=False)):
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    name = heading[position] if position < len(heading) else None
                    log.add("file-unreadable", f"the formula {formula[:40]} has no value "
                            "saved with it: open the workbook in a spreadsheet program and "
                            "save it again (it then keeps each formula's result), or save it "
                            "as CSV", file=file, row=index,
                            column=str(name) if name else _letter(position))
                    return False
    finally:
        written_book.close()
    return True


def _worksheet(book: Any, file: str, log: ProblemLog, max_cells: int) -> Sheet | None:
    """The first worksheet's cells, counted as they are read."""
    sheet = book.worksheets[0]
    name = sheet.title
    # the used range the worksheet declares, checked before reading; then every cell
    # is read (some writers record a wrong range) and counted as it comes
    declared = (sheet.max_row - sheet.min_row + 1) * (sheet.max_column - sheet.min_column + 1) \
        if sheet.max_row and sheet.max_column else 0
    if declared > max_cells:
        _too_large(file, f"worksheet {name!r} declares {declared:,} cells "
                   f"({sheet.calculate_dimension()}), over the limit of {max_cells:,}", log)
        return None
    sheet.reset_dimensions()
    rows: list[list[str]] = []
    cells = 0
    for row in sheet.iter_rows(values_only=True):
        cells += len(row)
        if cells > max_cells:
            _too_large(file, f"worksheet {name!r} holds more than {max_cells:,} cells "
                       f"(at row {len(rows) + 1:,})", log)
            return None
        rows.append([_cell_text(v) for v in row])
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        log.add("no-responses", f"worksheet {name!r} is empty", file=file)
        return None
    width = max(len(r) for r in rows)
    while width and not any(len(r) >= width and r[width - 1].strip() for r in rows):
        width -= 1
    rows = [r[:width] + [""] * (width - len(r)) for r in rows]
    return _from_rows(rows, file, "xlsx", None, None, name)
