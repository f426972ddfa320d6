"""A small CSV validator: schema, types, bounds, uniqueness and cross-column rules.

Every problem names the file, the data row (1 = first row under the header) and its line in
the file, the column, and the reason, so a reader can fix the CSV without reading code.
All problems of a file are collected before raising, so one run shows every mistake.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd
# pandas is imported by load_table, where it is used: the refresh imports this module for its
# error types, and a refresh that runs nothing should not pay for pandas (about 0.5 s).

Kind = Literal["str", "float", "int", "bool", "month", "time"]

_BOOL = {"true": True, "false": False}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_LISTED_PROBLEMS = 25
# Escaped when a message is shown: C0 controls but tab and LF, DEL, bidirectional controls, undecoded bytes.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069\udc80-\udcff]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell, row, column or file."""

    file: str
    reason: str
    row: int | None = None  # 1-based data row; the header is row 0
    column: str | None = None
    line: int | None = None  # the file's line the row starts on, where it is not row + 1 (a multi-line cell)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row} (line {self.line if self.line is not None else self.row + 1})")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        # A cell's text reaches a terminal: its control characters and undecoded bytes are escaped.
        return _printable(", ".join(where) + f": {self.reason}")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: (f"\\x{ord(m.group()) - 0xDC00:02x}" if ord(m.group()) >= 0xDC80
                                       else f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                       else f"\\u{ord(m.group()):04x}"), text)


class DataValidationError(ValueError):
    """Raised with every problem found in one file."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        shown = "\n  ".join(str(p) for p in self.problems[:MAX_LISTED_PROBLEMS])
        more = len(self.problems) - MAX_LISTED_PROBLEMS
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the data:\n  {shown}{tail}")


@dataclass(frozen=True)
class Column:
    """What one CSV column must hold. ``min_nonzero`` catches unit mistakes (per-thousand prices)."""

    name: str
    kind: Kind = "str"
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    min_nonzero: float | None = None
    unit_hint: str = ""
    choices: tuple[str, ...] | None = None


RowCheck = Callable[["pd.DataFrame", str], list[Problem]]


@dataclass(frozen=True)
class TableSpec:
    """A CSV file's schema: its columns, the key that must be unique, and cross-column rules."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    checks: tuple[RowCheck, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _parse_cell(raw: str, col: Column) -> tuple[object, str | None]:
    """(value, reason or None). Blank cells become None."""
    text = raw.strip()
    if text == "":
        return None, (None if col.nullable else "is blank but a value is required")
    if col.kind == "str":
        if col.choices is not None and text not in col.choices:
            return None, f"'{text}' is not one of {', '.join(col.choices)}"
        return text, None
    if col.kind == "bool":
        if text.lower() not in _BOOL:
            return None, f"'{text}' is not true or false"
        return _BOOL[text.lower()], None
    if col.kind == "month":
        if not _MONTH.match(text):
            return None, f"'{text}' is not a date as YYYY-MM or YYYY-MM-DD"
        return text, None
    if col.kind == "time":
        if not _TIME.match(text):
            return None, f"'{text}' is not a time of day as HH:MM (24 h, UTC)"
        return text, None
    try:
        value = float(text)
    except ValueError:
        return None, f"'{text}' is not a number"
    if not math.isfinite(value):
        return None, f"'{text}' is not a finite number"
    if col.kind == "int" and not value.is_integer():
        return None, f"'{text}' is not a whole number"
    unit = f" {col.unit_hint}" if col.unit_hint else ""
    if col.min is not None and value < col.min:
        return None, f"{text} is below the smallest sane value {col.min:g}{unit}"
    if col.max is not None and value > col.max:
        return None, f"{text} is above the largest sane value {col.max:g}{unit}"
    if col.min_nonzero is not None and 0 < value < col.min_nonzero:
        return None, (
            f"{text} is below {col.min_nonzero:g}{unit}: too small to be a price in this unit "
            "(is it per thousand tokens, or per token, instead of per million?)"
        )
    return (int(value) if col.kind == "int" else value), None


