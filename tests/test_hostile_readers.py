"""Hostile input on every reader of data CSVs and price feeds: real malformed files, real local servers.

Each case asserts that the message names the file (or URL), the row and column where there is
one, and the reason; and that nothing was written: a failed read leaves every file as it was.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lib.data import tables
from lib.data.validation import DataValidationError, load_table
from tests.conftest import ROOT, snapshot

MARK = "\u2603"  # a character no data file holds: where a test puts its bad byte


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ to break one file at a time (cross-file checks read the siblings)."""
    dest = tmp_path / "data"
    shutil.copytree(ROOT / "data", dest)
    return dest


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]], *, bad: bytes = b"") -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8").replace(MARK.encode("utf-8"), bad))


def _text_column(filename: str) -> tuple[int, str]:
    """The first free-text column of a table (a str column without a closed set of values)."""
    spec = tables.TABLES[filename]
    for i, col in enumerate(spec.columns):
        if col.kind == "str" and col.choices is None:
            return i, col.name
    raise AssertionError(f"{filename} has no free-text column")


def _break_cell(path: Path, filename: str, bad: bytes, row: int = 1) -> tuple[str, int, int]:
    """Put ``bad`` bytes in data row ``row`` (or the last) of the first free-text column: (column, row, character)."""
    rows = _rows(path)
    name = _text_column(filename)[1]
    index = rows[0].index(name)
    row = min(row, len(rows) - 1)
    at = min(3, len(rows[row][index]))
    rows[row][index] = rows[row][index][:at] + MARK + rows[row][index][at:]
    _write(path, rows, bad=bad)
    return name, row, at + 1


def _load(path: Path, filename: str) -> pd.DataFrame:
    if filename == "price_feed_map.csv":
        return tables.load_price_feed_map(path)
    return load_table(path, tables.TABLES[filename])


def _message(path: Path, filename: str) -> str:
    before = snapshot(path.parent)
    with pytest.raises(DataValidationError) as caught:
        _load(path, filename)
    assert snapshot(path.parent) == before, "a failed read wrote or changed a file"
    return str(caught.value)


# --- the same bad bytes in every data CSV -----------------------------------------------------------

@pytest.mark.parametrize("filename", sorted(tables.TABLES))
def test_a_latin1_byte_in_any_data_file_names_file_row_and_column(data_copy, filename):
    path = data_copy / filename
    column, row, at = _break_cell(path, filename, b"\xe9", row=2)  # "é" as Latin-1 writes it
    message = _message(path, filename)
    assert f"{path}, row {row} (line {row + 1}), column '{column}': byte 0xE9 at character {at} of" in message
    assert "is not UTF-8" in message and "Latin-1" in message and "\\xe9" in message


@pytest.mark.parametrize("filename", sorted(tables.TABLES))
def test_a_nul_byte_in_any_data_file_names_file_row_and_column(data_copy, filename):
    path = data_copy / filename
    column, row, at = _break_cell(path, filename, b"\x00")
    message = _message(path, filename)
    assert f"{path}, row {row} (line {row + 1}), column '{column}': character {at} of" in message
    assert "U+0000 (NUL)" in message and "\x00" not in message


@pytest.mark.parametrize("filename", sorted(tables.TABLES))
def test_bom_and_crlf_read_exactly_as_the_plain_file(data_copy, filename):
    path = data_copy / filename
    expected = _load(path, filename)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    pd.testing.assert_frame_equal(_load(path, filename), expected)
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))  # old Mac line endings
    pd.testing.assert_frame_equal(_load(path, filename), expected)


# --- one file, each way its bytes can be wrong ---------------------------------------------------------

LEVERS = "cost_levers.csv"


def test_a_cell_over_the_csv_field_limit_is_named_not_a_traceback(data_copy):
    path = data_copy / LEVERS
    rows = _rows(path)
    rows[3][rows[0].index("notes")] = "x" * (csv.field_size_limit() + 10)
    _write(path, rows)
    message = _message(path, LEVERS)
    assert f"{path}, row 3 (line 4), column 'notes': the cell is 131,082 characters long" in message
    assert "over the limit of 131,072" in message
    assert csv.field_size_limit() == 131_072  # the process-wide limit is restored


