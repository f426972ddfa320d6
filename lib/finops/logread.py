"""Reading a call log file into DuckDB so that every failure is a message, never a parser's traceback.

A file the readers cannot take (not UTF-8, a row with too few or too many fields, an unclosed quote,
a cell past the csv module's field limit, an empty or truncated Parquet file, something that is not
Parquet at all) raises ``DataValidationError`` with a ``CallLogProblem`` naming the file and, where
the file lets us know them, the row and column. The values in a file that reads are checked by
``lib.finops.logrules``.

The fast path is untouched: pyarrow reads a CSV, DuckDB reads Parquet in place. Only when pyarrow
refuses a CSV does a second, slower pass with Python's csv module look for the first bad row, so a
good log costs nothing extra.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from lib.data.validation import DataValidationError
from lib.finops.logschema import CallLogProblem, _sql_string

PARQUET_MAGIC = b"PAR1"
# Names the reader adds to a log (the 1-based row number; DuckDB's Parquet row numbering): a log
# column of such a name would be taken for the row number, so it is refused.
RESERVED = ("__row", "file_row_number")


def _first_line(error: BaseException, limit: int = 300) -> str:
    """The engine's first line (the rest is a SQL echo or a traceback), cut to ``limit`` characters."""
    text = str(error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line if len(line) <= limit else line[:limit] + " ..."


@contextmanager
def read_errors(path: str | Path, doing: str = "as a call log") -> Iterator[None]:
    """Turn a DuckDB or Arrow error raised inside the block into a ``DataValidationError`` on ``path``.

    The reason keeps the engine's first line (it often names the column) and drops its SQL echo;
    the row is not known at this level, so none is named.
    """
    try:
        yield
    except (duckdb.Error, pa.ArrowException) as error:
        raise DataValidationError([CallLogProblem(str(path), f"could not be read {doing}: {_first_line(error)}")]
                                  ) from error


def register_raw_log(con: duckdb.DuckDBPyConnection, path: str | Path, view: str = "calls_raw") -> list[str]:
    """Expose the file as ``view`` with a 1-based ``__row`` column (data row number); returns its columns.

    Parquet is read in place by DuckDB; a CSV is read by pyarrow with every column as text (only an
    empty cell is NULL: ``NA`` is a tenant's name and ``nan`` a bad token count, not a blank), so a
    malformed cell reaches the validator as written instead of failing inside a parser.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: the call log does not exist")
    suffix = p.suffix.lower()
    if suffix == ".parquet":
        _check_parquet_file(p)
        with read_errors(p, "as Parquet"):
            source = f"read_parquet('{_sql_string(str(p))}')"
            names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
            _check_names(p, names, RESERVED)
            con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT *, file_row_number + 1 AS __row "
                        f"FROM read_parquet('{_sql_string(str(p))}', file_row_number = true)")
            columns = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
    elif suffix == ".csv":
        table = _read_csv(p)
        table = table.append_column("__row", pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64)))
        with read_errors(p, "as CSV"):
            con.register(f"{view}_arrow", table)
            con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {view}_arrow")
            columns = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
    else:
        raise ValueError(f"{p}: a call log must be a .parquet or .csv file")
    return [c for c in columns if c != "__row"]


def _refuse(path: Path, reason: str, row: int | None = None, column: str | None = None) -> DataValidationError:
    return DataValidationError([CallLogProblem(str(path), reason, row, column)])


def _check_parquet_file(p: Path) -> None:
    """An empty file, or one without Parquet's magic bytes at both ends, is refused before DuckDB sees it."""
    if p.is_dir():
        raise _refuse(p, "is a directory, not a Parquet file")
    size = p.stat().st_size
    if size == 0:
        raise _refuse(p, "the file is empty (0 bytes): not a Parquet file")
    with p.open("rb") as fh:
        head = fh.read(4)
        fh.seek(max(0, size - 4))
        tail = fh.read(4)
    if head != PARQUET_MAGIC or tail != PARQUET_MAGIC or size < 12:
        kind = "is truncated (it starts like Parquet but does not end like it)" if head == PARQUET_MAGIC else (
            "is not a Parquet file")
        raise _refuse(p, f"{kind}: a Parquet file starts and ends with the bytes 'PAR1' "
                         f"(this one starts with {head!r} and ends with {tail!r})")


def _read_csv(p: Path) -> pa.Table:
    """The CSV as an all-text Arrow table, or a ``DataValidationError`` naming the first bad rows."""
    with p.open("rb") as fh:
        head = fh.read(4)
    if head == PARQUET_MAGIC:
        raise _refuse(p, "is a Parquet file, not a CSV: name it .parquet", 0)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise _refuse(p, "is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8", 0)
    header = _header(p)
    try:
        # A quoted cell may hold a line break (as the csv module reads it), even across pyarrow's blocks.
        return pacsv.read_csv(p, parse_options=pacsv.ParseOptions(newlines_in_values=True),
                              convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in header},
                                                                   strings_can_be_null=True, null_values=[""]))
    except pa.ArrowException as error:
        problems = _diagnose_csv(p, header)
        if not problems:
            problems = [CallLogProblem(str(p), f"could not be read as CSV: {_first_line(error)}")]
        raise DataValidationError(problems) from error


