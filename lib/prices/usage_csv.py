"""Bill a usage file (a CSV of calls as the provider reported them) at the book's prices, row by row.

The file is read through ``lib.data.csvread`` like every data CSV, so bytes that are not CSV text
(Latin-1, a NUL, a quote left open, an empty file) are refused or rejected with file, row, column
and reason; a row that cannot be billed is reported and never billed as zero. Token counts are
bounded by the call logs' ceiling, ``MAX_TOKENS_PER_CALL``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from lib.data.csvread import escaped, read_rows
from lib.data.validation import DataValidationError
# One ceiling for every reader of per-call token counts (the call logs define it; logschema imports only lib.data).
from lib.finops.logschema import MAX_TOKENS_PER_CALL
from lib.prices.billing import STANDARD_TIER, BillingError, Usage, bill_api_row

USAGE_TOKEN_COLUMNS = {"input_tokens": "input", "output_tokens": "output", "cache_read_tokens": "cache_read",
                       "cache_write_5m_tokens": "cache_write_5m", "cache_write_1h_tokens": "cache_write_1h",
                       "reasoning_tokens": "reasoning", "web_searches": "web_searches"}
USAGE_REQUIRED = ("provider", "model", "input_tokens", "output_tokens")
REJECTED_COLUMNS = ["file", "row", "column", "provider", "model", "reason"]


def _count(text: str) -> tuple[int | None, str | None]:
    """A token count from a CSV cell: (value, None) or (None, reason). Blank is 0 (not reported)."""
    t = text.strip()
    if t == "":
        return 0, None
    if t.lstrip("+-").isdigit() and len(t) <= 20:  # longer: over any ceiling, and int() of it is slow
        value = int(t)
        if value < 0:
            return None, f"{t} is negative; a token count cannot be"
        if value > MAX_TOKENS_PER_CALL:
            return None, (f"{t} tokens is over the ceiling of {MAX_TOKENS_PER_CALL:,} a call can report "
                          "(a wrapped counter or a sentinel, not usage)")
        return value, None
    if t.lstrip("+-").isdigit():
        return None, (f"{t[:20]}... ({len(t)} digits) is over the ceiling of {MAX_TOKENS_PER_CALL:,} tokens "
                      "a call can report")
    try:
        f = float(t)
    except ValueError:
        return None, f"'{t}' is not a number"
    if not math.isfinite(f):
        return None, f"'{t}' is not a finite number"
    return None, f"{t} is not a whole number of tokens"


def bill_usage_csv(path: str | Path, prices: pd.DataFrame, rules: pd.DataFrame
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bill every row of a usage CSV at the book's prices: (billed, rejected).

    Columns: provider, model, input_tokens, output_tokens and optionally cache_read_tokens,
    cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, web_searches, batch, tier.
    Counts are as the provider reports them (see billing_rules.csv). A row that cannot be billed
    goes to ``rejected`` with its file, row (1-based, header is 0), column and reason; it is never
    billed as zero and never stops the others.
    """
    path = Path(path)
    try:
        parsed = read_rows(path, "usage")  # bytes that are not CSV text: file, row, column and reason
    except DataValidationError as err:
        raise BillingError(f"the usage file cannot be read:\n{err}") from err
    header = [h.strip() for h in parsed.header]
    header_problems = [p for p in parsed.problems if p.row == 0]
    if header_problems:
        raise BillingError("the usage file's header cannot be read:\n" + "\n".join(map(str, header_problems)))
    missing = [c for c in USAGE_REQUIRED if c not in header]
    if missing:
        raise BillingError(f"{path}: the usage file lacks column(s) {', '.join(missing)}")
    cell_problems = {p.row: p for p in reversed(parsed.problems)}  # the first bad cell of each row
    book = prices[prices["book_uses"] == True]  # noqa: E712
    billed, rejected = [], []
    for i, _line, cells in parsed.rows:
        raw: dict[str | None, Any] = dict(zip(header, cells))
        provider, model = (raw.get("provider") or "").strip(), (raw.get("model") or "").strip()

        def reject(column: str | None, reason: str) -> None:
            # An undecoded byte cannot go into a frame (or a terminal) as it is: shown as \xNN.
            rejected.append({"file": str(path), "row": i, "column": column, "provider": escaped(provider),
                             "model": escaped(model), "reason": reason})

        if i in cell_problems:
            reject(cell_problems[i].column, cell_problems[i].reason)
            continue
        if len(cells) > len(header):
            reject(None, f"{len(cells) - len(header)} more cell(s) than the header has columns")
            continue
        if len(cells) < len(header):
            reject(header[len(cells)], f"the row has {len(cells)} cell(s), the header {len(header)} columns: "
                                       f"'{header[len(cells)]}' and after are missing")
            continue
        counts, bad = {}, False
        for column, name in USAGE_TOKEN_COLUMNS.items():
            value, reason = _count(raw.get(column) or "")
            if reason:
                reject(column, reason)
                bad = True
                break
            counts[name] = value
        if bad:
            continue
        batch_text = (raw.get("batch") or "false").strip().lower()
        if batch_text not in ("true", "false", ""):
            reject("batch", f"'{raw.get('batch')}' is not true or false")
            continue
        match = book[(book["provider"] == provider) & (book["model"] == model)]
        if not len(match):
            reject("model", f"no price source knows {provider} {model!r}")
            continue
        try:
            usage = Usage(**counts, batch=batch_text == "true", tier=(raw.get("tier") or STANDARD_TIER).strip())
            b = bill_api_row(usage, match.iloc[0], rules)
        except BillingError as err:
            reject(None, str(err))
            continue
        billed.append({"row": i, "provider": provider, "model": model, "usd": b.total})
    return (pd.DataFrame(billed, columns=["row", "provider", "model", "usd"]),
            pd.DataFrame(rejected, columns=REJECTED_COLUMNS))
