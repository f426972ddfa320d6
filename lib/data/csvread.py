"""A data CSV's bytes into rows, with every way the bytes can be wrong named by file, row and column.

``validation.load_table`` reads every CSV in ``data/`` (and every snapshot) through ``read_rows``,
so each file gets the same answer to the same bad input:

- not UTF-8 (a file saved as Latin-1 or Windows-1252): each cell holding a bad byte is named,
  with the byte; a UTF-16 or UTF-32 file (Excel's "Unicode text") is named as such;
- a NUL byte, another control character, or an invisible bidirectional override in a cell;
- a cell longer than ``MAX_CELL_CHARS`` (the csv module's own limit; here a message, not a
  traceback), and a file larger than ``MAX_CSV_BYTES``;
- a quote left open to the end of the file, or text after a closing quote in the same cell;
- an empty file, a folder, a pipe or device, an unreadable file.

A UTF-8 byte-order mark and CRLF or CR line endings are read as plain UTF-8 with LF.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lib.data.validation import DataValidationError, Problem

MAX_CELL_CHARS = 131_072  # the csv module's default field limit: a longer cell is refused, with its place
MAX_CSV_BYTES = 256 * 2**20  # the largest data file read; the book's are under 100 KB
# Characters no data cell holds: C0 controls but tab, LF and CR; DEL; bidirectional overrides and
# isolates, which make a cell display as something other than what it is.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_UNDECODED = re.compile(r"[\udc80-\udcff]")  # a byte that was not UTF-8, kept by errors="surrogateescape"
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
              (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))
_LIMIT_LOCK = threading.Lock()


@dataclass
class CsvRows:
    """A file's header and records; ``problems`` are cells that cannot be read as text."""

    header: list[str]
    rows: list[tuple[int, int, list[str]]]  # (data row, 1-based line it starts on, cells)
    problems: list[Problem] = field(default_factory=list)
    bad_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, cell index) already reported


def read_rows(path: str | Path, what: str) -> CsvRows:
    """Read one CSV; raise DataValidationError for a file that cannot be read as CSV at all."""
    path = Path(path)
    label = str(path)

    def fail(reason: str, *problems: Problem) -> DataValidationError:
        return DataValidationError([*problems, Problem(label, reason)])

    if not path.exists():
        raise fail(f"file not found (expected the {what} table)")
    if path.is_dir():
        raise fail(f"is a folder, not a CSV file (expected the {what} table)")
    if not path.is_file():  # a pipe or a device would block or never end
        raise fail(f"is not a regular file (a pipe or a device?), so not a CSV file (expected the {what} table)")
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise fail(f"is {size:,} bytes, over the {MAX_CSV_BYTES:,} a data file may be")
        raw = path.read_bytes()
    except OSError as err:
        raise fail(f"cannot be read: {err.strerror or err}") from err
    for bom, name in _WIDE_BOMS:
        if raw.startswith(bom):
            raise fail(f"is {name} text (it starts with a {name} byte-order mark); save it as UTF-8")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    text = raw.decode("utf-8", errors="surrogateescape")
    if not text.strip():
        raise fail("file is empty: expected a header row and data rows")

    records, parse_error = _parse(text)
    if not records and parse_error is None:
        raise fail("file is empty: expected a header row and data rows")
    header = records[0][1] if records else []
    out = CsvRows(header=header, rows=[(i, line, cells) for i, (line, cells) in enumerate(records[1:], start=1)])
    names = [h.strip() for h in header]
    for row_no, (line, cells) in enumerate(records):
        for index, cell in enumerate(cells):
            reason = cell_problem(cell)
            if reason:
                column = names[index] if row_no and index < len(names) else f"#{index + 1}"
                out.problems.append(Problem(label, reason, row_no, column, None if line == row_no + 1 else line))
                out.bad_cells.add((row_no, index))
    if parse_error is not None:
        row_no, line, index, reason = parse_error
        column = (names[index] if row_no and index < len(names) else f"#{index + 1}") if index is not None else None
        raise DataValidationError([*out.problems, Problem(label, reason, row_no, column,
                                                          None if line == row_no + 1 else line)])
    return out