def _header(p: Path) -> list[str]:
    with p.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as fh:
        try:
            header = next(csv.reader(fh), [])
        except csv.Error as error:
            raise _refuse(p, f"the header row cannot be read as CSV: {error}", 0) from error
    if not header:
        raise _refuse(p, "the file is empty: no header row")
    if any("\x00" in name for name in header):
        raise _refuse(p, "the header row holds a NUL byte: this is a binary file, not CSV text", 0)
    for j, name in enumerate(header):
        bad = _bad_byte(name)
        if bad is not None:
            raise _refuse(p, f"header field {j + 1} {bad}", 0)
    _check_names(p, header, RESERVED[:1])
    return header


def _check_names(p: Path, names: list[str], reserved: tuple[str, ...]) -> None:
    """A column name used twice, or one the reader reserves, would make a row number or a value ambiguous."""
    for name in dict.fromkeys(names):
        where = [j + 1 for j, n in enumerate(names) if n == name]
        if len(where) > 1:
            raise _refuse(p, f"the header names this column {len(where)} times (fields "
                             f"{', '.join(map(str, where))}): which one holds the value is ambiguous", 0, name)
        if name in reserved:
            raise _refuse(p, "is a name the reader reserves for its row numbers: rename the column", 0, name)


def _bad_byte(cell: str) -> str | None:
    """Why a cell read with ``surrogateescape`` is not UTF-8 text (None when it is)."""
    for ch in cell:
        if "\udc80" <= ch <= "\udcff":
            byte = ord(ch) - 0xDC00
            return (f"holds the byte 0x{byte:02x}, which is not UTF-8 (in Latin-1 it is "
                    f"{bytes([byte]).decode('latin-1')!r}): save the file as UTF-8")
    return None


def _diagnose_csv(p: Path, header: list[str]) -> list[CallLogProblem]:
    """The first row of each kind of reading problem pyarrow stopped at, with how many rows have it.

    Rows are numbered as the validator numbers them: data rows from 1, blank lines skipped (pyarrow
    skips them too). A problem the csv module raises (a cell past its field limit) ends the scan.
    """
    found: dict[tuple[str, str | None], list] = {}  # (kind, column) -> [first row, reason, count]

    def note(kind: str, row: int, reason: str, column: str | None) -> None:
        entry = found.setdefault((kind, column), [row, reason, 0])
        entry[2] += 1

    width = len(header)
    row = 0
    with p.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        try:
            for cells in reader:
                if not cells:
                    continue
                row += 1
                for j, cell in enumerate(cells[:width]):
                    bad = _bad_byte(cell)
                    if bad is not None:
                        note("utf8", row, bad, header[j])
                if len(cells) < width:
                    quote = any("\n" in c or "\r" in c for c in cells)
                    hint = " (a quoted cell runs over the line end: is a closing quote missing?)" if quote else ""
                    note("short", row, f"has {len(cells)} fields, the header has {width}: no value for this "
                                       f"column or the ones after it{hint}", header[len(cells)])
                elif len(cells) > width:
                    note("long", row, f"has {len(cells)} fields, the header has {width}: an extra field after "
                                      f"column '{header[-1]}'", None)
        except csv.Error as error:
            note("csv", row + 1, f"cannot be read as CSV: {error}", None)
    problems = []
    for (_, column), (first, reason, count) in found.items():
        more = f" ({count:,} rows in all)" if count > 1 else ""
        problems.append(CallLogProblem(str(p), reason + more, first, column))
    return sorted(problems, key=lambda q: (q.row or 0, q.column or ""))
