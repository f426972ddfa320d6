"""How the commands write results: an aligned text table on a terminal, CSV for a file or a pipe.

Money is written as exact decimal text (``Decimal`` in, the same digits out), never through a float.
"""

from __future__ import annotations

import io
import sys
from decimal import Decimal
from pathlib import Path
from typing import Sequence

import pandas as pd

from lib.cli.exits import CANT_CREATE, CliError


def decimal_text(value: object) -> str:
    """A Decimal as plain fixed-point text without trailing zeros ('0.0125', '3'); blank for None."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def text_table(frame: pd.DataFrame, right: Sequence[str] = ()) -> str:
    """The frame as columns padded to their widest cell; ``right`` columns aligned right (numbers)."""
    cells = [[str(c) for c in frame.columns]] + [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    widths = [max(len(r[j]) for r in cells) for j in range(len(frame.columns))]
    lines = []
    for i, row in enumerate(cells):
        padded = [c.rjust(w) if frame.columns[j] in right else c.ljust(w)
                  for j, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(padded).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    return decimal_text(value) if isinstance(value, Decimal) else ("" if value is None else str(value))


def csv_text(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for col in out.columns:
        out[col] = [_cell(v) for v in out[col]]
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def write_text(text: str, out: str | None) -> Path | None:
    """``text`` to the file ``out`` (written whole, then renamed into place) or to stdout when None."""
    if out is None:
        sys.stdout.write(text)
        return None
    path = Path(out).expanduser()
    path = path if path.is_absolute() else Path.cwd() / path
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as err:
        raise CliError(f"{out}: cannot write the output ({err.strerror})", CANT_CREATE) from None
    return path