def cell_problem(cell: str) -> str | None:
    """Why a cell's text cannot be data, or None."""
    if len(cell) > MAX_CELL_CHARS:
        return (f"the cell is {len(cell):,} characters long, over the limit of {MAX_CELL_CHARS:,} "
                "(is a quote left open?)")
    bad = _UNDECODED.search(cell)
    if bad:
        byte = ord(bad.group()) - 0xDC00
        return (f"byte 0x{byte:02X} at character {bad.start() + 1} of {shown(cell)} is not UTF-8: the file looks "
                "saved as Latin-1 or Windows-1252; save it as UTF-8")
    bad = _FORBIDDEN.search(cell)
    if bad:
        char = bad.group()
        name = "NUL" if char == "\x00" else unicodedata.name(char, "a control character")
        return (f"character {bad.start() + 1} of {shown(cell)} is U+{ord(char):04X} ({name}), which no data "
                "cell holds (a binary file, or text pasted with hidden characters?)")
    return None


def shown(text: str, limit: int = 60) -> str:
    """A cell as a message can show it: quoted, undecoded bytes and control characters escaped, cut short."""
    cut = text if len(text) <= limit else text[:limit - 3] + "..."
    return "'" + escaped(cut) + "'"


def escaped(text: str) -> str:
    """``text`` with undecoded bytes as \\xNN and control or bidirectional characters as \\uNNNN."""
    def one(m: re.Match[str]) -> str:
        c = m.group()
        if "\udc80" <= c <= "\udcff":
            return f"\\x{ord(c) - 0xDC00:02x}"
        return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
    return re.sub(r"[\udc80-\udcff\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", one, text)


def _parse(text: str) -> tuple[list[tuple[int, list[str]]], tuple[int, int, int | None, str] | None]:
    """[(line, cells)] for each record, header first; and the first parse error as (row, line, cell, reason)."""
    records: list[tuple[int, list[str]]] = []
    # strict: a quote left open to the end, or text after a closing quote, is an error, not a guess.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    with _LIMIT_LOCK:
        # The cell length is checked by cell_problem, which names the cell; the csv module's own
        # limit would raise without a row or column. Restored at once (it is process-wide).
        previous = csv.field_size_limit(max(len(text) + 1, csv.field_size_limit()))
        try:
            line = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return records, None
                except csv.Error as err:
                    return records, (len(records), line, *_where_quote_fails(text, line, err))
                records.append((line, cells))
                line = reader.line_num + 1
        finally:
            csv.field_size_limit(previous)


def _where_quote_fails(text: str, line: int, err: csv.Error) -> tuple[int | None, str]:
    """(cell index, reason) for a strict-mode error in the record that starts on ``line``."""
    lines = io.StringIO(text, newline="").readlines()
    pos = sum(len(s) for s in lines[:line - 1])
    index, quoted, start = 0, False, True
    opened = None
    while pos < len(text):
        c = text[pos]
        if start and c == '"':
            quoted, opened = True, index
        elif quoted and c == '"':
            following = text[pos + 1] if pos + 1 < len(text) else ""
            if following == '"':
                pos += 1
            elif following in (",", "\r", "\n", ""):
                quoted = False
            else:
                return index, ("text follows the closing quote of this cell; a quote inside a quoted cell "
                               'is written twice ("")')
        elif not quoted and c == ",":
            index += 1
            start = True
            pos += 1
            continue
        elif not quoted and c in "\r\n":
            break
        start = False
        pos += 1
    if quoted:
        return opened, "a quote opens this cell and is never closed: the cell runs to the end of the file"
    return None, f"the CSV cannot be parsed here: {err}"