def _dtype(col: Column) -> str:
    return {"str": "object", "month": "object", "time": "object", "float": "float64",
            "int": "Int64", "bool": "boolean"}[col.kind]


def load_table(path: str | Path, spec: TableSpec, *, header_only_ok: bool = False) -> pd.DataFrame:
    """Read and validate one CSV; raise DataValidationError listing every problem.

    ``header_only_ok``: a file with a valid header and no rows is an empty table, not an error.
    """
    import pandas as pd

    from lib.data.csvread import read_rows  # late: csvread reports with this module's Problem

    path = Path(path)
    label = str(path)
    # Encoding, control characters, quotes and cell length: file, row and column, never a traceback.
    read = read_rows(path, spec.name)
    header = [h.strip() for h in read.header]
    problems: list[Problem] = list(read.problems)  # cells that are not text; each skipped below
    missing = [c for c in spec.column_names if c not in header]
    unknown = [h for h in header if h not in spec.column_names]
    for name in missing:
        problems.append(Problem(label, "required column is missing from the header", 0, name))
    for name in unknown:
        problems.append(Problem(label, "unknown column (a typo, or a column this table does not define)", 0, name))
    dupes = {h for h in header if header.count(h) > 1}
    for name in sorted(dupes):
        problems.append(Problem(label, "column appears more than once in the header", 0, name))
    if problems:
        raise DataValidationError(problems)

    specs = {c.name: c for c in spec.columns}
    records: list[dict[str, object]] = []
    for row_no, line, fields in read.rows:
        at = None if line == row_no + 1 else line
        if not any(f.strip() for f in fields):
            problems.append(Problem(label, "row is empty", row_no, None, at))
            continue
        if len(fields) != len(header):
            problems.append(Problem(label, f"has {len(fields)} fields but the header has {len(header)}", row_no,
                                    None, at))
            continue
        record: dict[str, object] = {}
        for index, (name, raw) in enumerate(zip(header, fields)):
            if (row_no, index) in read.bad_cells:
                record[name] = None
                continue
            value, reason = _parse_cell(raw, specs[name])
            if reason:
                problems.append(Problem(label, reason, row_no, name, at))
            record[name] = value
        record["_row"] = row_no
        records.append(record)

    if not records and not problems:
        if header_only_ok:
            return pd.DataFrame(columns=spec.column_names)
        raise DataValidationError([Problem(label, "has a header but no data rows")])

    frame = pd.DataFrame.from_records(records, columns=[*spec.column_names, "_row"])
    seen: dict[tuple, int] = {}
    for rec in records:
        key = tuple(rec[k] for k in spec.key)
        if any(v is None for v in key):
            continue
        if key in seen:
            shown = ", ".join(f"{k}={v}" for k, v in zip(spec.key, key))
            problems.append(Problem(label, f"duplicate of row {seen[key]} ({shown})", int(rec["_row"]), spec.key[-1]))
        else:
            seen[key] = int(rec["_row"])

    # Cross-column rules run even after cell errors (bad cells are blank to them), so one run
    # reports everything wrong with the file.
    for check in spec.checks:
        problems.extend(check(frame, label))
    if problems:
        raise DataValidationError(problems)

    for col in spec.columns:
        frame[col.name] = frame[col.name].astype(_dtype(col))
    frame.attrs["source_file"] = label
    return frame.set_index("_row", drop=True).rename_axis("row")


def not_above(low: str, high: str, what: str):
    """A table check: where both are filled, ``low`` is not above ``high`` (a range's ends, say)."""

    def check(frame: "pd.DataFrame", label: str) -> list[Problem]:
        bad = frame[frame[low].notna() & frame[high].notna() & (frame[low].astype(float) > frame[high].astype(float))]
        return [Problem(label, f"{low} {r[low]} is above {high} {r[high]} ({what})", int(r["_row"]), low)
                for _, r in bad.iterrows()]

    return check