def test_a_quote_left_open_names_the_cell_where_it_opens(data_copy):
    path = data_copy / LEVERS
    rows = _rows(path)
    rows[-1][8] = "a plain note"  # no quote after the open one: it runs to the end of the file
    rows[-1][1] = MARK + rows[-1][1]
    _write(path, rows, bad=b'"')
    n = len(rows) - 1
    message = _message(path, LEVERS)
    assert f"{path}, row {n} (line {n + 1}), column 'lever': a quote opens this cell and is never closed" in message


def test_text_after_a_closing_quote_names_the_cell(data_copy):
    path = data_copy / LEVERS
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = next(csv.reader([text[2]]))
    text[2] = text[2].replace(f",{cells[2]},", f',"{cells[2]}" and more,', 1)
    path.write_text("".join(text), encoding="utf-8")
    message = _message(path, LEVERS)
    assert f"{path}, row 2 (line 3), column 'example': text follows the closing quote" in message


@pytest.mark.parametrize("content, reason", [
    (b"", "file is empty"),
    (b" \n\r\n", "file is empty"),
    (b"\xef\xbb\xbf", "file is empty"),
    ("lever_id,lever\nx,y\n".encode("utf-16"), "is UTF-16 text"),
    ("lever_id,lever\nx,y\n".encode("utf-32"), "is UTF-32 text"),
], ids=["empty", "blank-lines", "bom-only", "utf-16", "utf-32"])
def test_empty_and_wide_text_files_are_named(data_copy, content, reason):
    path = data_copy / LEVERS
    path.write_bytes(content)
    assert f"{path}: {reason}" in _message(path, LEVERS)


def test_a_folder_or_unreadable_file_is_a_message(data_copy):
    path = data_copy / LEVERS
    path.unlink()
    path.mkdir()
    assert f"{path}: is a folder, not a CSV file" in _message(path, LEVERS)


def test_a_latin1_header_and_a_multiline_cell_are_placed_exactly(data_copy):
    path = data_copy / LEVERS
    rows = _rows(path)
    rows[0][8] = "not" + MARK + "es"
    rows[1][8] = "first line\nsecond line"  # a quoted cell over two lines: the next rows start a line later
    rows[3][1] = "x" + MARK
    _write(path, rows, bad=b"\xe9")
    message = _message(path, LEVERS)
    assert f"{path}, row 0 (line 1), column '#9': byte 0xE9 at character 4 of 'not\\xe9es'" in message
    assert f"{path}, row 3 (line 5), column 'lever': byte 0xE9" in message
    assert "unknown column" in message and "'not\\xe9es'" in message


def test_control_characters_in_a_cell_are_refused_and_escaped_in_the_message(data_copy):
    path = data_copy / LEVERS
    column, _, _ = _break_cell(path, LEVERS, b"\x1b[2J")  # an ANSI "clear screen"
    message = _message(path, LEVERS)
    assert f"{path}, row 1 (line 2), column '{column}'" in message and "U+001B" in message
    assert "\x1b" not in message and "\\x1b[2J" in message


def test_an_empty_feed_issues_report_is_an_empty_table_and_a_bad_one_a_message(tmp_path):
    header = tmp_path / "api_prices.litellm.2026-11-23.issues.csv"
    header.write_text(",".join(tables.FEED_ISSUES.column_names) + "\r\n", encoding="utf-8-sig")
    assert tables.load_feed_issues(header).empty
    header.write_bytes(header.read_bytes().replace(b"reason", b"r\xe9ason"))
    with pytest.raises(DataValidationError, match=r"issues\.csv, row 0 \(line 1\), column '#7': byte 0xE9"):
        tables.load_feed_issues(header)

